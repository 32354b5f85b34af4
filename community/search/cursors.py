"""The indexer's place in the event log, stored in the database (table ``search_cursors``).

The cursor of a generation only moves after the index changes it covers are committed, so after a
crash the indexer re-applies a few events (harmless: documents are rebuilt from the current rows)
and never skips one.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, func, select, update

from ..db import atomic, insert_ignoring_conflicts
from ..extensions import db
from ..models import Event, SearchCursor
from ..models.base import utcnow


def latest_event_id() -> int:
    return db.session.scalar(select(func.max(Event.id))) or 0


def read_cursor(name: str) -> int | None:
    return db.session.scalar(select(SearchCursor.last_event_id)
                             .where(SearchCursor.index_name == name))


def write_cursor(name: str, event_id: int) -> None:
    with atomic():
        inserted = insert_ignoring_conflicts(SearchCursor.__table__, [
            {"index_name": name, "last_event_id": event_id, "updated_at": utcnow()}])
        if not inserted:
            db.session.execute(update(SearchCursor).where(SearchCursor.index_name == name)
                               .values(last_event_id=event_id, updated_at=utcnow()))


def drop_cursors(keep: Collection[str]) -> None:
    with atomic():
        db.session.execute(delete(SearchCursor).where(SearchCursor.index_name.not_in(list(keep))))


def events_after(cursor: int, limit: int) -> list[tuple[int, str, str, str]]:
    """(id, channel, type, subject) of the next events, oldest first; payloads are not needed."""
    rows = db.session.execute(select(Event.id, Event.channel, Event.type, Event.subject)
                              .where(Event.id > cursor).order_by(Event.id).limit(limit))
    return [tuple(row) for row in rows]
