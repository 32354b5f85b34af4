"""Voting on questions and answers over the API."""

from __future__ import annotations

import pytest

from community.models import Role
from tests.factories import make_answer, make_thread, make_user
from tests.support import assert_error


@pytest.fixture
def world(app):
    """alice asks, bob answers; carol votes (with enough reputation to downvote)."""
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    carol = make_user(app, "carol", reputation=50)
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread)
    return {"alice": alice, "bob": bob, "carol": carol, "thread": thread, "answer": answer}


def ledger(api, username):
    return api.get(f"users/{username}/reputation", query_string={"per_page": 100}).json["items"]


@pytest.mark.parametrize(("value", "score"), [(1, 1), (-1, -1), (0, 0)])
def test_vote_returns_post_id_score_and_my_vote(api, world, value, score):
    answer = world["answer"]
    response = api.as_user(world["carol"]).post(f"posts/{answer.id}/vote", {"value": value})
    assert response.status_code == 200
    assert response.json == {"post_id": answer.id, "score": score, "my_vote": value}


def test_votes_on_questions_count_too(api, world):
    thread = world["thread"]
    response = api.as_user(world["bob"]).post(f"posts/{thread.id}/vote", {"value": 1})
    assert response.json == {"post_id": thread.id, "score": 1, "my_vote": 1}
    assert api.get(f"threads/{thread.id}").json["score"] == 1


def test_changing_and_removing_a_vote_moves_the_score(api, world):
    client, answer = api.as_user(world["carol"]), world["answer"]
    assert client.post(f"posts/{answer.id}/vote", {"value": 1}).json["score"] == 1
    assert client.post(f"posts/{answer.id}/vote", {"value": -1}).json["score"] == -1
    assert client.post(f"posts/{answer.id}/vote", {"value": 0}).json == {
        "post_id": answer.id, "score": 0, "my_vote": 0}
    assert client.post(f"posts/{answer.id}/vote", {"value": 0}).json["score"] == 0


def test_one_vote_per_user_per_post(app, api, world):
    answer = world["answer"]
    voters = [world["carol"], make_user(app, "dave")]
    for voter in voters:
        api.as_user(voter).post(f"posts/{answer.id}/vote", {"value": 1})
        api.as_user(voter).post(f"posts/{answer.id}/vote", {"value": 1})
    assert api.get(f"threads/{world['thread'].id}").json["answers"][0]["score"] == 2


def test_the_same_vote_twice_changes_nothing(api, world):
    client, answer = api.as_user(world["carol"]), world["answer"]
    first = client.post(f"posts/{answer.id}/vote", {"value": 1}).json
    before = ledger(api, "bob")
    second = client.post(f"posts/{answer.id}/vote", {"value": 1})
    assert second.status_code == 200 and second.json == first
    assert ledger(api, "bob") == before
    assert api.get("users/bob").json["reputation"] == 11


def test_my_vote_is_shown_on_the_thread(api, world):
    client, thread, answer = api.as_user(world["carol"]), world["thread"], world["answer"]
    client.post(f"posts/{answer.id}/vote", {"value": -1})
    client.post(f"posts/{thread.id}/vote", {"value": 1})
    body = client.get(f"threads/{thread.id}").json
    assert body["my_vote"] == 1 and body["answers"][0]["my_vote"] == -1
    anonymous = api.get(f"threads/{thread.id}").json
    assert anonymous["my_vote"] == 0 and anonymous["answers"][0]["my_vote"] == 0


def test_voting_on_your_own_post_is_403(api, world):
    for user, post in ((world["bob"], world["answer"]), (world["alice"], world["thread"])):
        error = assert_error(api.as_user(user).post(f"posts/{post.id}/vote", {"value": 1}),
                             403, "forbidden")
        assert "own" in error["message"]
    assert api.get(f"threads/{world['thread'].id}").json["score"] == 0


def test_downvoting_needs_50_reputation_and_says_so(app, api, world):
    newcomer = make_user(app, "newcomer", reputation=49)
    error = assert_error(api.as_user(newcomer).post(f"posts/{world['answer'].id}/vote",
                                                    {"value": -1}), 403, "forbidden")
    assert "50 reputation" in error["message"]
    assert api.get(f"threads/{world['thread'].id}").json["answers"][0]["score"] == 0
    assert api.as_user(newcomer).post(f"posts/{world['answer'].id}/vote",
                                      {"value": 1}).status_code == 200


def test_the_downvote_threshold_is_configurable(make_app):
    app = make_app(PRIVILEGE_DOWNVOTE=5)
    alice, voter = make_user(app, "alice"), make_user(app, "voter", reputation=5)
    thread = make_thread(app, alice)
    from tests.support import ApiClient

    response = ApiClient(app).as_user(voter).post(f"posts/{thread.id}/vote", {"value": -1})
    assert response.status_code == 200 and response.json["score"] == -1


def test_moderators_may_downvote_without_reputation(app, api, world):
    moderator = make_user(app, "mod", role=Role.MODERATOR)
    response = api.as_user(moderator).post(f"posts/{world['answer'].id}/vote", {"value": -1})
    assert response.status_code == 200


@pytest.mark.parametrize("value", [2, -2, "1", 1.0, None, "up"])
def test_vote_values_other_than_1_minus_1_and_0_are_422(api, world, value):
    response = api.as_user(world["carol"]).post(f"posts/{world['answer'].id}/vote",
                                                {"value": value})
    assert "value" in assert_error(response, 422, "validation_error")["fields"]


def test_a_vote_needs_a_value(api, world):
    response = api.as_user(world["carol"]).post(f"posts/{world['answer'].id}/vote", {})
    assert assert_error(response, 422, "validation_error")["fields"] == {"value": "is required"}


def test_anonymous_votes_are_401(api, world):
    assert_error(api.post(f"posts/{world['answer'].id}/vote", {"value": 1}), 401, "unauthorized")
