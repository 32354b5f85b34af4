"""Badges are awarded right after the action that earned them commits (never for one that rolled
back), reach only the earner live, never twice under concurrency, and `community badges
recompute` backfills idempotently."""

from __future__ import annotations

import pytest
from flask.cli import ScriptInfo

from community.badges import Trigger
from community.cli import main
from tests.factories import accept, badges_of, make_answer, make_thread, make_user, vote


def slugs(app, user) -> list[str]:
    return [slug for slug, _ in badges_of(app, user)]


def test_award_is_announced_to_the_earner_only(app, api, captured_events):
    alice = make_user(app, "alice")
    make_user(app, "bob")
    make_thread(app, alice)
    events = [e for e in captured_events if e["type"] == "badge_awarded"]
    assert len(events) == 1
    assert events[0]["channel"] == f"user:{alice.id}"
    data = events[0]["data"]
    assert data["badge"] == {"slug": "first-question", "name": "First Question", "tier": "bronze"}
    assert data["awarded_at"].endswith("Z") and data["reason_url"].startswith("/questions/")
    notes = api.as_user(alice).get("notifications").json["items"]
    assert [(n["type"], n["subject"], n["url"], n["actor"]) for n in notes] == [
        ("badge_awarded", "First Question", "/badges/first-question", None)]


def test_badge_awarded_reaches_the_earners_socket_and_no_one_elses(app):
    from tests.test_sockets import connect, received

    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    alice_sock, bob_sock = connect(app, alice), connect(app, bob)
    received(alice_sock), received(bob_sock)
    make_thread(app, alice)
    awarded = received(alice_sock, "badge_awarded")
    assert [e["data"]["badge"]["slug"] for e in awarded] == ["first-question"]
    assert received(bob_sock, "badge_awarded") == []


def test_no_award_for_an_action_that_rolled_back(app, monkeypatch, captured_events):
    from community.actions import answers
    from community.errors import Conflict

    def fail(*args, **kwargs):  # the last step of post_answer, after the award was queued
        raise Conflict("something failed after the award was queued")

    monkeypatch.setattr(answers, "after_activity", fail)
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    thread = make_thread(app, alice)
    captured_events.clear()
    with pytest.raises(Conflict):
        make_answer(app, bob, thread)
    assert slugs(app, bob) == [] and captured_events == []


def test_the_award_follows_the_answer_after_its_event_went_out(app, captured_events):
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    thread = make_thread(app, alice)
    captured_events.clear()
    make_answer(app, bob, thread)
    assert slugs(app, bob) == ["first-answer"]  # already there when the action returns
    types = [e["type"] for e in captured_events]
    assert types.index("answer_created") < types.index("badge_awarded")
    ids = [e["id"] for e in captured_events]
    assert ids == sorted(ids)


def test_a_failing_badge_rule_never_undoes_the_answer(app, monkeypatch, caplog):
    from community.actions import badges

    def broken(*args, **kwargs):
        raise RuntimeError("a broken badge rule")

    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    thread = make_thread(app, alice)
    monkeypatch.setattr(badges, "award_for", broken)
    with app.app_context():
        from community.actions.answers import post_answer
        from community.extensions import db
        from community.models import Post

        answer = post_answer(bob, thread.id, "Still here.")  # no exception reaches the caller
        db.session.expire_all()
        assert db.session.get(Post, answer.id).body == "Still here."
    assert "a broken badge rule" in caplog.text and slugs(app, bob) == []


def test_future_triggers_evaluate_without_awarding(app):
    from community.actions.badges import award_for

    alice = make_user(app, "alice")
    with app.app_context():
        for trigger in (Trigger.RESOURCE_RATED, Trigger.HELP_REQUEST_RESOLVED, Trigger.TRACK_COMPLETED,
                        Trigger.MILESTONE_REACHED):
            assert award_for(alice.id, trigger) == []


# --- recompute -------------------------------------------------------------------------------

def recompute(app):
    return app.test_cli_runner().invoke(main, ["badges", "recompute"],
                                        obj=ScriptInfo(create_app=lambda: app))


def test_recompute_backfills_missing_badges_and_is_idempotent(app, monkeypatch):
    from community.actions import badges

    monkeypatch.setattr(badges, "rules_for", lambda trigger: [])  # as if the rules were new
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    answer = make_answer(app, bob, make_thread(app, alice))
    fans = [make_user(app) for _ in range(5)]
    for fan in fans:
        vote(app, fan, answer, 1)
    second = make_thread(app, alice)
    accept(app, alice, second, make_answer(app, bob, second))
    assert slugs(app, bob) == []
    result = recompute(app)
    assert result.exit_code == 0, result.output
    assert "Checked 7 users: awarded" in result.output
    have = set(slugs(app, bob))
    assert have == {"first-answer", "nice-answer", "first-accepted-answer", "fast-helper"}
    assert set(slugs(app, alice)) == {"first-question", "scholar"}
    again = recompute(app)
    assert "awarded 0 badges, revoked 0" in again.output
    assert set(slugs(app, bob)) == have
    vote(app, fans[0], answer, 0)  # score 4, with rules off at the trigger
    assert "revoked 1" in recompute(app).output
    assert "nice-answer" not in slugs(app, bob)


def test_simultaneous_evaluations_award_a_badge_once(pg_app, monkeypatch):
    """PostgreSQL, eight transactions at once: the unique key lets exactly one award through."""
    from community.actions import badges
    from community.db import atomic
    from tests.support import run_together

    app = pg_app
    monkeypatch.setattr(badges, "rules_for", lambda trigger: [])
    alice = make_user(app, "alice")
    make_thread(app, alice)
    monkeypatch.undo()

    def evaluate() -> int:
        with atomic():
            return len(badges.award_for(alice.id, Trigger.QUESTION_ASKED))

    assert sorted(run_together(app, [evaluate] * 8)) == [0] * 7 + [1]
    assert badges_of(app, alice) == [("first-question", "")]
