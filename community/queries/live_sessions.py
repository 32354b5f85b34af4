"""Reading scheduled live training sessions, their RSVPs, linked resources and feedback poll.

Sessions are public to every reader (like questions); who is going, waitlisted or attended is
shown to the host and moderators only (see can_see_attendees).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, case, func, or_, select

from ..errors import NotFound
from ..extensions import db
from ..models import LiveSession, LiveSessionResource, LiveSessionRsvp, Poll, Resource, RsvpStatus, User
from ..models.base import is_row_id, utcnow
from ..payloads.live_sessions import SessionView, session_state  # noqa: F401 - views read the state here
from .paging import Page

# The join button and POST /attend open this long before the start (people arrive early).
JOIN_EARLY = timedelta(minutes=10)
LONGEST_SESSION = timedelta(minutes=480)


@dataclass(frozen=True)
class RsvpCounts:
    going: int = 0
    waitlisted: int = 0


def is_joinable(session: LiveSession, now: datetime | None = None) -> bool:
    """From JOIN_EARLY before the start until the end, unless cancelled."""
    now = now or utcnow()
    return (not session.is_cancelled and session.starts_at - JOIN_EARLY <= now < session.ends_at)


def get_session(session_id: object, *, for_update: bool = False) -> LiveSession | None:
    if not is_row_id(session_id):
        return None
    stmt = select(LiveSession).where(LiveSession.id == session_id)
    if for_update:
        # The row lock serializes RSVPs of one session, so the capacity is counted exactly.
        stmt = stmt.with_for_update(of=LiveSession).execution_options(populate_existing=True)
    return db.session.scalar(stmt)


def access_session(session_id: object, *, for_update: bool = False) -> LiveSession:
    session = get_session(session_id, for_update=for_update)
    if session is None:
        raise NotFound("No such live session.")
    return session


def list_sessions(page: Page, *, past: bool = False, now: datetime | None = None
                  ) -> tuple[list[LiveSession], int]:
    """Upcoming (not yet ended, cancelled included so people see it was called off), soonest
    first; or past (ended), most recent first."""
    now = now or utcnow()
    # ends_at is computed in Python; a session lasts at most LONGEST_SESSION, so only sessions
    # that started within that span need the exact check.
    recent = select(LiveSession.id, LiveSession.starts_at, LiveSession.duration_minutes).where(
        LiveSession.starts_at <= now, LiveSession.starts_at > now - LONGEST_SESSION)
    running = [row.id for row in db.session.execute(recent)
               if row.starts_at + timedelta(minutes=row.duration_minutes) > now]
    not_ended = or_(LiveSession.starts_at > now, LiveSession.id.in_(running or [-1]))
    stmt = select(LiveSession)
    if past:
        stmt = stmt.where(~not_ended).order_by(LiveSession.starts_at.desc(), LiveSession.id.desc())
    else:
        stmt = stmt.where(not_ended).order_by(LiveSession.starts_at, LiveSession.id)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = db.session.scalars(stmt.offset(page.offset).limit(page.per_page))
    return list(rows), total


def rsvp_counts(session_ids: list[int]) -> dict[int, RsvpCounts]:
    if not session_ids:
        return {}
    going = func.sum(case((LiveSessionRsvp.status == RsvpStatus.GOING.value, 1), else_=0))
    waiting = func.sum(case((LiveSessionRsvp.status == RsvpStatus.WAITLISTED.value, 1), else_=0))
    rows = db.session.execute(select(LiveSessionRsvp.live_session_id, going, waiting)
                              .where(LiveSessionRsvp.live_session_id.in_(session_ids))
                              .group_by(LiveSessionRsvp.live_session_id))
    return {row[0]: RsvpCounts(int(row[1] or 0), int(row[2] or 0)) for row in rows}


def going_count(session_id: int) -> int:
    return db.session.scalar(select(func.count(LiveSessionRsvp.id)).where(
        LiveSessionRsvp.live_session_id == session_id,
        LiveSessionRsvp.status == RsvpStatus.GOING.value)) or 0


def get_rsvp(session_id: int, user_id: int) -> LiveSessionRsvp | None:
    return db.session.scalar(select(LiveSessionRsvp).where(
        LiveSessionRsvp.live_session_id == session_id, LiveSessionRsvp.user_id == user_id))


def my_rsvps(user: User | None, session_ids: list[int]) -> dict[int, LiveSessionRsvp]:
    if not session_ids or not getattr(user, "is_authenticated", False):
        return {}
    rows = db.session.scalars(select(LiveSessionRsvp).where(
        LiveSessionRsvp.user_id == user.id, LiveSessionRsvp.live_session_id.in_(session_ids)))
    return {rsvp.live_session_id: rsvp for rsvp in rows}


def _waitlist_order(stmt: Select) -> Select:
    return stmt.order_by(LiveSessionRsvp.created_at, LiveSessionRsvp.id)


def waitlist_position(rsvp: LiveSessionRsvp) -> int | None:
    """1 for the first in line; None unless the RSVP waits."""
    if rsvp.status != RsvpStatus.WAITLISTED.value:
        return None
    ahead = db.session.scalar(select(func.count(LiveSessionRsvp.id)).where(
        LiveSessionRsvp.live_session_id == rsvp.live_session_id,
        LiveSessionRsvp.status == RsvpStatus.WAITLISTED.value,
        or_(LiveSessionRsvp.created_at < rsvp.created_at,
            and_(LiveSessionRsvp.created_at == rsvp.created_at, LiveSessionRsvp.id < rsvp.id)))) or 0
    return ahead + 1


def first_waitlisted(session_id: int, limit: int) -> list[LiveSessionRsvp]:
    stmt = select(LiveSessionRsvp).where(LiveSessionRsvp.live_session_id == session_id,
                                         LiveSessionRsvp.status == RsvpStatus.WAITLISTED.value)
    return list(db.session.scalars(_waitlist_order(stmt).limit(limit)))


def rsvps_of(session_id: int, *, status: str | None = None, attended: bool | None = None
             ) -> list[LiveSessionRsvp]:
    stmt = select(LiveSessionRsvp).where(LiveSessionRsvp.live_session_id == session_id)
    if status is not None:
        stmt = stmt.where(LiveSessionRsvp.status == status)
    if attended is not None:
        stmt = stmt.where(LiveSessionRsvp.attended_at.is_not(None) if attended
                          else LiveSessionRsvp.attended_at.is_(None))
    return list(db.session.scalars(_waitlist_order(stmt)))


def linked_resources(session_ids: list[int]) -> dict[int, list[Resource]]:
    """Each session's resources in their order, leaving out deleted and flag-hidden ones."""
    if not session_ids:
        return {}
    rows = db.session.execute(
        select(LiveSessionResource.live_session_id, Resource)
        .join(Resource, Resource.id == LiveSessionResource.resource_id)
        .where(LiveSessionResource.live_session_id.in_(session_ids), Resource.deleted_at.is_(None),
               Resource.hidden_at.is_(None))
        .order_by(LiveSessionResource.position))
    found: dict[int, list[Resource]] = {sid: [] for sid in session_ids}
    for session_id, resource in rows:
        found[session_id].append(resource)
    return found


