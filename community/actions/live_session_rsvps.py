"""RSVPs to live sessions, the waitlist and joining the live room (the rules are in the docstring
of live_sessions.py), and what every change of a session tells its readers (``publish_session``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..db import atomic
from ..errors import Conflict, Forbidden
from ..extensions import db
from ..models import LiveSession, LiveSessionRsvp, RsvpStatus, User
from ..models.base import utcnow
from ..payloads.live_sessions import SessionView, live_session_payload, live_session_url
from ..permissions import require_active_account
from ..queries import live_sessions as queries
from ..realtime import channels
from ..realtime.events import record_event
from .notifications import notify

CAPACITY_MIN, CAPACITY_MAX = 1, 10_000


@dataclass(frozen=True)
class AttendResult:
    session: LiveSession
    rsvp: LiveSessionRsvp
    room_url: str


def publish_session(session: LiveSession, type_: str) -> None:
    """Tell the session page's readers (``live_session:<id>``) and the linked public room's (the
    room page can show the session's state). No one's own RSVP is in the payload."""
    counts = queries.rsvp_counts([session.id]).get(session.id, queries.RsvpCounts())
    view = SessionView(going_count=counts.going, waitlist_count=counts.waitlisted,
                       resources=queries.linked_resources([session.id])[session.id])
    payload = live_session_payload(session, view)
    record_event(channels.live_session(session.id), type_, payload, subject=f"live_session:{session.id}")
    if session.room is not None and not session.room.private:
        record_event(channels.room(session.room.slug), type_, payload, subject=f"live_session:{session.id}")


def _open_for_rsvp(session: LiveSession, now: datetime) -> None:
    if session.is_cancelled:
        raise Conflict("This session was cancelled; RSVPs are closed.", code="session_cancelled")
    if now >= session.ends_at:
        raise Conflict("This session has ended; RSVPs are closed.", code="session_ended")


def _has_seat(session: LiveSession) -> bool:
    return session.capacity is None or queries.going_count(session.id) < session.capacity


def _locked_for_rsvp(actor: User, session_id: object,
                     now: datetime) -> tuple[LiveSession, LiveSessionRsvp | None]:
    """Inside the caller's transaction: the session, locked and still open for RSVPs, and the
    actor's RSVP to it if there is one."""
    session = queries.access_session(session_id, for_update=True)
    _open_for_rsvp(session, now)
    return session, queries.get_rsvp(session.id, actor.id)


def rsvp(actor: User, session_id: object) -> tuple[LiveSession, LiveSessionRsvp]:
    """Going, or waitlisted when full. Asking again changes nothing."""
    require_active_account(actor)
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden("Log in to RSVP.")
    now = utcnow()
    with atomic():
        session, existing = _locked_for_rsvp(actor, session_id, now)
        if existing is not None:
            return session, existing
        status = RsvpStatus.GOING if _has_seat(session) else RsvpStatus.WAITLISTED
        row = LiveSessionRsvp(live_session_id=session.id, user_id=actor.id, status=status.value,
                              created_at=now)
        row.user = db.session.get(User, actor.id)
        db.session.add(row)
        db.session.flush()
        publish_session(session, "live_session_updated")
    return session, row


def cancel_rsvp(actor: User, session_id: object) -> LiveSession:
    """Withdraw; a freed seat goes to the first in line, who is notified. No RSVP: nothing to do."""
    require_active_account(actor)
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden("Log in to change your RSVP.")
    now = utcnow()
    with atomic():
        session, existing = _locked_for_rsvp(actor, session_id, now)
        if existing is None:
            return session
        db.session.delete(existing)
        db.session.flush()
        promote_waitlisted(session)
        publish_session(session, "live_session_updated")
    return session


def promote_waitlisted(session: LiveSession) -> list[LiveSessionRsvp]:
    """Move the first in line up into the free seats (the caller holds the session's lock)."""
    if session.capacity is None:
        free = len(queries.first_waitlisted(session.id, CAPACITY_MAX))
    else:
        free = session.capacity - queries.going_count(session.id)
    if free <= 0:
        return []
    promoted = queries.first_waitlisted(session.id, free)
    for row in promoted:
        row.status = RsvpStatus.GOING.value
    db.session.flush()
    # No actor: whoever freed the seat (by withdrawing, say) is not named to the person moving up.
    notify([row.user_id for row in promoted], "live_session_seat", None,
           f"A seat freed up: you're going to {session.title}", live_session_url(session.id))
    return promoted


def attend(actor: User, session_id: object) -> AttendResult:
    """Join the live room: marks the RSVP attended (see the module docstring for who gets in)."""
    require_active_account(actor)
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden("Log in to join the session.")
    now = utcnow()
    with atomic():
        session = queries.access_session(session_id, for_update=True)
        if session.is_cancelled:
            raise Conflict("This session was cancelled.", code="session_cancelled")
        if now >= session.ends_at:
            raise Conflict("This session has ended.", code="session_ended")
        if now < session.starts_at - queries.JOIN_EARLY:
            raise Conflict("The live room opens 10 minutes before the session starts.",
                           code="session_not_started")
        if session.room is None:
            raise Conflict("This session has no live room; ask the host where to meet.", code="no_room")
        row = queries.get_rsvp(session.id, actor.id)
        if row is None or row.status != RsvpStatus.GOING.value:
            if not _has_seat(session):
                raise Conflict("The session is full; you can join if a seat frees up.", code="session_full")
            if row is None:
                row = LiveSessionRsvp(live_session_id=session.id, user_id=actor.id, created_at=now)
                row.user = db.session.get(User, actor.id)
                db.session.add(row)
            row.status = RsvpStatus.GOING.value
        if row.attended_at is None:
            row.attended_at = now
        db.session.flush()
    return AttendResult(session, row, session_room_url(session))


def session_room_url(session: LiveSession) -> str:
    return f"/rooms/{session.room.slug}" if session.room is not None else live_session_url(session.id)
