"""Running the indexer: a background thread in the server, or a loop in its own process.

The thread polls the event log every half second and is woken at once after any commit in this
process, so a post is usually searchable a few milliseconds after its write. It lives in
``app.extensions["search"]``, starts on the first request (or from ``community run``) when
COMMUNITY_INDEXER=thread, and stops cleanly at exit.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..background import BackgroundThread
from .indexer import POLL_SECONDS, index_pending

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0


class IndexerThread(BackgroundThread):
    """The in-process single writer; ``stop()`` finishes the current batch and joins."""

    thread_name = "search-indexer"

    def __init__(self, app: Flask) -> None:
        super().__init__()
        self.app = app

    def _run(self) -> None:
        backoff = POLL_SECONDS
        while not self.stopping.is_set():
            self.wake.clear()
            try:
                index_pending(self.app)
                backoff = POLL_SECONDS
            except Exception:  # never let one bad batch stop indexing; it is retried
                log.exception("search indexer failed; retrying in %.1f s", backoff)
                self.stopping.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            self.wake.wait(POLL_SECONDS)


def run_forever(app: Flask, stopping: threading.Event, poll: float = POLL_SECONDS) -> None:
    """The ``community indexer`` process: apply events until ``stopping`` is set."""
    backoff = poll
    while not stopping.is_set():
        try:
            index_pending(app)
            backoff = poll
        except Exception:
            log.exception("search indexer failed; retrying in %.1f s", backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
        stopping.wait(backoff)


def indexer_thread(app: Flask) -> IndexerThread:
    return app.extensions["search"]


def start_indexer(app: Flask) -> IndexerThread | None:
    """Start the in-process indexer if this app is configured for it (COMMUNITY_INDEXER=thread)."""
    if app.config.get("INDEXER") != "thread":
        return None
    indexer = indexer_thread(app)
    indexer.start()
    return indexer


def _start_on_first_request() -> None:
    app = current_app._get_current_object()
    indexer = indexer_thread(app)
    if not indexer.running and not indexer.stopping.is_set():
        indexer.start()


def _wake_after_commit(_session: Session) -> None:
    if has_app_context():
        indexer = current_app.extensions.get("search")
        if indexer is not None and indexer.running:
            indexer.wake.set()


def init_app(app: Flask) -> None:
    app.extensions["search"] = IndexerThread(app)
    if app.config.get("INDEXER") == "thread":
        app.before_request(_start_on_first_request)
    if not event.contains(Session, "after_commit", _wake_after_commit):
        event.listen(Session, "after_commit", _wake_after_commit)
