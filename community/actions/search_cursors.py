"""Moving the search indexer's place in the event log (table ``search_cursors``).

A generation's cursor only moves after the index changes it covers are committed (search/indexer.py
and search/rebuild.py call these), so after a crash the indexer re-applies a few events (harmless:
documents are rebuilt from the current rows) and never skips one. Reading the cursors is in
search/cursors.py.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, update

from ..db import atomic, insert_ignoring_conflicts
from ..extensions import db
from ..models import SearchCursor
from ..models.base import utcnow


def write_cursor(name: str, event_id: int) -> None:
    """The generation ``name`` has applied every event up to ``event_id``."""
    with atomic():
        inserted = insert_ignoring_conflicts(SearchCursor.__table__, [
            {"index_name": name, "last_event_id": event_id, "updated_at": utcnow()}])
        if not inserted:
            db.session.execute(update(SearchCursor).where(SearchCursor.index_name == name)
                               .values(last_event_id=event_id, updated_at=utcnow()))


def drop_cursors(keep: Collection[str]) -> None:
    """Forget the cursors of every generation but ``keep`` (the ones still on disk)."""
    with atomic():
        db.session.execute(delete(SearchCursor).where(SearchCursor.index_name.not_in(list(keep))))
