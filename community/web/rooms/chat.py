"""Chat forms on the room page (the script uses the socket and the JSON API instead): messages,
raising a hand, claiming and resolving help requests, saving a transcript."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import help_requests as help_actions
from ...actions import messages as message_actions
from ...actions import transcripts as transcript_actions
from ...errors import Conflict, Forbidden, RateLimited, ValidationFailed
from ...queries import rooms as room_queries
from ..forms import form_int, form_text, refusal_page
from ..urls import post_href
from .blueprint import bp
from .view import render_room


def _room_url(slug: str, anchor: str | None = None) -> str:
    return url_for("rooms.room", slug=slug, _anchor=anchor)


@bp.post("/rooms/<slug>/messages")
@login_required
def post_message(slug: str) -> ResponseReturnValue:
    try:
        message, room = message_actions.post_message(current_user, slug, form_text("body"))
    except (ValidationFailed, RateLimited, Forbidden) as exc:
        room = room_queries.access_room(current_user, slug)
        return render_room(room, exc.status, values=request.form,
                           errors=getattr(exc, "fields", {}), message=exc.message)
    return redirect(_room_url(room.slug, f"message-{message.id}"))


@bp.post("/rooms/<slug>/messages/<int:message_id>/delete")
@login_required
def delete_message(slug: str, message_id: int) -> ResponseReturnValue:
    try:
        message_actions.delete_message(current_user, slug, message_id)
    except Forbidden as exc:
        return refusal_page(exc, _room_url(slug))
    flash("The message is removed.", "success")
    return redirect(_room_url(slug, "messages"))


@bp.post("/rooms/<slug>/help-requests")
@login_required
def raise_hand(slug: str) -> ResponseReturnValue:
    try:
        help_request = help_actions.raise_hand(current_user, slug, form_text("summary"))
    except (ValidationFailed, Conflict, Forbidden) as exc:
        room = room_queries.access_room(current_user, slug)
        return render_room(room, exc.status, values=request.form,
                           errors=getattr(exc, "fields", {}), message=exc.message)
    flash("Your hand is up: colleagues see your request in the help queue.", "success")
    return redirect(_room_url(slug, f"help-{help_request.id}"))


@bp.post("/help-requests/<int:request_id>/<any(claim, resolve):verb>")
@login_required
def change_help_request(request_id: int, verb: str) -> ResponseReturnValue:
    found = room_queries.access_help_request(current_user, request_id)
    back = _room_url(found.room.slug, f"help-{found.id}")
    change = help_actions.claim_help_request if verb == "claim" else help_actions.resolve_help_request
    try:
        change(current_user, request_id)
    except (Conflict, Forbidden) as exc:
        return refusal_page(exc, back)
    flash("You're helping: say hello in the chat." if verb == "claim" else "Marked resolved.",
          "success")
    return redirect(back)


@bp.post("/rooms/<slug>/transcript")
@login_required
def save_transcript(slug: str) -> ResponseReturnValue:
    as_question = request.form.get("target") == "question"
    ids = [int(raw) for raw in request.form.getlist("message_ids") if raw.isdigit()]
    transcript = transcript_actions.TranscriptRequest(
        message_ids=ids or None, title=form_text("title").strip() if as_question else None,
        thread_id=None if as_question else form_int("thread_id", optional=True))
    try:
        if as_question and not transcript.title:
            raise ValidationFailed({"title": "is needed for a new question"})
        saved = transcript_actions.save_transcript(current_user, slug, transcript)
    except (ValidationFailed, Forbidden) as exc:
        return refusal_page(exc, _room_url(slug, "transcript"))
    flash("The conversation is saved as a new question." if saved.thread
          else "The conversation is saved as an answer.", "success")
    return redirect(post_href(saved.thread or saved.answer))
