"""Recognition over the API: badges, profiles, kudos (limits), the leaderboard, privileges, vote flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from community.extensions import db
from community.models import ReputationEntry, Role
from tests.factories import (
    accept,
    give_kudos,
    make_answer,
    make_thread,
    make_user,
    set_department,
    vote,
)
from tests.support import ISO_UTC, USER_FIELDS, ApiClient, assert_error

AWARD_FIELDS = {"badge", "awarded_at", "reason_url"}


# --- badges and profiles -------------------------------------------------------------------

def test_badges_list_every_badge_with_how_many_people_hold_it(app, api):
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    make_thread(app, alice)
    make_thread(app, bob)
    make_thread(app, bob)
    body = api.get("badges").json
    assert body["total"] == len(body["items"]) >= 20
    by_slug = {item["slug"]: item for item in body["items"]}
    item = by_slug["first-question"]
    assert set(item) >= {"slug", "name", "tier", "description", "awarded_count"}
    assert (item["tier"], item["awarded_count"]) == ("bronze", 2)
    assert by_slug["great-answer"]["tier"] == "gold" and by_slug["mentor"]["awarded_count"] == 0
    assert {item["tier"] for item in body["items"]} == {"bronze", "silver", "gold"}


def test_one_badge_with_its_recent_awards(app, api):
    alice = make_user(app, "alice")
    make_thread(app, alice)
    body = api.get("badges/first-question").json
    assert body["awarded_count"] == 1 and body["awards"]["total"] == 1
    award = body["awards"]["items"][0]
    assert award["user"]["username"] == "alice" and award["badge"]["slug"] == "first-question"
    assert_error(api.get("badges/no-such-badge"), 404, "not_found")


def test_profile_lists_awards_with_the_post_that_earned_them_and_kudos(app, api):
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread)
    accept(app, alice, thread, answer)
    give_kudos(app, alice, bob, "You saved my afternoon", answer)
    body = api.get("users/bob").json
    assert set(body) >= USER_FIELDS | {"badges", "kudos_received", "answer_count", "accepted_count",
                                       "top_tags"}
    assert body["kudos_received"] == 1 and (body["answer_count"], body["accepted_count"]) == (1, 1)
    awards = {a["badge"]["slug"]: a for a in body["badges"]}
    assert {"first-answer", "first-accepted-answer", "fast-helper", "appreciated"} <= set(awards)
    for award in body["badges"]:
        assert set(award) >= AWARD_FIELDS and ISO_UTC.match(award["awarded_at"])
        assert set(award["badge"]) == {"slug", "name", "tier"}
    assert awards["first-accepted-answer"]["reason_url"] == f"/questions/{thread.id}#answer-{answer.id}"


# --- kudos ---------------------------------------------------------------------------------

def test_kudos_is_created_shown_in_the_feed_and_notified(app, api):
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    answer = make_answer(app, bob, make_thread(app, alice, title="How do I export the report?"))
    response = api.as_user(alice).post("kudos", {"to": "BOB", "post_id": answer.id,
                                                 "message": "Thanks — that fixed it 🎉"})
    assert response.status_code == 201
    kudos = response.json
    assert set(kudos) == {"id", "from", "to", "post_id", "message", "created_at"}
    assert (kudos["from"]["username"], kudos["to"]["username"]) == ("alice", "bob")
    assert (kudos["post_id"], kudos["message"]) == (answer.id, "Thanks — that fixed it 🎉")
    feed = api.get("kudos").json
    assert feed["total"] == 1 and feed["items"][0]["id"] == kudos["id"]
    assert api.get("kudos", query_string={"to": "bob"}).json["total"] == 1
    assert api.get("kudos", query_string={"to": "alice"}).json["total"] == 0
    assert api.get("kudos", query_string={"to": "nobody"}).json["items"] == []
    notes = api.as_user(bob).get("notifications").json["items"]
    kudos_note = next(n for n in notes if n["type"] == "kudos")
    assert kudos_note["actor"]["username"] == "alice"
    assert kudos_note["subject"] == "How do I export the report?"
    assert kudos_note["url"] == f"/questions/{answer.parent_id}#answer-{answer.id}"


BAD_KUDOS = [
    ({"to": "alice", "message": "Me, myself"}, "to"),
    ({"to": "nobody", "message": "Hello?"}, "to"),
    ({"to": "bob", "message": ""}, "message"),
    ({"to": "bob", "message": "x" * 281}, "message"),
    ({"to": "bob", "message": "nul \x00"}, "message"),
    ({"to": "bob"}, "message"),
    ({"message": "who?"}, "to"),
    ({"to": "bob", "message": "hi", "post_id": "12"}, "post_id"),
    ({"to": "bob", "message": "hi", "post_id": 99999}, "post_id"),
]


def test_bad_kudos_are_refused_with_the_field(app, api):
    alice = make_user(app, "alice")
    make_user(app, "bob")
    client = api.as_user(alice)
    for payload, field in BAD_KUDOS:
        error = assert_error(client.post("kudos", payload), 422, "validation_error")
        assert field in error["fields"], payload
    assert api.get("kudos").json["total"] == 0


def test_kudos_for_a_post_must_be_for_its_author(app, api):
    alice, bob, carol = make_user(app, "alice"), make_user(app, "bob"), make_user(app, "carol")
    answer = make_answer(app, carol, make_thread(app, alice))
    error = assert_error(api.as_user(alice).post("kudos", {"to": "bob", "message": "hi",
                                                           "post_id": answer.id}),
                         422, "validation_error")
    assert error["fields"]["post_id"] == "must be a post by bob"
    assert api.post("kudos", {"to": "bob", "message": "hi"}).status_code == 401
    assert bob


def test_kudos_are_limited_per_day_with_retry_after(app, api):
    app.config.update(RATELIMIT_ENABLED=True, KUDOS_DAILY_LIMIT=2)
    alice, bob, carol = make_user(app, "alice"), make_user(app, "bob"), make_user(app, "carol")
    client = api.as_user(alice)
    assert client.post("kudos", {"to": "bob", "message": "one"}).status_code == 201
    assert client.post("kudos", {"to": "carol", "message": "two"}).status_code == 201
    refused = client.post("kudos", {"to": "bob", "message": "three"})
    assert_error(refused, 429, "rate_limited")
    assert 0 < int(refused.headers["Retry-After"]) <= 24 * 3600
    assert api.as_user(bob).post("kudos", {"to": "alice", "message": "back"}).status_code == 201
    assert api.get("kudos").json["total"] == 3 and carol


# --- the leaderboard -----------------------------------------------------------------------

def _age_ledger(app, user, days: int) -> None:
    """Move all of a user's ledger entries back in time (the leaderboard reads their dates)."""
    with app.app_context():
        for entry in db.session.scalars(db.select(ReputationEntry).where(ReputationEntry.user_id == user.id)):
            entry.created_at = entry.created_at - timedelta(days=days)
        db.session.commit()


