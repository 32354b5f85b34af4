"""Posting limits: questions, answers and shared resources per member in a moving window, tighter
for new members, none for moderators, off with COMMUNITY_RATELIMIT_ENABLED=0. Counters in memory,
and in Redis (shared by every worker) when COMMUNITY_TEST_REDIS_URL is set."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from community.models import Role
from tests.browsing import source_of, submit, text_of
from tests.factories import make_thread, make_user
from tests.servers import rate_limited_apps
from tests.support import ApiClient, AuthActions, assert_error

LIMITS = {"NEW_MEMBER_POST_LIMIT": "2 per hour", "MEMBER_POST_LIMIT": "4 per hour"}
SLOW_DOWN = re.compile(r"^Slow down: (new members|members) may post (\d+) times an hour; "
                       r"try again in (\d+) s\.$")


@pytest.fixture(params=["memory", "redis"])
def limited(request: pytest.FixtureRequest, make_app: Callable[..., Flask]) -> Iterator[Callable[..., Flask]]:
    """make_app with rate limits on and small posting limits, counting in memory or in a Redis
    key prefix of its own (each call with Redis shares the counters, like workers do)."""
    yield from rate_limited_apps(request.param, make_app, **LIMITS)


def ask(client: ApiClient, n: int):
    return client.post("threads", {"title": f"Question number {n} about pivots", "body": "Details."})


def answer(client: ApiClient, thread_id: int, n: int):
    return client.post(f"threads/{thread_id}/answers", {"body": f"Answer number {n}."})


def share(client: ApiClient, n: int):
    return client.post("resources", {"url": f"https://learn.example.com/guide/{n}", "title": f"Guide {n}"})


def assert_slowed_down(response, who: str, amount: int) -> int:
    """The 429 envelope with its Retry-After; returns the wait in seconds."""
    error = assert_error(response, 429, "rate_limited")
    wait = int(response.headers["Retry-After"])
    assert 3500 <= wait <= 3600
    assert error["retry_after"] == wait  # in the envelope too, as a socket ack carries it
    match = SLOW_DOWN.match(error["message"])
    assert match, error["message"]
    assert match.groups() == (who, str(amount), str(wait))
    return wait


def test_a_new_member_is_slowed_down_after_the_limit_across_questions_answers_and_resources(limited):
    app = limited()
    thread = make_thread(app, make_user(app, "owner", role=Role.MODERATOR))
    client = ApiClient(app).as_user(make_user(app, "newbie"))
    assert ask(client, 1).status_code == 201
    assert answer(client, thread.id, 2).status_code == 201
    assert_slowed_down(share(client, 3), "new members", 2)
    assert_slowed_down(ask(client, 4), "new members", 2)
    assert_slowed_down(answer(client, thread.id, 5), "new members", 2)
    other = ApiClient(app).as_user(make_user(app, "someone"))  # the limit is per member
    assert share(other, 6).status_code == 201


def test_refused_posts_do_not_count(limited):
    app = limited()
    client = ApiClient(app).as_user(make_user(app, "newbie"))
    for _ in range(3):
        assert_error(client.post("threads", {"title": "Short", "body": "x"}), 422, "validation_error")
    assert ask(client, 1).status_code == 201 and ask(client, 2).status_code == 201


def test_members_with_reputation_get_the_relaxed_limit(limited):
    app = limited()
    client = ApiClient(app).as_user(make_user(app, "regular", reputation=15))
    for n in range(4):
        assert ask(client, n).status_code == 201
    assert_slowed_down(ask(client, 5), "members", 4)


def test_moderators_have_no_posting_limit(limited):
    app = limited()
    client = ApiClient(app).as_user(make_user(app, "mod", role=Role.MODERATOR))
    for n in range(6):
        assert ask(client, n).status_code == 201


def test_limits_are_read_at_run_time_and_off_with_ratelimit_disabled(make_app):
    app = make_app(RATELIMIT_ENABLED=False, **LIMITS)
    client = ApiClient(app).as_user(make_user(app, "newbie"))
    for n in range(5):
        assert ask(client, n).status_code == 201


def test_workers_sharing_redis_share_the_count(limited, request):
    if "redis" not in request.node.callspec.id:
        pytest.skip("memory counters belong to one process")
    first, second = limited(), limited()
    user = make_user(first, "newbie")
    assert ask(ApiClient(first).as_user(user), 1).status_code == 201
    assert ask(ApiClient(second).as_user(user), 2).status_code == 201
    assert_slowed_down(ask(ApiClient(first).as_user(user), 3), "new members", 2)


def test_the_forms_show_the_message_and_keep_what_was_typed(limited):
    app = limited(NEW_MEMBER_POST_LIMIT="1 per hour")
    thread = make_thread(app, make_user(app, "owner", role=Role.MODERATOR))
    make_user(app, "newbie")
    client = app.test_client()
    AuthActions(client).login("newbie")
    assert submit(client, "/questions/ask", {"title": "My first question here", "body": "Hello",
                                             "tags": ""}).status_code == 302
    refused = submit(client, "/questions/ask", {"title": "My second question here", "body": "Again",
                                                "tags": ""})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Slow down: new members may post 1 time an hour; try again in" in text_of(refused)
    assert 'value="My second question here"' in source_of(refused)
    answered = submit(client, f"/questions/{thread.id}/answers", {"body": "My draft answer"})
    assert answered.status_code == 429 and answered.headers["Retry-After"]
    assert "Slow down" in text_of(answered) and "My draft answer" in source_of(answered)
    shared = submit(client, "/resources/new", {"url": "https://learn.example.com/x", "title": "X"})
    assert shared.status_code == 429 and "Slow down" in text_of(shared)
