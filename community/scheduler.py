"""Scheduled jobs: poll closing, live-session reminders and after-session feedback.

Each job is a function ``(now) -> int`` that does whatever has fallen due by ``now`` and returns
how many things it did. The jobs are idempotent and safe to run in several processes at once (a
reminder is claimed by inserting its ``sent_reminders`` row, a state change by a conditional
UPDATE), so every server process may run them: the thread here runs them every
JOBS_INTERVAL_SECONDS in the server (COMMUNITY_SCHEDULER=thread, the default), and
``community jobs`` runs them from cron or as a process of its own (COMMUNITY_SCHEDULER=off).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app

from .background import BackgroundThread
from .extensions import db
from .models.base import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    target: str  # "module:function", imported when first run (actions import much of the app)

    def function(self) -> Callable[[datetime], int]:
        module, _, name = self.target.partition(":")
        return getattr(importlib.import_module(module), name)


JOBS: list[Job] = [
    # polls
    Job("polls.close_due", "community.actions.polls:close_due_polls"),
    # surveys
    Job("surveys.close_due", "community.actions.surveys:close_due_surveys"),
    # live training sessions
    Job("live_session_reminders", "community.actions.live_session_jobs:send_due_reminders"),
    Job("live_session_feedback", "community.actions.live_session_jobs:send_due_feedback"),
    # learning contracts
    Job("contracts.reminders", "community.actions.contract_reminders:send_contract_reminders"),
    # milestones
    Job("milestones.due_reminders", "community.actions.milestones:send_due_reminders"),
]


def run_due_jobs(app: Flask, now: datetime | None = None) -> dict[str, int]:
    """Run every job once for ``now``; a failing job is logged and does not stop the others."""
    done: dict[str, int] = {}
    for job in JOBS:
        with app.app_context():
            try:
                done[job.name] = job.function()(now or utcnow())
            except Exception:
                log.exception("scheduled job %s failed; it runs again next time", job.name)
                db.session.rollback()
            finally:
                db.session.remove()
    return done


class SchedulerThread(BackgroundThread):
    thread_name = "scheduler"

    def __init__(self, app: Flask) -> None:
        super().__init__()
        self.app = app

    def _run(self) -> None:
        interval = float(self.app.config["JOBS_INTERVAL_SECONDS"])
        while not self.stopping.is_set():
            run_due_jobs(self.app)
            self.stopping.wait(interval)


def start_scheduler(app: Flask) -> SchedulerThread | None:
    if app.config.get("SCHEDULER") != "thread":
        return None
    scheduler = app.extensions["scheduler"]
    scheduler.start()
    return scheduler


def _start_on_first_request() -> None:
    scheduler = current_app.extensions["scheduler"]
    if not scheduler.running and not scheduler.stopping.is_set():
        scheduler.start()


def init_app(app: Flask) -> None:
    app.extensions["scheduler"] = SchedulerThread(app)
    if app.config.get("SCHEDULER") == "thread":
        app.before_request(_start_on_first_request)
