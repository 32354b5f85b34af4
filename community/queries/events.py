"""Reading the event log (catch-up after a reconnect, the events endpoint)."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Event

CATCH_UP_LIMIT = 500


def events_after(channel: str, after: int, limit: int = CATCH_UP_LIMIT) -> list[Event]:
    """The channel's events with id > after, oldest first, at most ``limit``."""
    return list(db.session.scalars(
        select(Event).where(Event.channel == channel, Event.id > after)
        .order_by(Event.id).limit(limit)))
