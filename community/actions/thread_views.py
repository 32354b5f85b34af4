"""View counting without a write per page view: each process remembers the views it recorded today.

A thread's view is counted once per viewer per UTC day (``threads.record_thread_view`` inserts
the (thread, viewer, day) row, ignoring duplicates). Most page views repeat one already counted,
and for those the database would ignore the insert anyway, so a process that has recorded
(or seen ignored) that key today skips the write transaction entirely. The memory is per app,
bounded, and forgotten when the day changes; another process simply tries the insert once.
"""

from __future__ import annotations

from datetime import date

from flask import current_app

from ..models.base import utcnow
from .threads import record_thread_view

_EXTENSION = "community_recorded_views"
MAX_REMEMBERED = 100_000  # about 10 MB at most; cleared (not evicted one by one) when full


class RecordedViews:
    """The (thread, viewer) pairs this process knows are counted for ``day``."""

    def __init__(self) -> None:
        self.day: date | None = None
        self.keys: set[tuple[int, str]] = set()

    def known(self, day: date, key: tuple[int, str]) -> bool:
        if day != self.day or len(self.keys) >= MAX_REMEMBERED:
            self.day, self.keys = day, set()
        return key in self.keys


def count_thread_view(thread_id: int, viewer_key: str) -> bool:
    """Count the view unless this process already did today; returns whether it counted now."""
    recorded: RecordedViews = current_app.extensions.setdefault(_EXTENSION, RecordedViews())
    day, key = utcnow().date(), (thread_id, viewer_key[:64])
    if recorded.known(day, key):
        return False
    counted = record_thread_view(thread_id, viewer_key)
    recorded.keys.add(key)  # counted now, or already counted by another process: either way done
    return counted
