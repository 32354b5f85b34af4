"""The reputation rules of shared/API.md, the daily cap, the ledger and the profile endpoints."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from community.actions.badges import recompute_badges
from community.errors import DomainError
from community.extensions import db
from community.models import Post, User, Vote
from community.queries.users import ledger_sum
from tests.factories import accept, give_kudos, make_answer, make_thread, make_user, vote
from tests.support import ISO_UTC, USER_FIELDS, assert_error


def reputation(api, username: str) -> int:
    return api.get(f"users/{username}").json["reputation"]


def ledger(api, username: str) -> list[tuple[int, str, int | None]]:
    """The user's ledger, oldest first, as (delta, reason, post_id)."""
    items = api.get(f"users/{username}/reputation", query_string={"per_page": 100}).json["items"]
    return [(e["delta"], e["reason"], e["post_id"]) for e in reversed(items)]


@pytest.fixture
def world(app):
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    critic = make_user(app, "critic", reputation=100)
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread)
    return {"alice": alice, "bob": bob, "critic": critic, "thread": thread, "answer": answer}


# --- votes ---------------------------------------------------------------------------------

def test_upvoted_question_gives_the_asker_10(app, api, world):
    vote(app, world["bob"], world["thread"], 1)
    assert reputation(api, "alice") == 11
    assert ledger(api, "alice") == [(10, "upvote", world["thread"].id)]
    assert ledger(api, "bob") == []


def test_upvoted_answer_gives_the_answerer_10(app, api, world):
    vote(app, world["alice"], world["answer"], 1)
    assert reputation(api, "bob") == 11
    assert ledger(api, "bob") == [(10, "upvote", world["answer"].id)]


def test_downvoted_answer_costs_the_answerer_2_and_the_voter_1(app, api, world):
    answer = world["answer"]
    vote(app, world["critic"], answer, -1)
    assert reputation(api, "bob") == -1
    assert reputation(api, "critic") == 99
    assert ledger(api, "bob") == [(-2, "downvote", answer.id)]
    assert ledger(api, "critic")[-1] == (-1, "downvote_given", answer.id)


def test_downvoted_question_costs_the_asker_2_and_the_voter_nothing(app, api, world):
    vote(app, world["critic"], world["thread"], -1)
    assert reputation(api, "alice") == -1
    assert reputation(api, "critic") == 100
    assert ledger(api, "critic") == [(99, "bonus", None)]


def test_undoing_a_vote_writes_reversing_entries(app, api, world):
    answer = world["answer"]
    vote(app, world["critic"], answer, -1)
    vote(app, world["critic"], answer, 0)
    assert reputation(api, "bob") == 1 and reputation(api, "critic") == 100
    assert ledger(api, "bob") == [(-2, "downvote", answer.id), (2, "downvote_undone", answer.id)]
    assert ledger(api, "critic")[1:] == [(-1, "downvote_given", answer.id),
                                         (1, "downvote_given_undone", answer.id)]


def test_switching_a_vote_reverses_then_applies(app, api, world):
    answer = world["answer"]
    vote(app, world["critic"], answer, 1)
    vote(app, world["critic"], answer, -1)
    assert reputation(api, "bob") == 1 + 10 - 10 - 2
    assert [delta for delta, _, _ in ledger(api, "bob")] == [10, -10, -2]


def test_repeating_a_vote_writes_no_ledger_entry(app, api, world):
    vote(app, world["alice"], world["answer"], 1)
    vote(app, world["alice"], world["answer"], 1)
    vote(app, world["alice"], world["answer"], 0)
    vote(app, world["alice"], world["answer"], 0)
    assert [delta for delta, _, _ in ledger(api, "bob")] == [10, -10]


# --- acceptance ----------------------------------------------------------------------------

def test_acceptance_gives_15_to_the_answerer_and_2_to_the_asker(app, api, world):
    accept(app, world["alice"], world["thread"], world["answer"])
    assert reputation(api, "bob") == 16 and reputation(api, "alice") == 3
    assert ledger(api, "bob") == [(15, "accepted", world["answer"].id)]
    assert ledger(api, "alice") == [(2, "accept_given", world["answer"].id)]


