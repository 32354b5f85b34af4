"""The single index writer: tails the ``events`` table from its stored cursor.

Every event on a ``thread:<id>`` channel (and ``thread_created`` on ``threads``) means "this
thread changed": the indexer rebuilds that thread's documents from the current rows (or deletes
them when the thread is gone or deleted). Applying an event twice is therefore harmless, and events
are applied strictly in id order, so a crash or restart never loses a committed post and never
shows a rolled-back one (rolled-back transactions leave no event rows).

Run it inside the server (COMMUNITY_INDEXER=thread: a background thread started with the app's
first request or by ``community run``) or as its own process (``community indexer``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from pathlib import Path

from flask import Flask
from whoosh.writing import IndexWriter

from ..extensions import db
from . import cursors, storage
from .documents import load_threads, thread_documents
from .rebuild import ensure_index, rebuild_locked, search_root

log = logging.getLogger(__name__)

BATCH_EVENTS = 1000
WRITER_TIMEOUT = 10.0  # seconds to wait for Whoosh's write lock before giving up (and retrying)
POLL_SECONDS = 0.5


def affected_threads(events: Iterable[tuple[int, str, str, str]]) -> list[int]:
    """The ids of the threads these events changed, in first-seen order."""
    found: dict[int, None] = {}
    for _id, channel, type_, subject in events:
        kind, _, ref = channel.partition(":")
        if kind == "thread" and ref.isdigit():
            found[int(ref)] = None
        elif type_ == "thread_created" and subject.startswith("post:") and subject[5:].isdigit():
            found[int(subject[5:])] = None
    return list(found)


def write_threads(writer: IndexWriter, thread_ids: list[int]) -> int:
    """Replace the documents of these threads with ones built from the database now."""
    sources = load_threads(thread_ids)
    written = 0
    for thread_id in thread_ids:
        writer.delete_by_term("thread", str(thread_id))
        if thread_id in sources:
            for doc in thread_documents(sources[thread_id]):
                writer.add_document(**doc)
                written += 1
    return written


def _apply(root: Path, generation: str, thread_ids: list[int]) -> None:
    if not thread_ids:
        return
    writer = storage.open_generation(root, generation).writer(timeout=WRITER_TIMEOUT)
    try:
        write_threads(writer, thread_ids)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def index_pending(app: Flask | None = None) -> int:
    """Apply every event past the cursor to the live index; returns how many were read.

    The one entry point for writing the index from the event log: the indexer thread, the
    ``community indexer`` process and the tests all call it.
    """
    if app is not None:
        with app.app_context():
            return index_pending()
    state = _lock_for(search_root())
    with state:
        try:
            return _index_pending(search_root())
        finally:
            db.session.remove()


def _index_pending(root: Path) -> int:
    generation = ensure_index(root)
    cursor = cursors.read_cursor(generation)
    applied = 0
    while True:
        if cursor is None:
            with storage.build_lock(root):  # the index and the database disagree: start over
                log.warning("search index %s has no cursor; rebuilding", generation)
                rebuild_locked(root)
            return applied
        events = cursors.events_after(cursor, BATCH_EVENTS)
        if not events:
            if cursor > cursors.latest_event_id():  # the database was reset or restored
                cursor = None
                continue
            return applied
        _apply(root, generation, affected_threads(events))
        cursor = events[-1][0]
        cursors.write_cursor(generation, cursor)
        applied += len(events)
        if len(events) < BATCH_EVENTS:
            return applied


_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock_for(root: Path) -> threading.Lock:
    """One writer per index directory within this process."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(str(root.resolve()), threading.Lock())