@pytest.fixture
def board(app):
    asker = make_user(app, "asker")
    helpers = {name: make_user(app, name) for name in ("ana", "ben", "cyd")}
    set_department(app, helpers["ana"], "Finance")
    set_department(app, helpers["ben"], "Sales")
    excel = make_thread(app, asker, tags=["excel"])
    crm = make_thread(app, asker, tags=["crm"])
    answers = {"ana": make_answer(app, helpers["ana"], excel), "ben": make_answer(app, helpers["ben"], crm),
               "cyd": make_answer(app, helpers["cyd"], crm)}
    accept(app, asker, excel, answers["ana"])            # ana +15 (excel)
    vote(app, asker, answers["ben"], 1)                  # ben +10 (crm)
    vote(app, helpers["ana"], answers["ben"], 1)         # ben +10 (crm)
    give_kudos(app, asker, helpers["cyd"], "Thanks!", answers["cyd"])
    return {"asker": asker, **helpers}


def ranking(api, **query) -> list[tuple[str, int, int, int]]:
    body = api.get("leaderboard", query_string=query).json
    return [(i["user"]["username"], i["reputation_gained"], i["accepted_answers"], i["kudos"])
            for i in body["items"]]


def test_leaderboard_ranks_reputation_gained_then_acceptances_and_kudos(app, api, board):
    body = api.get("leaderboard").json
    assert set(body) >= {"items", "total", "page", "per_page"} and body["period"] == "week"
    assert set(body["items"][0]) >= {"user", "reputation_gained", "accepted_answers", "kudos"}
    assert ranking(api) == [("ben", 20, 0, 0), ("ana", 15, 1, 0), ("asker", 2, 0, 0), ("cyd", 0, 0, 1)]


def test_leaderboard_periods_follow_the_ledger_dates(app, api, board):
    _age_ledger(app, board["ben"], days=40)
    assert [row[0] for row in ranking(api, period="week")] == ["ana", "asker", "cyd"]
    assert [row[0] for row in ranking(api, period="all")] == ["ben", "ana", "asker", "cyd"]
    _age_ledger(app, board["ana"], days=8)
    week, month = ranking(api, period="week"), ranking(api, period="month")
    assert "ana" not in [row[0] for row in week]
    in_month = datetime.now(UTC).day > 8  # 8 days ago is still this month
    assert ("ana" in [row[0] for row in month]) is in_month


def test_leaderboard_filters_by_department_and_tag(app, api, board):
    assert ranking(api, department="finance") == [("ana", 15, 1, 0)]
    assert ranking(api, department="Sales") == [("ben", 20, 0, 0)]
    assert ranking(api, tag="crm") == [("ben", 20, 0, 0), ("cyd", 0, 0, 1)]
    assert ranking(api, tag="excel") == [("ana", 15, 1, 0), ("asker", 2, 0, 0)]
    assert ranking(api, tag="nothing") == []


