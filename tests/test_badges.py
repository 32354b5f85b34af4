"""Badges: the rules are data, and each qualifies exactly at its boundary and is awarded once.

Delivery, atomicity, recompute and concurrency: tests/test_badges_delivery.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from community.badges import RULES, RULES_BY_SLUG, Context, Tier, Trigger
from community.badges import conditions as c
from community.badges.base import Earned
from community.extensions import db
from community.models import BadgeAward, Post, PostType
from tests.factories import (
    accept,
    badges_of,
    give_kudos,
    make_answer,
    make_thread,
    make_user,
    vote,
)

CORE = {"first-question", "first-answer", "first-accepted-answer", "good-answer", "great-answer",
        "lifeline", "fast-helper", "curator", "mentor", "live-helper"}


def slugs(app, user) -> list[str]:
    return [slug for slug, _ in badges_of(app, user)]


def shift_created(app, post: Post | int, **delta: float) -> None:
    """Move a post's creation time back (tests can't wait a day); nothing else changes."""
    post_id = post if isinstance(post, int) else post.id
    with app.app_context():
        row = db.session.get(Post, post_id)
        row.created_at = row.created_at - timedelta(**delta)
        db.session.commit()


def voters(app, count: int) -> list:
    return [make_user(app) for _ in range(count)]


# --- the rules are data ----------------------------------------------------------------------

def test_at_least_twenty_badges_with_the_core_slugs_and_valid_data():
    assert len(RULES) >= 20 and set(RULES_BY_SLUG) >= CORE
    for rule in RULES:
        assert rule.slug == rule.slug.lower() and " " not in rule.slug
        assert rule.tier in Tier and rule.triggers and rule.name and rule.description
        assert all(isinstance(trigger, Trigger) for trigger in rule.triggers)


@pytest.mark.parametrize(("slug", "condition"), [
    ("first-question", c.PostCount(PostType.QUESTION, 1)),
    ("first-answer", c.PostCount(PostType.ANSWER, 1)),
    ("first-accepted-answer", c.AcceptedCount(1)),
    ("nice-answer", c.PostScore(PostType.ANSWER, 5)),
    ("good-answer", c.PostScore(PostType.ANSWER, 10)),
    ("great-answer", c.PostScore(PostType.ANSWER, 25)),
    ("nice-question", c.PostScore(PostType.QUESTION, 5)),
    ("good-question", c.PostScore(PostType.QUESTION, 10)),
    ("helpful", c.AcceptedCount(5)),
    ("go-to-colleague", c.AcceptedCount(25)),
    ("pillar", c.AcceptedCount(100)),
    ("lifeline", c.AcceptedAfterWait(timedelta(days=1), "stuck")),
    ("fast-helper", c.AcceptedWithin(timedelta(minutes=30))),
    ("steady-helper", c.AnswerDays(5)),
    ("dedicated-helper", c.AnswerDays(30)),
    ("tag-regular", c.TagAnswerScore(10)),
    ("tag-expert", c.TagAnswerScore(40)),
    ("appreciated", c.KudosReceived(1)),
    ("mentor", c.KudosReceived(10)),
    ("grateful", c.KudosGiven(3)),
    ("first-rescue", c.HelpRequestsResolved(1)),
    ("live-helper", c.HelpRequestsResolved(10)),
])
def test_rules_declare_the_documented_thresholds(slug, condition):
    assert RULES_BY_SLUG[slug].condition == condition


def test_only_score_bronze_badges_are_revocable_and_learning_badges_count_real_progress():
    assert {r.slug for r in RULES if r.revocable} == {"nice-answer", "nice-question"}
    assert RULES_BY_SLUG["milestone-reached"].condition == c.MilestonesReached(1)
    assert RULES_BY_SLUG["track-finisher"].condition == c.TracksCompleted()
    assert RULES_BY_SLUG["track-finisher"].repeatable


# --- first steps ---------------------------------------------------------------------------------

def test_first_question_and_first_answer_are_awarded_once(app):
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    assert slugs(app, alice) == []
    thread = make_thread(app, alice)
    assert slugs(app, alice) == ["first-question"]
    make_thread(app, alice)
    answer = make_answer(app, bob, thread)
    make_answer(app, bob, thread)
    assert slugs(app, alice) == ["first-question"]
    assert slugs(app, bob) == ["first-answer"]
    with app.app_context():
        award = db.session.scalar(db.select(BadgeAward).where(BadgeAward.user_id == bob.id))
        assert (award.post_id, award.reason_url) == (answer.id, f"/questions/{thread.id}#answer-{answer.id}")


def test_supporter_is_for_upvoting_not_downvoting(app):
    alice, critic = make_user(app, "alice"), make_user(app, "critic", reputation=100)
    thread = make_thread(app, alice)
    vote(app, critic, thread, -1)
    assert "supporter" not in slugs(app, critic)
    vote(app, critic, thread, 1)
    assert "supporter" in slugs(app, critic)


# --- scores --------------------------------------------------------------------------------------

def test_answer_score_badges_at_5_10_and_25(app):
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    answer = make_answer(app, bob, make_thread(app, alice))
    fans = voters(app, 25)
    expected = {4: [], 5: ["nice-answer"], 9: ["nice-answer"], 10: ["nice-answer", "good-answer"],
                24: ["nice-answer", "good-answer"], 25: ["nice-answer", "good-answer", "great-answer"]}
    for score, fan in enumerate(fans, start=1):
        vote(app, fan, answer, 1)
        if score in expected:
            assert [s for s in slugs(app, bob) if s.endswith("-answer") and s != "first-answer"] \
                == expected[score], score


def test_question_score_badges_at_5_and_10(app):
    alice = make_user(app, "alice")
    thread = make_thread(app, alice)
    fans = voters(app, 10)
    for score, fan in enumerate(fans, start=1):
        vote(app, fan, thread, 1)
        have = [s for s in slugs(app, alice) if s.endswith("question") and s != "first-question"]
        assert have == ([] if score < 5 else ["nice-question"] if score < 10
                        else ["nice-question", "good-question"]), score


def test_score_badges_repeat_per_post(app):
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    thread = make_thread(app, alice)
    first, second = make_answer(app, bob, thread), make_answer(app, bob, thread)
    for fan in voters(app, 5):
        vote(app, fan, first, 1)
        vote(app, fan, second, 1)
    assert [a for a in badges_of(app, bob) if a[0] == "nice-answer"] == [
        ("nice-answer", f"post:{first.id}"), ("nice-answer", f"post:{second.id}")]


def test_revocable_badge_is_taken_back_and_restored_with_events(app, captured_events):
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    answer = make_answer(app, bob, make_thread(app, alice))
    fans = voters(app, 10)
    for fan in fans:
        vote(app, fan, answer, 1)
    assert {"nice-answer", "good-answer"} <= set(slugs(app, bob))
    captured_events.clear()
    for fan in fans[:6]:
        vote(app, fan, answer, 0)  # score 4: below nice (revocable), below good (kept)
    assert "nice-answer" not in slugs(app, bob) and "good-answer" in slugs(app, bob)
    revoked = [e for e in captured_events if e["type"] == "badge_revoked"]
    assert [(e["channel"], e["data"]["badge"]["slug"]) for e in revoked] == [
        (f"user:{bob.id}", "nice-answer")]
    vote(app, fans[0], answer, 1)  # back to 5
    assert "nice-answer" in slugs(app, bob)
    with app.app_context():
        rows = db.session.scalars(db.select(BadgeAward).where(BadgeAward.badge_slug == "nice-answer")).all()
        assert len(rows) == 1 and rows[0].revoked_at is None  # the same row, restored


# --- helping -------------------------------------------------------------------------------------

def _accepted(app, asker, helper, count: int, **thread_kwargs) -> list[Post]:
    answers = []
    for _ in range(count):
        thread = make_thread(app, asker, **thread_kwargs)
        answer = make_answer(app, helper, thread)
        accept(app, asker, thread, answer)
        answers.append(answer)
    return answers


def test_accepted_answer_badges_count_only_acceptance_by_others(app):
    asker, helper = make_user(app, "asker"), make_user(app, "helper")
    own = make_thread(app, helper)
    accept(app, helper, own, make_answer(app, helper, own))
    assert "first-accepted-answer" not in slugs(app, helper)
    _accepted(app, asker, helper, 4)
    have = slugs(app, helper)
    assert "first-accepted-answer" in have and "helpful" not in have
    assert "scholar" in slugs(app, asker)
    _accepted(app, asker, helper, 1)
    assert "helpful" in slugs(app, helper)


def test_accepted_count_qualifies_exactly_at_the_count(app):
    asker, helper = make_user(app, "asker"), make_user(app, "helper")
    answers = _accepted(app, asker, helper, 2)
    with app.app_context():
        assert c.AcceptedCount(3)(Context(helper.id)) == []
        earned = c.AcceptedCount(2)(Context(helper.id))
        assert [e.post_id for e in earned] == [answers[1].id]


def test_lifeline_for_a_question_that_waited_a_day_or_was_stuck(app):
    asker = make_user(app, "asker")
    cases = [(timedelta(hours=23, minutes=59), [], False), (timedelta(hours=24, minutes=1), [], True),
             (timedelta(minutes=5), ["stuck"], True)]
    for waited, tags, earned in cases:
        helper = make_user(app)
        thread = make_thread(app, asker, tags=tags)
        shift_created(app, thread, seconds=waited.total_seconds())
        accept(app, asker, thread, make_answer(app, helper, thread))
        assert ("lifeline" in slugs(app, helper)) is earned, (waited, tags)


def test_fast_helper_within_thirty_minutes(app):
    asker = make_user(app, "asker")
    for seconds, earned in ((30 * 60 - 2, True), (30 * 60 + 2, False)):
        helper = make_user(app)
        thread = make_thread(app, asker)
        answer = make_answer(app, helper, thread)
        shift_created(app, thread, seconds=seconds)
        accept(app, asker, thread, answer)
        assert ("fast-helper" in slugs(app, helper)) is earned, seconds


def test_steady_helper_needs_answers_on_five_different_days(app):
    asker, helper = make_user(app, "asker"), make_user(app, "helper")
    thread = make_thread(app, asker)
    for days_ago in (4, 3, 2):
        shift_created(app, make_answer(app, helper, thread), days=days_ago)
    make_answer(app, helper, thread)
    make_answer(app, helper, thread)  # the same day again: still 4 days
    assert "steady-helper" not in slugs(app, helper)
    shift_created(app, make_answer(app, helper, thread), days=1)  # evaluated before the shift
    make_answer(app, helper, thread)
    assert "steady-helper" in slugs(app, helper)


def set_created(app, post: Post, when: datetime) -> None:
    with app.app_context():
        db.session.get(Post, post.id).created_at = when
        db.session.commit()


def test_answer_days_count_utc_days_and_credit_the_first_answer_of_the_last_day(app):
    """Days are UTC calendar days whatever the database session's time zone; the award points at
    the earliest answer of the day that completed the count, wherever it sits in id order."""
    asker, helper = make_user(app, "asker"), make_user(app, "helper")
    thread = make_thread(app, asker)
    midnight = datetime(2026, 3, 10, tzinfo=UTC)
    late, early = make_answer(app, helper, thread), make_answer(app, helper, thread)
    set_created(app, late, midnight - timedelta(minutes=20))  # 23:40 on the 9th
    set_created(app, early, midnight + timedelta(minutes=20))  # 00:20 on the 10th: another day
    for day in (1, 2):
        set_created(app, make_answer(app, helper, thread), midnight + timedelta(days=day))
    fifth_day = midnight + timedelta(days=3)
    second, first = make_answer(app, helper, thread), make_answer(app, helper, thread)
    set_created(app, second, fifth_day + timedelta(hours=2))
    set_created(app, first, fifth_day + timedelta(hours=1))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":  # a session zone far from UTC must not matter
            db.session.execute(text("SET TIME ZONE 'Pacific/Kiritimati'"))
        assert c.AnswerDays(5)(Context(helper.id)) == [
            Earned("", first.id, f"/questions/{thread.id}#answer-{first.id}")]
        assert c.AnswerDays(6)(Context(helper.id)) == []


def test_tag_badges_need_the_score_within_one_tag(app):
    asker, helper = make_user(app, "asker"), make_user(app, "helper")
    excel = [make_answer(app, helper, make_thread(app, asker, tags=["excel"])) for _ in range(2)]
    vba = make_answer(app, helper, make_thread(app, asker, tags=["vba"]))
    fans = voters(app, 5)
    for fan in fans:
        vote(app, fan, excel[0], 1)
    for fan in fans[:4]:
        vote(app, fan, vba, 1)
        vote(app, fan, excel[1], 1)
    assert [a for a in badges_of(app, helper) if a[0].startswith("tag-")] == []  # excel 9, vba 4
    vote(app, fans[4], excel[1], 1)
    assert [a for a in badges_of(app, helper) if a[0].startswith("tag-")] == [("tag-regular", "tag:excel")]


# --- kudos -----------------------------------------------------------------------------------

def test_kudos_badges_count_different_colleagues(app):
    alice, bob, carol, dave = (make_user(app, name) for name in ("alice", "bob", "carol", "dave"))
    give_kudos(app, alice, bob)
    give_kudos(app, alice, bob)
    assert "appreciated" in slugs(app, bob)
    with app.app_context():
        assert c.KudosReceived(2)(Context(bob.id)) == []  # one colleague, twice
    give_kudos(app, carol, bob)
    with app.app_context():
        assert c.KudosReceived(2)(Context(bob.id)) != []
    give_kudos(app, alice, carol)
    assert "grateful" not in slugs(app, alice)  # bob and carol
    give_kudos(app, alice, dave)
    assert "grateful" in slugs(app, alice)


def test_resolving_a_claimed_help_request_earns_the_live_help_badges(app):
    from community.actions import help_requests
    from tests.factories import make_help_request, make_room

    owner, asker, helper = make_user(app, "owner"), make_user(app, "asker"), make_user(app, "helper")
    room = make_room(app, owner, "Pivot tables")
    unclaimed = make_help_request(app, asker, room)
    with app.app_context():
        help_requests.resolve_help_request(asker, unclaimed.id)  # nobody helped: no badge
    request = make_help_request(app, asker, room, "Still stuck on the totals row")
    with app.app_context():
        help_requests.claim_help_request(helper, request.id)
    assert "first-rescue" not in slugs(app, helper)  # claimed is not resolved
    with app.app_context():
        help_requests.resolve_help_request(asker, request.id)
    assert slugs(app, helper) == ["first-rescue"] and slugs(app, owner) == []
    with app.app_context():
        assert c.HelpRequestsResolved(2)(Context(helper.id)) == []
