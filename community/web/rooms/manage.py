"""Owner and moderator controls on the room page: title and topic, archive, invite and remove."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import rooms as room_actions
from ...errors import Forbidden, NotFound, ValidationFailed
from ..forms import form_text, refusal_page
from .blueprint import bp


def _back(slug: str) -> str:
    return url_for("rooms.room", slug=slug, _anchor="room-settings")


@bp.post("/rooms/<slug>/settings")
@login_required
def settings(slug: str) -> ResponseReturnValue:
    changes = room_actions.RoomChanges(title=form_text("title"), topic=form_text("topic"))
    try:
        room_actions.update_room(current_user, slug, changes)
    except (ValidationFailed, Forbidden) as exc:
        return refusal_page(exc, _back(slug))
    flash("The room is updated.", "success")
    return redirect(url_for("rooms.room", slug=slug))


@bp.post("/rooms/<slug>/archive")
@login_required
def archive(slug: str) -> ResponseReturnValue:
    archived = request.form.get("archived") == "1"
    try:
        room_actions.update_room(current_user, slug, room_actions.RoomChanges(archived=archived))
    except Forbidden as exc:
        return refusal_page(exc, _back(slug))
    flash("The room is archived: its history stays readable." if archived
          else "The room is open again.", "success")
    return redirect(url_for("rooms.room", slug=slug))


@bp.post("/rooms/<slug>/members")
@login_required
def invite(slug: str) -> ResponseReturnValue:
    try:
        member, created = room_actions.add_member(current_user, slug, form_text("username"))
    except (ValidationFailed, Forbidden) as exc:
        return refusal_page(exc, _back(slug))
    flash(f"{member.user.name} is {'now' if created else 'already'} a member.", "success")
    return redirect(_back(slug))


@bp.post("/rooms/<slug>/members/<username>/remove")
@login_required
def remove(slug: str, username: str) -> ResponseReturnValue:
    leaving = username.lower() == current_user.username.lower()
    try:
        room_actions.remove_member(current_user, slug, username)
    except (ValidationFailed, Forbidden, NotFound) as exc:
        return refusal_page(exc, _back(slug))
    if leaving:
        flash("You left the room.", "success")
        return redirect(url_for("rooms.index"))
    flash(f"{username} is no longer a member and has lost access.", "success")
    return redirect(_back(slug))
