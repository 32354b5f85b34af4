"""Concurrent RSVPs never exceed a session's capacity, on SQLite (a file) and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from community.actions import live_session_rsvps as rsvp_actions
from community.extensions import db
from community.models import LiveSessionRsvp, Role, RsvpStatus
from tests.factories import make_user, schedule_live_session
from tests.support import run_together


def _statuses(app, session_id: int) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(
            select(LiveSessionRsvp.status, func.count(LiveSessionRsvp.id))
            .where(LiveSessionRsvp.live_session_id == session_id).group_by(LiveSessionRsvp.status)).all())


def test_concurrent_rsvps_fill_exactly_the_capacity(threaded_app):
    app = threaded_app
    mod = make_user(app, role=Role.MODERATOR)
    members = [make_user(app) for _ in range(8)]
    session = schedule_live_session(app, mod, capacity=3)

    def rsvp_as(member):
        return lambda: rsvp_actions.rsvp(member, session.id)[1].status

    statuses = run_together(app, [rsvp_as(member) for member in members])
    assert sorted(statuses) == ["going"] * 3 + ["waitlisted"] * 5
    assert _statuses(app, session.id) == {RsvpStatus.GOING.value: 3, RsvpStatus.WAITLISTED.value: 5}


def test_concurrent_withdrawals_and_joins_keep_the_capacity(threaded_app):
    app = threaded_app
    mod = make_user(app, role=Role.MODERATOR)
    first, newcomers = [make_user(app) for _ in range(2)], [make_user(app) for _ in range(4)]
    session = schedule_live_session(app, mod, capacity=2)
    with app.app_context():
        for member in first:
            rsvp_actions.rsvp(member, session.id)
        db.session.remove()
    calls = [(lambda m=m: rsvp_actions.cancel_rsvp(m, session.id)) for m in first]
    calls += [(lambda m=m: rsvp_actions.rsvp(m, session.id)) for m in newcomers]
    run_together(app, calls)
    # Both seats freed and refilled from the newcomers, in whatever order they arrived.
    assert _statuses(app, session.id) == {RsvpStatus.GOING.value: 2, RsvpStatus.WAITLISTED.value: 2}
