"""The scheduled jobs of live sessions (community/scheduler.py runs them): reminders before the
start, and the feedback poll and thank-you after the end. Each is claimed before it is sent, so
several processes running the jobs at once send it once."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import update

from ..db import atomic
from ..errors import DomainError
from ..extensions import db
from ..models import LiveSession, RsvpStatus
from ..payloads.live_sessions import live_session_url
from ..queries import live_sessions as queries
from .notifications import notify
from .reminders import claim_reminder

log = logging.getLogger(__name__)

FEEDBACK_POLL_DAYS = 7
FEEDBACK_OPTIONS = ["Very useful", "Somewhat useful", "Not very useful"]
# (kind, lead, window): due from ``lead`` before the start for ``window``. A reminder the jobs
# could not send inside its window is skipped rather than sent late: a session scheduled two
# hours ahead gets no "in 24 hours" reminder, and none is ever sent after the start.
REMINDERS = (("live_session.day_before", timedelta(hours=24), timedelta(hours=1)),
             ("live_session.starting_soon", timedelta(minutes=15), timedelta(minutes=15)))


def send_due_reminders(now: datetime) -> int:
    """"Starts in 24 hours" and "starts in 15 minutes" notifications to members going; each
    (kind, session, member) is claimed first, so several processes running this at once send it
    once."""
    sent = 0
    for kind, lead, window in REMINDERS:
        for session in queries.sessions_starting_within(after=now + lead - window, until=now + lead):
            sent += _remind(session, kind, lead)
    return sent


def _remind(session: LiveSession, kind: str, lead: timedelta) -> int:
    sent = 0
    minutes = int(lead.total_seconds() // 60)
    when = f"in {minutes // 60} hours" if minutes >= 60 else f"in {minutes} minutes"
    with atomic():
        going = queries.rsvps_of(session.id, status=RsvpStatus.GOING.value)
        for row in going:
            if claim_reminder(kind, session.id, row.user_id):
                sent += len(notify([row.user_id], "live_session_reminder", None,
                                   f"{session.title} starts {when}", live_session_url(session.id)))
    return sent


def send_due_feedback(now: datetime) -> int:
    """After each session that ended (not cancelled): the feedback poll, and a notification to
    everyone who attended. Claimed by a conditional UPDATE, so it happens once."""
    done = 0
    for session in queries.sessions_awaiting_feedback(now):
        with atomic():
            claimed = db.session.execute(
                update(LiveSession)
                .where(LiveSession.id == session.id, LiveSession.feedback_sent_at.is_(None))
                .values(feedback_sent_at=now).execution_options(synchronize_session=False)).rowcount == 1
            if not claimed:
                continue
            attendees = [row.user_id for row in queries.rsvps_of(session.id, attended=True)]
            if attendees:
                _create_feedback_poll(session, now)
                notify(attendees, "live_session_feedback", None, f"How was {session.title}?",
                       live_session_url(session.id) + "#feedback")
            done += 1
    return done


def _create_feedback_poll(session: LiveSession, now: datetime) -> None:
    from .polls import PollDraft, create_poll  # the polls module imports much of the app

    # closes_at goes in as the API's ISO text, the form create_poll validates.
    question = f"How useful was “{session.title}”?"
    try:
        create_poll(session.host, PollDraft(question=question[:300], options=list(FEEDBACK_OPTIONS),
                                            live_session_id=session.id,
                                            closes_at=(now + timedelta(days=FEEDBACK_POLL_DAYS)).isoformat()))
    except DomainError as exc:  # e.g. the host is suspended: attendees still get the thank-you
        log.warning("no feedback poll for live session %s: %s", session.id, exc.message)
