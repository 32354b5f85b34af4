"""The scheduled jobs runner: run_due_jobs, `community jobs --once`, the scheduler thread, and
claim_reminder's once-only guarantee across threads on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import func, select, update

from community import scheduler
from community.actions import live_session_jobs as session_jobs
from community.actions.reminders import claim_reminder
from community.cli import main
from community.db import atomic
from community.extensions import db
from community.models import LiveSession, Notification, Role, SentReminder
from community.models.base import utcnow
from tests.factories import make_user, schedule_live_session
from tests.support import ApiClient, run_together


def invoke(app: Flask, args: list[str]):
    return app.test_cli_runner().invoke(main, args, obj=ScriptInfo(create_app=lambda: app))


@pytest.fixture
def jobs(monkeypatch: pytest.MonkeyPatch) -> list[scheduler.Job]:
    """Replace JOBS by test jobs (module functions of this file)."""
    replaced: list[scheduler.Job] = []
    monkeypatch.setattr(scheduler, "JOBS", replaced)
    job_calls.clear()
    return replaced


job_calls: list[tuple[str, datetime]] = []


def counting_job(now: datetime) -> int:
    job_calls.append(("count", now))
    return 3


def failing_job(now: datetime) -> int:
    job_calls.append(("fail", now))
    db.session.execute(select(1))
    raise RuntimeError("boom")


def test_run_due_jobs_runs_each_job_and_survives_a_failing_one(app, jobs, caplog):
    jobs += [scheduler.Job("broken", f"{__name__}:failing_job"),
             scheduler.Job("counter", f"{__name__}:counting_job")]
    moment = utcnow()
    with caplog.at_level(logging.ERROR, logger="community.scheduler"):
        done = scheduler.run_due_jobs(app, moment)
    assert done == {"counter": 3}  # the failing job reports nothing, the next one still ran
    assert job_calls == [("fail", moment), ("count", moment)]
    assert "scheduled job broken failed" in caplog.text


def test_live_session_jobs_are_registered():
    names = {job.name: job for job in scheduler.JOBS}
    assert names["live_session_reminders"].function() is session_jobs.send_due_reminders
    assert names["live_session_feedback"].function() is session_jobs.send_due_feedback


def test_jobs_once_cli_sends_due_reminders_once(app):
    mod, ann = make_user(app, role=Role.MODERATOR), make_user(app)
    session = schedule_live_session(app, mod, hours_ahead=0.2)  # 12 minutes: "starting soon" is due
    ApiClient(app).as_user(ann).put(f"live-sessions/{session.id}/rsvp")
    first = invoke(app, ["jobs", "--once"])
    assert first.exit_code == 0, first.output
    assert "live_session_reminders: 1" in first.output and "live_session_feedback: 0" in first.output
    second = invoke(app, ["jobs", "--once"])
    assert "live_session_reminders: 0" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Notification.id)).where(
            Notification.user_id == ann.id, Notification.type == "live_session_reminder")) == 1


def test_scheduler_thread_runs_the_jobs_until_stopped(make_app, jobs):
    app = make_app(JOBS_INTERVAL_SECONDS=0.05)
    ran = threading.Event()

    def job(now: datetime) -> int:
        ran.set()
        return 1

    jobs.append(scheduler.Job("probe", "probe:job"))
    original = scheduler.Job.function
    try:
        scheduler.Job.function = lambda self: job  # type: ignore[method-assign]
        thread = scheduler.SchedulerThread(app)
        thread.start()
        thread.start()  # idempotent: still one thread
        assert thread.running
        assert ran.wait(5), "the scheduler thread never ran the job"
        thread.stop()
        assert not thread.running
        ran.clear()
        assert not ran.wait(0.2), "the job ran after stop()"
    finally:
        scheduler.Job.function = original  # type: ignore[method-assign]


def test_start_scheduler_respects_the_setting(make_app):
    assert scheduler.start_scheduler(make_app(SCHEDULER="off")) is None
    app = make_app(SCHEDULER="thread", JOBS_INTERVAL_SECONDS=60)
    thread = scheduler.start_scheduler(app)
    try:
        assert thread is app.extensions["scheduler"] and thread.running
    finally:
        thread.stop()


# --- once-only claims across threads, on both databases --------------------------------------------


def test_claim_reminder_is_won_by_exactly_one_of_two_threads(threaded_app):
    app = threaded_app
    user = make_user(app)

    def claim() -> bool:
        with atomic():
            return claim_reminder("live_session.starting_soon", 42, user.id)

    for _round in range(3):  # a different subject each round, so every round races afresh
        results = run_together(app, [claim, claim])
        assert sorted(results) == [False, True]
        with app.app_context():
            db.session.execute(update(SentReminder).values(subject_id=SentReminder.subject_id + 1000))
            db.session.commit()
    with app.app_context():
        assert db.session.scalar(select(func.count(SentReminder.id))) == 3


def test_reminder_job_from_two_threads_notifies_each_person_once(threaded_app):
    app = threaded_app
    mod = make_user(app, role=Role.MODERATOR)
    members = [make_user(app) for _ in range(4)]
    session = schedule_live_session(app, mod, hours_ahead=0.2)
    for member in members:
        ApiClient(app).as_user(member).put(f"live-sessions/{session.id}/rsvp")
    now = utcnow()
    results = run_together(app, [lambda: session_jobs.send_due_reminders(now)] * 2)
    assert sorted(results) == [0, 4]  # the first claims all four in its transaction
    with app.app_context():
        per_user = dict(db.session.execute(
            select(Notification.user_id, func.count(Notification.id))
            .where(Notification.type == "live_session_reminder").group_by(Notification.user_id)).all())
    assert per_user == {member.id: 1 for member in members}


def test_feedback_job_from_two_threads_creates_one_poll(threaded_app):
    from community.models import Poll

    app = threaded_app
    mod, ann = make_user(app, role=Role.MODERATOR), make_user(app)
    session = schedule_live_session(app, mod, duration_minutes=15)
    with app.app_context():
        db.session.execute(update(LiveSession).where(LiveSession.id == session.id)
                           .values(starts_at=utcnow() - timedelta(minutes=5)))
        db.session.commit()
    ApiClient(app).as_user(ann).post(f"live-sessions/{session.id}/attend")
    later = utcnow() + timedelta(minutes=20)
    results = run_together(app, [lambda: session_jobs.send_due_feedback(later)] * 2)
    assert sorted(results) == [0, 1]
    with app.app_context():
        assert db.session.scalar(select(func.count(Poll.id)).where(Poll.live_session_id == session.id)) == 1
        assert db.session.scalar(select(func.count(Notification.id)).where(
            Notification.type == "live_session_feedback")) == 1