def feedback_poll(session_id: int) -> Poll | None:
    return db.session.scalar(select(Poll).where(Poll.live_session_id == session_id,
                                                Poll.deleted_at.is_(None)).order_by(Poll.id.desc()).limit(1))


def sessions_starting_within(*, after: datetime, until: datetime) -> list[LiveSession]:
    """Sessions not cancelled whose start lies in (after, until]."""
    return list(db.session.scalars(select(LiveSession).where(
        LiveSession.cancelled_at.is_(None), LiveSession.starts_at > after, LiveSession.starts_at <= until)
        .order_by(LiveSession.starts_at, LiveSession.id)))


def sessions_awaiting_feedback(now: datetime) -> list[LiveSession]:
    """Ended, not cancelled, feedback not sent yet."""
    rows = db.session.scalars(select(LiveSession).where(
        LiveSession.cancelled_at.is_(None), LiveSession.feedback_sent_at.is_(None),
        LiveSession.starts_at <= now).order_by(LiveSession.starts_at, LiveSession.id))
    return [session for session in rows if session.ends_at <= now]


def session_views(reader: User | None, sessions: list[LiveSession]) -> dict[int, SessionView]:
    """Counts, the reader's RSVP and the linked resources of each session, in four queries."""
    ids = [session.id for session in sessions]
    counts, mine, resources = rsvp_counts(ids), my_rsvps(reader, ids), linked_resources(ids)
    views = {}
    for session_id in ids:
        count = counts.get(session_id, RsvpCounts())
        rsvp = mine.get(session_id)
        views[session_id] = SessionView(
            going_count=count.going, waitlist_count=count.waitlisted, my_rsvp=rsvp,
            waitlist_position=waitlist_position(rsvp) if rsvp is not None else None,
            resources=resources.get(session_id, []))
    return views


def session_view(reader: User | None, session: LiveSession) -> SessionView:
    return session_views(reader, [session])[session.id]
