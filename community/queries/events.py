"""Reading the event log (catch-up after a reconnect, the events endpoint)."""

from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..models import Event

CATCH_UP_LIMIT = 500
MAX_EVENT_ID = 2**63 - 1


def events_after(channel: str, after: int, limit: int = CATCH_UP_LIMIT) -> list[Event]:
    """The channel's events with id > after, oldest first, at most ``limit``."""
    after = min(after, MAX_EVENT_ID)  # a larger cursor can't be bound on SQLite; nothing is past it
    return list(db.session.scalars(
        select(Event).where(Event.channel == channel, Event.id > after)
        .order_by(Event.id).limit(limit)))


def last_event_id(channel: str) -> int:
    """The newest event id of a channel (0 when it has none): where a page's live view starts."""
    return db.session.scalar(select(func.max(Event.id)).where(Event.channel == channel)) or 0
