"""Answers, votes and acceptance as plain forms (the JavaScript uses the JSON API instead)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import answers as answer_actions
from ...actions import threads as thread_actions
from ...actions import votes as vote_actions
from ...errors import Forbidden, RateLimited, ValidationFailed
from ...permissions import can_edit_post
from ...queries.threads import access_post, access_thread
from ..forms import form_int, form_refused, form_text, refusal_page, render_form, retry_after_header
from ..urls import post_href, thread_href
from .blueprint import bp
from .questions import render_thread


@bp.post("/questions/<int:thread_id>/answers")
@login_required
def answer(thread_id: int) -> ResponseReturnValue:
    try:
        posted = answer_actions.post_answer(current_user, thread_id, form_text("body"))
    except (ValidationFailed, RateLimited) as exc:
        thread = access_thread(current_user, thread_id)
        page, status = render_thread(thread, exc.status, answer_values=request.form,
                                     answer_errors=getattr(exc, "fields", {}), answer_message=exc.message)
        return page, status, retry_after_header(exc)
    flash("Your answer is posted.", "success")
    return redirect(post_href(posted))


@bp.post("/posts/<int:post_id>/vote")
@login_required
def vote(post_id: int) -> ResponseReturnValue:
    post = access_post(current_user, post_id)
    back = post_href(post)
    try:
        vote_actions.cast_vote(current_user, post.id, form_int("value"))
    except (Forbidden, ValidationFailed) as exc:
        return refusal_page(exc, back)
    return redirect(back)


@bp.post("/questions/<int:thread_id>/accept")
@login_required
def accept(thread_id: int) -> ResponseReturnValue:
    thread = access_thread(current_user, thread_id)
    try:
        answer_id = form_int("answer_id", optional=True)
        answer_actions.accept_answer(current_user, thread.id, answer_id)
    except (Forbidden, ValidationFailed) as exc:
        return refusal_page(exc, thread_href(thread))
    flash("Answer accepted." if answer_id else "The answer is no longer accepted.", "success")
    anchor = f"answer-{answer_id}" if answer_id else "answers"
    return redirect(url_for("forum.thread", thread_id=thread.id, _anchor=anchor))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int) -> ResponseReturnValue:
    post = access_post(current_user, post_id)
    if post.is_question:
        return redirect(url_for("forum.edit_question", thread_id=post.id))
    thread = access_thread(current_user, post.parent_id)
    if not can_edit_post(current_user, post):
        raise Forbidden(thread_actions.edit_refusal(current_user, post))
    if request.method == "GET":
        return render_form("forum/edit_answer.html", values={"body": post.body}, post=post, thread=thread)
    try:
        answer_actions.edit_answer(current_user, post.id, form_text("body"))
    except ValidationFailed as exc:
        return form_refused("forum/edit_answer.html", exc, post=post, thread=thread)
    flash("Your edit is saved.", "success")
    return redirect(post_href(post))


@bp.post("/posts/<int:post_id>/delete")
@login_required
def delete_post(post_id: int) -> ResponseReturnValue:
    post = access_post(current_user, post_id)
    try:
        answer_actions.delete_post(current_user, post.id)
    except Forbidden as exc:
        return refusal_page(exc, post_href(post))
    flash("The question is deleted." if post.is_question else "The answer is deleted.", "success")
    if post.is_question:
        return redirect(url_for("forum.index"))
    return redirect(url_for("forum.thread", thread_id=post.thread_id, _anchor="answers"))
