"""The schedule, a session's page, the scheduling and editing forms, and the RSVP, join and
cancel buttons (form posts that come back to the session page, or go on to the live room)."""

from __future__ import annotations

import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import live_session_rsvps as rsvp_actions
from ...actions import live_sessions as session_actions
from ...errors import Conflict, DomainError, Forbidden, ValidationFailed
from ...models import LiveSession
from ...models.base import is_row_id
from ...queries import live_sessions as session_queries
from ...queries.paging import parse_page
from ..forms import button_press, form_int, form_refused, form_text, refusal_page, render_form
from .blueprint import bp
from .view import render_session, session_items

# "12 15", "12, 15" or pasted links such as "/resources/12" or "https://…/resources/12-title".
_RESOURCE_REF = re.compile(r"(?:resources/)?(\d+)")
COMMON_ZONES = ("UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Warsaw",
                "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
                "America/Sao_Paulo", "Africa/Lagos", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore",
                "Asia/Tokyo", "Australia/Sydney")


@bp.get("/sessions")
def index() -> ResponseReturnValue:
    past = request.args.get("past") == "1"
    page = parse_page(request.args.get("page"))
    sessions, total = session_queries.list_sessions(page, past=past)
    return render_template("live_sessions/index.html", items=session_items(sessions), total=total,
                           page=page, past=past)


@bp.get("/sessions/<int:session_id>")
def session(session_id: int) -> ResponseReturnValue:
    return render_session(session_queries.access_session(session_id))


def _resource_ids(raw: str) -> list[int]:
    ids = []
    for token in raw.replace(",", " ").split():
        match = _RESOURCE_REF.search(token)
        if match is None or not is_row_id(int(match.group(1))):
            raise ValidationFailed({"resources": f"“{token[:40]}” is not a resource id or link"})
        ids.append(int(match.group(1)))
    return ids


def _form_fields() -> dict[str, object]:
    """The form as the action's input (empty optional fields absent or None)."""
    fields: dict[str, object] = {
        "title": form_text("title").strip(), "description": form_text("description"),
        "starts_at_local": form_text("starts_at_local").strip() or None,
        "timezone": form_text("timezone").strip() or None,
        "duration_minutes": form_int("duration_minutes"),
        "capacity": form_int("capacity", optional=True),
        "resources": _resource_ids(form_text("resources")),
    }
    if form_text("host").strip():
        fields["host"] = form_text("host").strip()
    if form_text("room").strip():
        fields["room"] = form_text("room").strip().rsplit("/", 1)[-1]
    return fields


@bp.route("/sessions/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    if not session_actions.can_schedule(current_user):
        raise Forbidden("Only moderators can schedule live sessions.")
    if request.method == "GET":
        return render_form("live_sessions/new.html", values={"duration_minutes": "60", "timezone": "UTC"},
                           zones=COMMON_ZONES)
    try:
        draft = session_actions.SessionDraft(**_form_fields())
        created = session_actions.schedule_session(current_user, draft)
    except ValidationFailed as exc:
        return form_refused("live_sessions/new.html", exc, zones=COMMON_ZONES)
    flash("The session is scheduled. Members can RSVP on its page.", "success")
    return redirect(url_for(".session", session_id=created.id))


def _editable(session_id: int) -> LiveSession:
    found = session_queries.access_session(session_id)
    if not session_actions.can_manage(current_user, found):
        raise Forbidden("Only the session's host or a moderator can change it.")
    return found


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit(session_id: int) -> ResponseReturnValue:
    found = _editable(session_id)
    if request.method == "GET":
        local = found.starts_at.astimezone(ZoneInfo(found.timezone))
        values = {"title": found.title, "description": found.description, "host": found.host.username,
                  "starts_at_local": local.strftime("%Y-%m-%dT%H:%M"), "timezone": found.timezone,
                  "duration_minutes": str(found.duration_minutes),
                  "capacity": "" if found.capacity is None else str(found.capacity),
                  "room": found.room.slug if found.room is not None else "",
                  "resources": " ".join(str(r.id) for r in
                                        session_queries.linked_resources([found.id])[found.id])}
        return render_form("live_sessions/edit.html", values=values, session=found, zones=COMMON_ZONES)
    try:
        fields = _form_fields()
        if fields["starts_at_local"] is None:
            fields.pop("starts_at_local")
        session_actions.update_session(current_user, found.id, session_actions.SessionChanges(fields))
    except (ValidationFailed, Conflict) as exc:
        return form_refused("live_sessions/edit.html", exc, session=found, zones=COMMON_ZONES)
    flash("Your changes are saved.", "success")
    return redirect(url_for(".session", session_id=found.id))


def _button(action: Callable[[], object], session_id: int, done: str) -> ResponseReturnValue:
    """Run a button's action; a refusal (full, ended, cancelled) is shown on the error page."""
    return button_press(action, url_for(".session", session_id=session_id), done,
                        refusals=(Conflict, Forbidden))


@bp.post("/sessions/<int:session_id>/rsvp")
@login_required
def rsvp(session_id: int) -> ResponseReturnValue:
    if request.form.get("going") == "0":
        return _button(lambda: rsvp_actions.cancel_rsvp(current_user, session_id), session_id,
                       "You're no longer on the list for this session.")
    return _button(lambda: rsvp_actions.rsvp(current_user, session_id), session_id,
                   "You're on the list: we'll remind you before it starts.")


@bp.post("/sessions/<int:session_id>/attend")
@login_required
def attend(session_id: int) -> ResponseReturnValue:
    try:
        result = rsvp_actions.attend(current_user, session_id)
    except DomainError as exc:
        return refusal_page(exc, url_for(".session", session_id=session_id))
    return redirect(result.room_url)


@bp.post("/sessions/<int:session_id>/cancel")
@login_required
def cancel(session_id: int) -> ResponseReturnValue:
    return _button(lambda: session_actions.cancel_session(current_user, session_id), session_id,
                   "The session is cancelled; everyone who RSVP'd has been told.")
