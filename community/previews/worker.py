"""The background preview fetcher: a thread in each server process when COMMUNITY_FETCH_PREVIEWS=1.

It claims resources waiting for a preview, fetches each page outside any transaction (so a slow
site never holds a lock or slows a request), and stores the result through the preview actions.
Claims are conditional updates, so several processes share the work without fetching twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, current_app, has_app_context

from ..actions.resource_previews import PreviewClaim, PreviewResult, claim_previews, record_preview
from ..background import BackgroundThread
from ..db import on_commit
from .fetch import FetchRefused, fetch_page

log = logging.getLogger(__name__)

POLL_SECONDS = 5.0
BATCH = 10


def allowed_hosts(app: Flask) -> list[str]:
    raw = app.config.get("FETCH_ALLOWED_HOSTS") or ""
    names = raw if isinstance(raw, list | tuple) else str(raw).split(",")
    return [name.strip() for name in names if name.strip()]


def fetch_preview(app: Flask, claim: PreviewClaim) -> PreviewResult:
    """Fetch one claimed link; a refusal or any network failure becomes the result's error."""
    try:
        page = fetch_page(claim.url, allowed_hosts=allowed_hosts(app),
                          timeout=float(app.config["FETCH_TIMEOUT_SECONDS"]),
                          max_bytes=int(app.config["FETCH_MAX_BYTES"]))
    except FetchRefused as refused:
        return PreviewResult(error=refused.reason)
    except Exception as exc:  # a broken page must not stop the queue
        log.warning("preview of resource %s failed: %r", claim.resource_id, exc)
        return PreviewResult(error="the page could not be read")
    preview = page.preview
    return PreviewResult(title=preview.title, description=preview.description, text=preview.text)


def fetch_pending_previews(app: Flask, *, limit: int | None = None,
                           progress: Callable[[int], None] | None = None) -> int:
    """Fetch waiting previews until none are left (or ``limit`` done); returns how many."""
    done = 0
    with app.app_context():
        while limit is None or done < limit:
            claims = claim_previews(BATCH if limit is None else min(BATCH, limit - done))
            if not claims:
                break
            for claim in claims:
                record_preview(claim.resource_id, fetch_preview(app, claim))
                done += 1
                if progress is not None:
                    progress(1)
    return done


class PreviewFetcher(BackgroundThread):
    """The in-process fetcher thread; woken right after a commit that queued a preview."""

    thread_name = "preview-fetcher"

    def __init__(self, app: Flask) -> None:
        super().__init__()
        self.app = app

    def _run(self) -> None:
        while not self.stopping.is_set():
            self.wake.clear()
            try:
                fetch_pending_previews(self.app)
            except Exception:  # the database went away, say: try again at the next poll
                log.exception("preview fetcher failed; retrying")
            self.wake.wait(POLL_SECONDS)


def wake_fetchers() -> None:
    """Called inside the sharing transaction: wake this process's fetcher once it commits."""
    if has_app_context():
        fetcher = current_app.extensions.get("previews")
        if fetcher is not None:
            on_commit(_wake, fetcher)


def _wake(fetcher: PreviewFetcher) -> None:
    if fetcher.running:
        fetcher.wake.set()


def _runs_here(app: Flask) -> bool:
    return bool(app.config.get("FETCH_PREVIEWS")) and app.config.get("PREVIEW_FETCHER") == "thread"


def start_fetcher(app: Flask) -> PreviewFetcher | None:
    if not _runs_here(app):
        return None
    fetcher = app.extensions["previews"]
    fetcher.start()
    return fetcher


def _start_on_first_request() -> None:
    fetcher = current_app.extensions["previews"]
    if not fetcher.running and not fetcher.stopping.is_set():
        fetcher.start()


def init_app(app: Flask) -> None:
    app.extensions["previews"] = PreviewFetcher(app)
    if _runs_here(app):
        app.before_request(_start_on_first_request)