def test_leaderboard_refuses_bad_filters_and_pages(app, api, board):
    assert_error(api.get("leaderboard", query_string={"period": "year"}), 422, "validation_error")
    assert_error(api.get("leaderboard", query_string={"tag": "x" * 40}), 422, "validation_error")
    second = api.get("leaderboard", query_string={"per_page": 2, "page": 2}).json
    assert (second["total"], second["page"], len(second["items"])) == (4, 2, 2)
    assert second["items"][0]["rank"] == 3


# --- privileges ----------------------------------------------------------------------------

def test_downvoting_is_refused_below_50_with_what_unlocks_it(app, api):
    alice, newbie = make_user(app, "alice"), make_user(app, "newbie", reputation=49)
    thread = make_thread(app, alice)
    error = assert_error(api.as_user(newbie).post(f"posts/{thread.id}/vote", {"value": -1}),
                         403, "forbidden")
    assert "50 reputation" in error["message"]
    assert api.as_user(newbie).post(f"posts/{thread.id}/vote", {"value": 1}).status_code == 200


def test_retagging_needs_500_and_changes_only_tags(app, api):
    alice = make_user(app, "alice")
    low, retagger = make_user(app, "low", reputation=499), make_user(app, "gardener", reputation=500)
    thread = make_thread(app, alice, tags=["excel"])
    error = assert_error(api.as_user(low).patch(f"threads/{thread.id}", {"tags": ["vba"]}), 403, "forbidden")
    assert "500 reputation" in error["message"] and "you have 499" in error["message"]
    response = api.as_user(retagger).patch(f"threads/{thread.id}", {"tags": ["excel", "vba"]})
    assert response.status_code == 200 and response.json["tags"] == ["excel", "vba"]
    error = assert_error(api.as_user(retagger).patch(f"threads/{thread.id}", {"title": "A brand new title"}),
                         403, "forbidden")
    assert "1,000 reputation" in error["message"]
    error = assert_error(api.as_user(retagger).patch(f"threads/{thread.id}",
                                                     {"tags": ["sql"], "body": "new"}), 403, "forbidden")
    assert "1,000" in error["message"]


def test_privilege_thresholds_are_configurable(make_app):
    app = make_app(PRIVILEGE_RETAG=10, PRIVILEGE_DOWNVOTE=5)
    api_client = ApiClient(app)
    alice, helper = make_user(app, "alice"), make_user(app, "helper", reputation=10)
    thread = make_thread(app, alice)
    client = api_client.as_user(helper)
    assert client.patch(f"threads/{thread.id}", {"tags": ["onboarding"]}).status_code == 200
    assert client.post(f"posts/{thread.id}/vote", {"value": -1}).status_code == 200
    ladder = client.get("privileges").json
    assert [(p["name"], p["reputation"], p["unlocked"]) for p in ladder["items"]] == [
        ("participate", 1, True), ("downvote", 5, True), ("retag", 10, True), ("edit_others", 1000, False)]
    assert ladder["next"] == "edit_others"


def test_moderators_have_every_privilege(app, api):
    alice, mod = make_user(app, "alice"), make_user(app, "mod", role=Role.MODERATOR)
    thread = make_thread(app, alice)
    client = api.as_user(mod)
    assert client.patch(f"threads/{thread.id}", {"tags": ["moderated"]}).status_code == 200
    assert client.get("privileges").json["next"] is None


# --- anti-gaming ---------------------------------------------------------------------------

def test_a_pair_voting_on_each_other_too_often_in_a_day_is_flagged(app, api):
    app.config["VOTE_FLAG_THRESHOLD"] = 3
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    mod = make_user(app, "mod", role=Role.MODERATOR)
    posts_by_bob = [make_thread(app, bob) for _ in range(3)]
    post_by_alice = make_thread(app, alice)
    for post in posts_by_bob:
        vote(app, alice, post, 1)
    assert api.as_user(mod).get("vote-flags").json["total"] == 0  # 3 votes: not beyond 3
    vote(app, bob, post_by_alice, 1)  # either direction counts
    flags = api.as_user(mod).get("vote-flags").json
    assert flags["total"] == 1
    flag = flags["items"][0]
    assert {u["username"] for u in flag["users"]} == {"alice", "bob"} and flag["vote_count"] == 4
    assert_error(api.as_user(alice).get("vote-flags"), 403, "forbidden")
    resolved = api.as_user(mod).post(f"vote-flags/{flag['id']}/resolve")
    assert resolved.status_code == 200 and resolved.json["resolved"] is True
    assert api.as_user(mod).get("vote-flags").json["total"] == 0
    assert api.as_user(mod).get("vote-flags", query_string={"resolved": 1}).json["total"] == 1
    assert_error(api.as_user(mod).post("vote-flags/999/resolve"), 404, "not_found")
