"""Scheduled live training sessions: scheduling, editing and cancelling them (RSVPs, the waitlist
and joining the live room are live_session_rsvps.py; the scheduled jobs, reminders and
after-session feedback, live_session_jobs.py).

Rules decided here (the API and the pages only translate):

- Moderators and admins schedule sessions; the host is any active (not suspended) member.
  The host or a moderator edits or cancels one.
- A start is either ``starts_at`` (ISO 8601 with an offset) or ``starts_at_local`` plus the IANA
  ``timezone`` it is planned in. A local time that does not exist (the hour skipped when clocks go
  forward) or happens twice (the hour repeated when they go back) is refused with a 422 that says
  so, rather than guessed: the planner picks the time they mean.
- The session's room must be a public, open room (so every attendee can enter it); without one
  a public room is opened for the session.
- RSVP: "going" while seats are left, else "waitlisted" in the order people asked. Every RSVP
  change locks the session's row first, so concurrent RSVPs never exceed the capacity. When a
  going member withdraws, or the capacity grows, the first in line move up and are notified.
  Lowering the capacity never removes anyone already going.
- Joining (POST /attend) opens 10 minutes before the start and closes at the end. Members going
  always get in; anyone else (waitlisted included) gets in while a seat is free, which makes them
  "going". The first join marks the RSVP as attended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete

from ..db import atomic
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import LiveSession, LiveSessionResource, Room, User
from ..models.base import is_row_id, utcnow
from ..payloads.live_sessions import live_session_url
from ..permissions import require_active_account
from ..queries import live_sessions as queries
from ..queries.resources import access_resource
from ..queries.rooms import access_room
from ..queries.users import get_user_by_username
from ..text.markdown import render_markdown
from ..text.validation import (
    check_local_moment,
    check_moment,
    check_text,
    check_whole_number,
    check_zone,
    local_to_utc,
)
from . import rooms as room_actions
from .live_session_rsvps import CAPACITY_MAX, CAPACITY_MIN, promote_waitlisted, publish_session
from .notifications import notify

TITLE_MIN, TITLE_MAX = 5, 200
DESCRIPTION_MAX = 20_000
DURATION_MIN, DURATION_MAX = 15, 480
MAX_RESOURCES = 20


@dataclass(frozen=True)
class SessionDraft:
    title: object
    starts_at_local: object = None
    timezone: object = None
    starts_at: object = None
    duration_minutes: object = 60
    description: object = ""
    host: object = None  # a username; the scheduler when absent
    capacity: object = None
    room: object = None  # an existing room's slug; None opens one for the session
    resources: object = None  # resource ids


@dataclass(frozen=True)
class SessionChanges:
    """Only the fields present in a PATCH; ``capacity`` may be set to None, hence the flag."""

    fields: dict[str, object]


# --- validation -----------------------------------------------------------------------------------


def can_schedule(user: User | None) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_moderator and not user.is_suspended


def can_manage(user: User | None, session: LiveSession) -> bool:
    """Edit or cancel: the host or a moderator."""
    if not getattr(user, "is_authenticated", False) or user.is_suspended:
        return False
    return user.is_moderator or session.host_id == user.id


def check_title(value: object) -> str:
    return check_text("title", value, min_len=TITLE_MIN, max_len=TITLE_MAX).strip()


def check_description(value: object) -> str:
    return check_text("description", value, max_len=DESCRIPTION_MAX, required=False)


def check_start(starts_at: object, starts_at_local: object, zone: object) -> tuple[datetime, str]:
    """(start in UTC, display zone) from either form of the start."""
    if starts_at is not None and starts_at_local is not None:
        raise ValidationFailed({"starts_at": "give either starts_at or starts_at_local, not both"})
    if starts_at_local is not None:
        if zone is None:
            raise ValidationFailed({"timezone": "is required with starts_at_local"})
        name = check_zone(zone)
        local = check_local_moment("starts_at_local", starts_at_local)
        return local_to_utc("starts_at_local", local, name), name
    if starts_at is None:
        raise ValidationFailed({"starts_at_local": "is required (or starts_at with an offset)"})
    start = check_moment("starts_at", starts_at, naive_is_utc=False).replace(microsecond=0)
    return start, check_zone(zone) if zone is not None else "UTC"


def check_duration(value: object) -> int:
    return check_whole_number("duration_minutes", value, DURATION_MIN, DURATION_MAX)


def check_capacity(value: object) -> int | None:
    return None if value is None else check_whole_number("capacity", value, CAPACITY_MIN, CAPACITY_MAX)


def check_resource_ids(value: object) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(is_row_id(item) for item in value):
        raise ValidationFailed({"resources": "must be a list of resource ids"})
    ids = list(dict.fromkeys(value))
    if len(ids) > MAX_RESOURCES:
        raise ValidationFailed({"resources": f"must name at most {MAX_RESOURCES} resources"})
    return ids


def _future(start: datetime, now: datetime) -> datetime:
    if start <= now:
        raise ValidationFailed({"starts_at": "must be in the future"})
    return start


def _host(value: object, default: User) -> User:
    if value is None:
        return db.session.get(User, default.id)
    name = check_text("host", value, max_len=31).strip().lstrip("@")
    user = get_user_by_username(name)
    if user is None:
        raise ValidationFailed({"host": f"no such user: {name[:30]}"})
    if user.is_suspended:
        raise ValidationFailed({"host": f"{name[:30]} is suspended and cannot host"})
    return user


def _linked_room(actor: User, slug: object) -> Room:
    if not isinstance(slug, str):
        raise ValidationFailed({"room": "must be the slug of a live room"})
    try:
        room = access_room(actor, slug)
    except NotFound:
        raise ValidationFailed({"room": "is not a live room you can see"}) from None
    if room.private:
        raise ValidationFailed({"room": "must be a public room, so every attendee can enter it"})
    if room.archived:
        raise ValidationFailed({"room": "is archived; choose an open room"})
    return room


def _check_resources(actor: User, ids: list[int]) -> list[int]:
    for resource_id in ids:
        try:
            resource = access_resource(actor, resource_id)
        except NotFound:
            resource = None
        if resource is None or resource.is_deleted:
            raise ValidationFailed({"resources": f"no such resource: {resource_id}"})
    return ids


def _set_resources(session: LiveSession, ids: list[int]) -> None:
    db.session.execute(delete(LiveSessionResource).where(LiveSessionResource.live_session_id == session.id))
    for position, resource_id in enumerate(ids):
        db.session.add(LiveSessionResource(live_session_id=session.id, resource_id=resource_id,
                                           position=position))
    db.session.flush()


# --- scheduling, editing, cancelling --------------------------------------------------------------


def schedule_session(actor: User, draft: SessionDraft) -> LiveSession:
    require_active_account(actor)
    if not can_schedule(actor):
        raise Forbidden("Only moderators can schedule live sessions.")
    now = utcnow()
    title, description = check_title(draft.title), check_description(draft.description)
    start, zone = check_start(draft.starts_at, draft.starts_at_local, draft.timezone)
    _future(start, now)
    duration = check_duration(60 if draft.duration_minutes is None else draft.duration_minutes)
    capacity = check_capacity(draft.capacity)
    resource_ids = check_resource_ids(draft.resources)
    with atomic():
        host = _host(draft.host, actor)
        _check_resources(actor, resource_ids)
        if draft.room is not None:
            room = _linked_room(actor, draft.room)
        else:
            room = room_actions.create_room(actor, room_actions.RoomDraft(
                title=title[:room_actions.TITLE_MAX].strip(),
                topic=f"Live session with {host.name}"[:room_actions.TOPIC_MAX]))
        session = LiveSession(title=title, description=description,
                              description_html=render_markdown(description) if description.strip() else "",
                              host_id=host.id, created_by_id=actor.id, starts_at=start,
                              duration_minutes=duration, timezone=zone, capacity=capacity,
                              room_id=room.id, created_at=now, updated_at=now)
        session.host, session.room = host, room
        db.session.add(session)
        db.session.flush()
        _set_resources(session, resource_ids)
        if host.id != actor.id:
            notify([host.id], "live_session_host", actor, title, live_session_url(session.id))
        publish_session(session, "live_session_created")
    return session


_EDITABLE = {"title", "description", "host", "starts_at", "starts_at_local", "timezone",
             "duration_minutes", "capacity", "room", "resources"}


def update_session(actor: User, session_id: object, changes: SessionChanges) -> LiveSession:
    """Host or moderator; a new time notifies everyone who RSVP'd."""
    require_active_account(actor)
    fields = {key: value for key, value in changes.fields.items() if key in _EDITABLE}
    now = utcnow()
    with atomic():
        session = queries.access_session(session_id, for_update=True)
        if not can_manage(actor, session):
            raise Forbidden("Only the session's host or a moderator can change it.")
        _refuse_closed(session, now)
        if "title" in fields:
            session.title = check_title(fields["title"])
        if "description" in fields:
            session.description = check_description(fields["description"])
            session.description_html = (render_markdown(session.description)
                                        if session.description.strip() else "")
        moved = _apply_time_changes(session, fields, now)
        if "duration_minutes" in fields:
            session.duration_minutes = check_duration(fields["duration_minutes"])
        if "capacity" in fields:
            session.capacity = check_capacity(fields["capacity"])
        if "host" in fields:
            host = _host(fields["host"], actor)
            session.host_id, session.host = host.id, host
        if "room" in fields:
            room = _linked_room(actor, fields["room"])
            session.room_id, session.room = room.id, room
        if "resources" in fields:
            _set_resources(session, _check_resources(actor, check_resource_ids(fields["resources"])))
        session.updated_at = now
        db.session.flush()
        promote_waitlisted(session)
        if moved:
            people = [rsvp.user_id for rsvp in queries.rsvps_of(session.id)]
            notify(people, "live_session_rescheduled", actor, session.title, live_session_url(session.id))
        publish_session(session, "live_session_updated")
    return session


