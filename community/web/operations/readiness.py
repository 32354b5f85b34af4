"""Readiness: can this process serve? The database, Redis (when configured) and the search index.

Each check runs on its own thread and the caller waits at most CHECK_TIMEOUT_SECONDS for all of
them together, so a dependency that hangs makes the probe fail fast instead of hanging with it.
A check still stuck from an earlier probe is not started again: it counts as timed out.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import redis
from flask import Flask
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import text

from ...extensions import db
from ...search.health import index_status, indexer_lag

log = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 1.5
REDIS_TIMEOUT_SECONDS = 1.0

Check = Callable[[], str]


@dataclass
class Readiness:
    checks: dict[str, str | int | None] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        if not self.failed:
            return {"status": "ok", "checks": self.checks}
        return {"status": "unavailable", "failed": self.failed, "checks": self.checks}


class _CheckThread(threading.Thread):
    def __init__(self, name: str, check: Check) -> None:
        super().__init__(name=f"readiness-{name}", daemon=True)
        self.check = check
        self.outcome: str | None = None
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            self.outcome = self.check()
        except Exception as exc:  # any failure of a dependency is a failed check, never a 500
            self.error = exc
            self.outcome = "error"


def _database_check(app: Flask, lag: dict[str, int]) -> Check:
    def check() -> str:
        with app.app_context():
            db.session.execute(text("SELECT 1"))
            lag["events"] = indexer_lag()  # also proves the schema is there (migrated)
        return "ok"

    return check


def _redis_check(app: Flask) -> Check:
    client = app.extensions.get("community_readiness_redis")
    if client is None:
        client = app.extensions["community_readiness_redis"] = redis.Redis.from_url(
            app.config["REDIS_URL"], socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS, retry=Retry(NoBackoff(), 1))

    def check() -> str:
        client.ping()
        return "ok"

    return check


def _search_check(app: Flask) -> Check:
    def check() -> str:
        with app.app_context():
            return index_status()

    return check


def _run_bounded(app: Flask, checks: dict[str, Check]) -> dict[str, str]:
    running: dict[str, _CheckThread] = app.extensions.setdefault("community_readiness_threads", {})
    started: dict[str, _CheckThread] = {}
    for name, check in checks.items():
        previous = running.get(name)
        if previous is not None and previous.is_alive():
            continue
        started[name] = running[name] = _CheckThread(name, check)
        started[name].start()
    deadline = time.monotonic() + CHECK_TIMEOUT_SECONDS
    for thread in started.values():
        thread.join(max(deadline - time.monotonic(), 0))
    outcomes: dict[str, str] = {}
    for name in checks:
        thread = started.get(name)
        if thread is None or thread.outcome is None:  # logged here, so the line has the request id
            log.warning("readiness check %s timed out after %.1f s", name, CHECK_TIMEOUT_SECONDS)
        elif thread.error is not None:
            log.warning("readiness check %s failed: %s: %s", name, type(thread.error).__name__,
                        thread.error)
        outcomes[name] = thread.outcome if thread is not None and thread.outcome else "timeout"
    return outcomes


def check_readiness(app: Flask) -> Readiness:
    lag: dict[str, int] = {}
    checks = {"database": _database_check(app, lag), "search": _search_check(app)}
    if app.config.get("REDIS_URL"):
        checks["redis"] = _redis_check(app)
    outcomes = _run_bounded(app, checks)
    readiness = Readiness()
    for name in ("database", "redis", "search"):
        readiness.checks[name] = outcomes.get(name, "not configured")
    readiness.checks["indexer_lag"] = lag.get("events")
    readiness.failed = [name for name, outcome in outcomes.items() if outcome in {"error", "timeout"}]
    return readiness