def test_accepting_your_own_answer_gives_nothing(app, api, world):
    own = make_answer(app, world["alice"], world["thread"])
    accept(app, world["alice"], world["thread"], own)
    assert reputation(api, "alice") == 1 and ledger(api, "alice") == []
    accept(app, world["alice"], world["thread"], None)
    assert ledger(api, "alice") == []


def test_moving_the_acceptance_reverses_and_regrants(app, api, world):
    carol = make_user(app, "carol")
    other = make_answer(app, carol, world["thread"])
    accept(app, world["alice"], world["thread"], world["answer"])
    accept(app, world["alice"], world["thread"], other)
    assert (reputation(api, "bob"), reputation(api, "carol"), reputation(api, "alice")) == (1, 16, 3)
    assert ledger(api, "bob") == [(15, "accepted", world["answer"].id),
                                  (-15, "accepted_undone", world["answer"].id)]
    assert [delta for delta, _, _ in ledger(api, "alice")] == [2, -2, 2]


def test_moving_from_your_own_answer_grants_only_the_new_one(app, api, world):
    own = make_answer(app, world["alice"], world["thread"])
    accept(app, world["alice"], world["thread"], own)
    accept(app, world["alice"], world["thread"], world["answer"])
    assert reputation(api, "alice") == 3 and reputation(api, "bob") == 16


def test_unaccepting_with_null_reverses_the_acceptance(app, api, world):
    accept(app, world["alice"], world["thread"], world["answer"])
    response = api.as_user(world["alice"]).post(f"threads/{world['thread'].id}/accept",
                                                {"answer_id": None})
    assert response.status_code == 200
    assert reputation(api, "bob") == 1 and reputation(api, "alice") == 1
    assert [delta for delta, _, _ in ledger(api, "bob")] == [15, -15]


def test_accepting_the_same_answer_twice_changes_nothing(app, api, world):
    accept(app, world["alice"], world["thread"], world["answer"])
    accept(app, world["alice"], world["thread"], world["answer"])
    assert ledger(api, "bob") == [(15, "accepted", world["answer"].id)]


# --- the daily cap -------------------------------------------------------------------------

def test_vote_gains_are_capped_per_day_and_the_ledger_records_what_was_granted(app, api, world):
    app.config["REPUTATION_DAILY_VOTE_CAP"] = 25
    voters = [make_user(app, f"fan{n}") for n in range(4)]
    for voter in voters:
        vote(app, voter, world["answer"], 1)
    assert reputation(api, "bob") == 1 + 25
    assert [delta for delta, _, _ in ledger(api, "bob")] == [10, 10, 5, 0]
    assert api.get(f"threads/{world['thread'].id}").json["answers"][0]["score"] == 4


def test_undoing_a_capped_vote_reverses_only_what_was_granted(app, api, world):
    app.config["REPUTATION_DAILY_VOTE_CAP"] = 25
    voters = [make_user(app, f"fan{n}") for n in range(4)]
    for voter in voters:
        vote(app, voter, world["answer"], 1)
    vote(app, voters[3], world["answer"], 0)  # granted 0
    vote(app, voters[2], world["answer"], 0)  # granted 5
    assert [delta for delta, _, _ in ledger(api, "bob")][4:] == [0, -5]
    assert reputation(api, "bob") == 1 + 20


def test_acceptance_and_downvotes_are_not_capped(app, api, world):
    app.config["REPUTATION_DAILY_VOTE_CAP"] = 10
    vote(app, world["alice"], world["answer"], 1)
    vote(app, make_user(app, "fan"), world["answer"], 1)
    accept(app, world["alice"], world["thread"], world["answer"])
    vote(app, world["critic"], world["answer"], -1)
    assert [delta for delta, _, _ in ledger(api, "bob")] == [10, 0, 15, -2]
    assert reputation(api, "bob") == 1 + 10 + 15 - 2


def test_the_default_cap_is_200_a_day(app, api, world):
    for n in range(21):
        vote(app, make_user(app, f"fan{n}"), world["answer"], 1)
    assert reputation(api, "bob") == 201
    assert [delta for delta, _, _ in ledger(api, "bob")][-2:] == [10, 0]


# --- the invariant -------------------------------------------------------------------------

