"""Reading the indexer's place in the event log (table ``search_cursors``) and the events after
it; moving it is actions/search_cursors.py."""

from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..models import Event, SearchCursor


def latest_event_id() -> int:
    return db.session.scalar(select(func.max(Event.id))) or 0


def read_cursor(name: str) -> int | None:
    return db.session.scalar(select(SearchCursor.last_event_id)
                             .where(SearchCursor.index_name == name))


def events_after(cursor: int, limit: int) -> list[tuple[int, str, str, str]]:
    """(id, channel, type, subject) of the next events, oldest first; payloads are not needed."""
    rows = db.session.execute(select(Event.id, Event.channel, Event.type, Event.subject)
                              .where(Event.id > cursor).order_by(Event.id).limit(limit))
    return [tuple(row) for row in rows]
