"""Scheduled live training sessions in the API (/api/v1/live-sessions), with their input schemas."""

from __future__ import annotations

from flask_login import current_user, login_required
from marshmallow import fields

from ...actions import live_session_rsvps as rsvp_actions
from ...actions import live_sessions as session_actions
from ...errors import Forbidden, ValidationFailed
from ...models import LiveSession, RsvpStatus
from ...payloads import iso, page_payload
from ...payloads.live_sessions import live_session_payload, rsvp_payload
from ...queries import live_sessions as session_queries
from ...queries.paging import parse_page
from .blueprint import ApiBlueprint
from .schemas import Input

bp = ApiBlueprint("live_sessions_api", __name__, url_prefix="/api/v1",
                  description="Scheduled live training sessions: RSVPs, waitlist, joining the live room")


class LiveSessionIn(Input):
    title = fields.String(required=True)
    description = fields.String(load_default="")
    host = fields.String(metadata={"description": "username; the scheduler when absent"})
    starts_at_local = fields.String(metadata={"description": "wall-clock time, e.g. 2026-12-03T15:00"})
    timezone = fields.String(metadata={"description": "IANA zone of starts_at_local, e.g. Europe/Berlin"})
    starts_at = fields.String(metadata={"description": "instead of starts_at_local: ISO 8601 with offset"})
    duration_minutes = fields.Integer(load_default=60)
    capacity = fields.Integer(allow_none=True, load_default=None)
    room = fields.String(allow_none=True, load_default=None,
                         metadata={"description": "slug of a public room; absent: one is opened"})
    resources = fields.List(fields.Integer(), load_default=list)


class LiveSessionPatch(Input):
    title = fields.String()
    description = fields.String()
    host = fields.String()
    starts_at_local = fields.String()
    timezone = fields.String()
    starts_at = fields.String()
    duration_minutes = fields.Integer()
    capacity = fields.Integer(allow_none=True)
    room = fields.String()
    resources = fields.List(fields.Integer())


class LiveSessionListArgs(Input):
    upcoming = fields.String(metadata={"description": "1 (default): sessions not yet ended"})
    past = fields.String(metadata={"description": "1: ended sessions, most recent first"})
    page = fields.Integer()
    per_page = fields.Integer()


def _flag(value: str | None) -> bool:
    if value in (None, "", "0", "false"):
        return False
    if value in ("1", "true"):
        return True
    raise ValidationFailed({"past": "must be 1 or 0"})


def session_json(session: LiveSession) -> dict:
    return live_session_payload(session, session_queries.session_view(current_user, session))


@bp.get("/live-sessions")
@bp.arguments(LiveSessionListArgs, location="query")
def list_sessions(args: dict):
    page = parse_page(args.get("page"), args.get("per_page"))
    past = _flag(args.get("past"))
    if past and _flag(args.get("upcoming")):
        raise ValidationFailed({"past": "ask for upcoming or past sessions, not both"})
    sessions, total = session_queries.list_sessions(page, past=past)
    views = session_queries.session_views(current_user, sessions)
    return page_payload([live_session_payload(s, views[s.id]) for s in sessions], total, page.page,
                        page.per_page)


@bp.post("/live-sessions")
@login_required
@bp.arguments(LiveSessionIn)
def create_session(data: dict):
    session = session_actions.schedule_session(current_user, session_actions.SessionDraft(**data))
    return session_json(session), 201


@bp.get("/live-sessions/<int:session_id>")
def get_session(session_id: int):
    return session_json(session_queries.access_session(session_id))


@bp.patch("/live-sessions/<int:session_id>")
@login_required
@bp.arguments(LiveSessionPatch)
def update_session(data: dict, session_id: int):
    session = session_actions.update_session(current_user, session_id, session_actions.SessionChanges(data))
    return session_json(session)


@bp.post("/live-sessions/<int:session_id>/cancel")
@login_required
def cancel_session(session_id: int):
    return session_json(session_actions.cancel_session(current_user, session_id))


@bp.put("/live-sessions/<int:session_id>/rsvp")
@login_required
def put_rsvp(session_id: int):
    session, _rsvp = rsvp_actions.rsvp(current_user, session_id)
    return session_json(session)


@bp.delete("/live-sessions/<int:session_id>/rsvp")
@login_required
def delete_rsvp(session_id: int):
    rsvp_actions.cancel_rsvp(current_user, session_id)
    return "", 204


@bp.post("/live-sessions/<int:session_id>/attend")
@login_required
def attend(session_id: int):
    result = rsvp_actions.attend(current_user, session_id)
    return {"room_url": result.room_url, "attended_at": iso(result.rsvp.attended_at),
            "session": session_json(result.session)}


@bp.get("/live-sessions/<int:session_id>/attendees")
@login_required
def attendees(session_id: int):
    session = session_queries.access_session(session_id)
    if not session_actions.can_manage(current_user, session):
        raise Forbidden("Only the session's host or a moderator can see who is coming.")
    rows = session_queries.rsvps_of(session.id)
    return {
        "going": [rsvp_payload(r) for r in rows if r.status == RsvpStatus.GOING.value],
        "waitlisted": [rsvp_payload(r) for r in rows if r.status == RsvpStatus.WAITLISTED.value],
        "attended": [rsvp_payload(r) for r in rows if r.attended_at is not None],
    }
