"""In-process reuse of what every reader of a thread sees alike: its public JSON and its
anonymous page.

An entry is kept under the thread's version, the newest event id of its ``thread:<id>`` channel:
every action that changes a thread, its answers, their votes, acceptance, hiding or locking
appends an event there inside its transaction (community/actions), so a write ends the entry for
every process at its next read, with nothing to invalidate. What changes without a thread event
(view counts, authors' reputation and names, the sidebar's resources) is bounded by a short
time to live, THREAD_CACHE_SECONDS. Only public content is stored: views for moderators and for
authors of hidden posts are built fresh every time and never stored.

The version is read before the content, so content is never older than the version it is
stored under (a write in between stores newer content under the older version, which the next
read replaces).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from flask import Flask, current_app

from ..queries.events import last_event_id
from ..realtime import channels

MAX_ENTRIES = 256  # threads per process; each entry holds one rendered payload or page
# Stand-in for the session's CSRF token in stored markup, put back per response.
CSRF_SLOT = "\x00csrf-token\x00"


class VersionedCache:
    """A small LRU map of key -> (version, stored at, value), answering only for the same
    version within the time to live."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Any, tuple[int, float, Any]] = OrderedDict()
        self._lock = threading.Lock()  # `community run` serves requests on threads
        self._max = max_entries

    def get(self, key: Any, version: int, ttl: float) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != version or time.monotonic() - entry[1] >= ttl:
                return None
            self._entries.move_to_end(key)
            return entry[2]

    def put(self, key: Any, version: int, value: Any) -> None:
        with self._lock:
            self._entries[key] = (version, time.monotonic(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def thread_cache_seconds() -> float:
    return float(current_app.config.get("THREAD_CACHE_SECONDS") or 0)


def thread_version(thread_id: int) -> int:
    return last_event_id(channels.thread(thread_id))


def thread_cache(app: Flask | None = None) -> VersionedCache:
    return (app or current_app).extensions["community_thread_cache"]


def init_app(app: Flask) -> None:
    app.extensions["community_thread_cache"] = VersionedCache()