OPERATIONS = st.one_of(
    st.tuples(st.just("vote"), st.integers(0, 3), st.integers(0, 3), st.sampled_from([1, -1, 0])),
    st.tuples(st.just("accept"), st.sampled_from([None, 1, 2, 3])),
    st.tuples(st.just("delete"), st.integers(1, 3)),
    # Badge-triggering actions and kudos (kudos move no reputation; to yourself is refused).
    st.tuples(st.just("answer"), st.integers(0, 3)),
    st.tuples(st.just("kudos"), st.integers(0, 3), st.integers(0, 3)),
)


def _build_world(app) -> tuple[list[User], list[Post]]:
    users = [make_user(app), make_user(app), make_user(app, reputation=60),
             make_user(app, reputation=45)]
    thread = make_thread(app, users[0])
    answers = [make_answer(app, users[n], thread) for n in (1, 2, 0)]
    return users, [thread, *answers]


def _apply(app, users: list[User], posts: list[Post], operation: tuple) -> None:
    thread = posts[0]
    try:
        if operation[0] == "vote":
            _, voter, post, value = operation
            vote(app, users[voter], posts[post], value)
        elif operation[0] == "accept":
            accept(app, users[0], thread, None if operation[1] is None else posts[operation[1]])
        elif operation[0] == "answer":
            make_answer(app, users[operation[1]], thread)
        elif operation[0] == "kudos":
            give_kudos(app, users[operation[1]], users[operation[2]], "Thanks!")
        else:
            post = posts[operation[1]]
            with app.app_context():
                from community.actions.answers import delete_post

                delete_post(db.session.get(User, post.author_id), post.id)
    except DomainError:
        pass  # refused operations (own post, deleted post, no privilege) must change nothing


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(OPERATIONS, max_size=30))
def test_reputation_always_equals_one_plus_the_ledger(app, operations):
    """Also: the badges awarded along the way are exactly what a full recompute finds."""
    app.config["REPUTATION_DAILY_VOTE_CAP"] = 30
    users, posts = _build_world(app)
    for operation in operations:
        _apply(app, users, posts, operation)
    with app.app_context():
        for user in users:
            assert db.session.get(User, user.id).reputation == 1 + ledger_sum(user.id)
            outcome = recompute_badges(user.id)
            assert (outcome.awarded, outcome.revoked) == ([], []), user.username
        for post in posts:
            votes = db.session.scalars(db.select(Vote.value).where(Vote.post_id == post.id)).all()
            assert db.session.get(Post, post.id).score == sum(votes)


# --- profile endpoints ---------------------------------------------------------------------

def test_user_profile_has_the_documented_fields(app, api, world):
    accept(app, world["alice"], world["thread"], world["answer"])
    body = api.get("users/BOB").json
    assert set(body) >= USER_FIELDS
    assert body["username"] == "bob" and body["reputation"] == 16
    assert body["url"] == "/users/bob"
    assert body["badges"] == [] or isinstance(body["badges"], list)
    assert isinstance(body["kudos_received"], int)
    assert (body["answer_count"], body["accepted_count"]) == (1, 1)
    assert isinstance(body["top_tags"], list)
    assert "email" not in body and "password_hash" not in body


def test_unknown_users_are_404(api):
    assert_error(api.get("users/nobody"), 404, "not_found")
    assert_error(api.get("users/nobody/reputation"), 404, "not_found")
    assert_error(api.get("users/" + "x" * 300), 404, "not_found")


def test_reputation_history_is_a_paged_list_of_ledger_entries(app, api, world):
    for n in range(3):
        vote(app, make_user(app, f"fan{n}"), world["answer"], 1)
    body = api.get("users/bob/reputation", query_string={"per_page": 2}).json
    assert (body["total"], body["page"], body["per_page"], len(body["items"])) == (3, 1, 2, 2)
    entry = body["items"][0]
    assert set(entry) == {"delta", "reason", "post_id", "created_at"}
    assert entry["delta"] == 10 and entry["post_id"] == world["answer"].id
    assert ISO_UTC.match(entry["created_at"])
    second = api.get("users/bob/reputation", query_string={"per_page": 2, "page": 2}).json
    assert len(second["items"]) == 1
    assert_error(api.get("users/bob/reputation", query_string={"page": 0}), 422, "validation_error")
