"""What operators ask of the search index: can it be opened, and how far behind the event log is it."""

from __future__ import annotations

from . import cursors, storage
from .readers import open_searcher
from .rebuild import search_root


def index_status() -> str:
    """"ok" when the live generation opens, "not built" before the first build.

    Raises SearchUnavailable when a generation exists but cannot be opened.
    """
    with open_searcher() as searcher:
        return "ok" if searcher is not None else "not built"


def indexer_lag() -> int:
    """Events in the log that this host's index has not applied yet (all of them before a build)."""
    latest = cursors.latest_event_id()
    generation = storage.current_generation(search_root())
    cursor = cursors.read_cursor(generation) if generation else None
    return max(latest - (cursor or 0), 0)
