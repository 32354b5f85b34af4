"""Scheduled live training sessions and their RSVPs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..models import LiveSession, LiveSessionRsvp, Resource
from ..models.base import utcnow
from .common import iso, user_payload
from .resources import resource_page_url
from .rooms import room_url


def live_session_url(session_id: int) -> str:
    return f"/sessions/{session_id}"


def local_iso(moment: datetime, zone: str) -> str:
    """The moment in the zone it was planned in, ISO 8601 with its offset (2026-12-03T15:00:00+01:00)."""
    return moment.astimezone(ZoneInfo(zone)).isoformat(timespec="seconds")


@dataclass(frozen=True)
class SessionView:
    """What one reader's session payload needs beyond the row (loaded in bulk by the caller)."""

    going_count: int = 0
    waitlist_count: int = 0
    my_rsvp: LiveSessionRsvp | None = None
    waitlist_position: int | None = None
    resources: list[Resource] = field(default_factory=list)


def session_state(session: LiveSession, now: datetime | None = None) -> str:
    """upcoming, live (from its start until its end), ended or cancelled."""
    now = now or utcnow()
    if session.is_cancelled:
        return "cancelled"
    if now >= session.ends_at:
        return "ended"
    return "live" if now >= session.starts_at else "upcoming"


def live_session_payload(session: LiveSession, view: SessionView | None = None,
                         now: datetime | None = None) -> dict[str, Any]:
    view = view or SessionView()
    now = now or utcnow()
    room = session.room
    seats_left = None if session.capacity is None else max(0, session.capacity - view.going_count)
    return {
        "id": session.id,
        "title": session.title,
        "description": session.description,
        "description_html": session.description_html,
        "host": user_payload(session.host),
        "starts_at": iso(session.starts_at),
        "ends_at": iso(session.ends_at),
        "timezone": session.timezone,
        "starts_at_local": local_iso(session.starts_at, session.timezone),
        "duration_minutes": session.duration_minutes,
        "capacity": session.capacity,
        "going_count": view.going_count,
        "waitlist_count": view.waitlist_count,
        "seats_left": seats_left,
        "my_rsvp": view.my_rsvp.status if view.my_rsvp is not None else None,
        "waitlist_position": view.waitlist_position,
        "attended": view.my_rsvp is not None and view.my_rsvp.attended_at is not None,
        "state": session_state(session, now),
        "room": ({"slug": room.slug, "title": room.title, "url": room_url(room.slug)}
                 if room is not None else None),
        "resources": [{"id": r.id, "title": r.title, "url": r.url, "page_url": resource_page_url(r.id)}
                      for r in view.resources],
        "created_at": iso(session.created_at),
        "updated_at": iso(session.updated_at),
        "cancelled_at": iso(session.cancelled_at),
        "url": live_session_url(session.id),
    }


def rsvp_payload(rsvp: LiveSessionRsvp) -> dict[str, Any]:
    return {"user": user_payload(rsvp.user), "status": rsvp.status, "created_at": iso(rsvp.created_at),
            "attended_at": iso(rsvp.attended_at)}