def _apply_time_changes(session: LiveSession, fields: dict[str, object], now: datetime) -> bool:
    """Apply a new start and/or zone; True when the start moved. A zone alone keeps the moment
    and only changes the zone the time is shown in."""
    if "starts_at" in fields or "starts_at_local" in fields:
        zone = fields.get("timezone", session.timezone if "starts_at_local" in fields else None)
        start, name = check_start(fields.get("starts_at"), fields.get("starts_at_local"), zone)
        if "starts_at" in fields and "timezone" not in fields:
            name = session.timezone
        moved = start != session.starts_at
        if moved:
            session.starts_at = _future(start, now)
        session.timezone = name
        return moved
    if "timezone" in fields:
        session.timezone = check_zone(fields["timezone"])
    return False


def _refuse_closed(session: LiveSession, now: datetime) -> None:
    if session.is_cancelled:
        raise Conflict("This session was cancelled.", code="session_cancelled")
    if now >= session.ends_at:
        raise Conflict("This session has ended.", code="session_ended")


def cancel_session(actor: User, session_id: object) -> LiveSession:
    """Host or moderator; everyone who RSVP'd (going or waiting) is told."""
    require_active_account(actor)
    now = utcnow()
    with atomic():
        session = queries.access_session(session_id, for_update=True)
        if not can_manage(actor, session):
            raise Forbidden("Only the session's host or a moderator can cancel it.")
        _refuse_closed(session, now)
        session.cancelled_at = session.updated_at = now
        db.session.flush()
        people = [rsvp.user_id for rsvp in queries.rsvps_of(session.id)]
        notify([*people, session.host_id], "live_session_cancelled", actor, session.title,
               live_session_url(session.id))
        publish_session(session, "live_session_updated")
    return session
