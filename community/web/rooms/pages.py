"""The room list (with the helpers' queue and the "open a room" form) and the chat page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import rooms as room_actions
from ...errors import ValidationFailed
from ...queries import rooms as room_queries
from ...queries.paging import Page, parse_page
from ...realtime import channels
from ...realtime.hub import online_users
from ..forms import form_int, form_text
from .blueprint import bp
from .view import render_room

QUEUE_SIZE = 20


def _usernames(raw: str) -> list[str]:
    return [name for name in raw.replace(",", " ").split() if name]


def render_index(status: int = 200, *, values: dict | None = None, errors: dict | None = None,
                 message: str | None = None) -> ResponseReturnValue:
    archived = request.args.get("archived") == "1"
    page = parse_page(request.args.get("page"))
    rooms, total = room_queries.list_rooms(current_user, page, archived=archived)
    queue, waiting = room_queries.list_help_requests(
        current_user, room_queries.check_help_status(None), Page(1, QUEUE_SIZE))
    listed = [{"room": room, "online": len(online_users(channels.room(room.slug)))} for room in rooms]
    return render_template("rooms/index.html", rooms=listed, total=total, page=page,
                           archived=archived, queue=queue, waiting=waiting,
                           values=values or request.args, errors=errors or {},
                           form_message=message), status


@bp.get("/rooms")
def index() -> ResponseReturnValue:
    return render_index()


@bp.post("/rooms")
@login_required
def create() -> ResponseReturnValue:
    draft = room_actions.RoomDraft(title=form_text("title"), topic=form_text("topic"),
                                   private=request.form.get("private") == "1",
                                   thread_id=form_int("thread_id", optional=True),
                                   members=_usernames(form_text("members")))
    try:
        room = room_actions.create_room(current_user, draft)
    except ValidationFailed as exc:
        return render_index(exc.status, values=request.form, errors=exc.fields, message=exc.message)
    flash("Your room is open. Share the link, or wait here: people see it on the Live help page.",
          "success")
    return redirect(url_for("rooms.room", slug=room.slug))


@bp.get("/rooms/<slug>")
def room(slug: str) -> ResponseReturnValue:
    found = room_queries.access_room(current_user, slug)
    before = request.args.get("before")
    window = room_queries.check_message_window(before=before)  # a bad ?before= is a clear 422
    return render_room(found, before=window.before)
