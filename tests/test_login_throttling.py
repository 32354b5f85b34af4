"""Failed logins are throttled per login name and per client address, with a lockout that doubles
while the failures go on; the refusal is the same for names that exist and names that don't.
Counters in memory, and in Redis (shared by every worker) when COMMUNITY_TEST_REDIS_URL is set."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from tests.browsing import source_of, text_of
from tests.factories import PASSWORD, make_user
from tests.servers import rate_limited_apps
from tests.support import ApiClient, AuthActions, assert_error


@pytest.fixture(params=["memory", "redis"])
def throttled(request: pytest.FixtureRequest, make_app: Callable[..., Flask]) -> Iterator[Callable]:
    """make_app with rate limits on, counting in memory or in a Redis key prefix of its own."""
    yield from rate_limited_apps(request.param, make_app)


def token_attempt(api: ApiClient, login: str, password: str = "wrong password", **kwargs):
    return api.post("auth/tokens", {"login": login, "password": password}, **kwargs)


def wait_of(response) -> int:
    """The Retry-After of a refusal, rounded up to whole ten seconds (the clock runs meanwhile)."""
    assert response.status_code == 429, response.get_data(as_text=True)
    return -(-int(response.headers["Retry-After"]) // 10) * 10


def end_lockout(app: Flask, login: str = "", address: str = "127.0.0.1") -> None:
    """Let the current lockout run out (as waiting would), keeping the failure history."""
    from community.actions.logins import address_scope, login_scope
    from community.actions.rate_limits import limits_storage

    storage = limits_storage(app)
    for scope in (login_scope(login), address_scope(address)):
        storage.clear(f"login-lock/{scope.kind}/{scope.key}")


def test_five_failures_lock_the_account_out_with_429_and_retry_after(throttled):
    app = throttled()
    make_user(app, "alice")
    api = ApiClient(app)
    for _ in range(5):
        assert_error(token_attempt(api, "alice"), 401, "unauthorized")
    refused = token_attempt(api, "alice", PASSWORD)  # even the right password is refused now
    error = assert_error(refused, 429, "rate_limited")
    assert wait_of(refused) == 60
    assert error["message"] == f"Too many failed attempts; try again in {refused.headers['Retry-After']} s."


def test_the_lockout_doubles_while_failures_go_on(throttled):
    app = throttled()
    make_user(app, "alice")
    api = ApiClient(app)
    for _ in range(5):
        token_attempt(api, "alice")
    waits = []
    for _ in range(4):
        waits.append(wait_of(token_attempt(api, "alice")))
        end_lockout(app, "alice")
        assert_error(token_attempt(api, "alice"), 401, "unauthorized")  # one more try, wrong again
    assert waits == [60, 120, 240, 480]


def test_the_lockout_stops_growing_at_the_maximum(throttled):
    app = throttled(LOGIN_LOCKOUT_SECONDS=100, LOGIN_LOCKOUT_MAX_SECONDS=250)
    make_user(app, "alice")
    api = ApiClient(app)
    waits = []
    for _ in range(5):
        token_attempt(api, "alice")
    for _ in range(3):
        waits.append(wait_of(token_attempt(api, "alice")))
        end_lockout(app, "alice")
        token_attempt(api, "alice")
    assert waits == [100, 200, 250]


def test_a_successful_login_resets_the_count(throttled):
    app = throttled()
    make_user(app, "alice")
    api = ApiClient(app)
    for _ in range(4):
        token_attempt(api, "alice")
    assert token_attempt(api, "alice", PASSWORD).status_code == 201
    for _ in range(4):
        assert_error(token_attempt(api, "alice"), 401, "unauthorized")
    assert token_attempt(api, "alice", PASSWORD).status_code == 201


def test_after_a_lockout_a_successful_login_starts_the_backoff_over(throttled):
    app = throttled()
    make_user(app, "alice")
    api = ApiClient(app)
    for _ in range(5):
        token_attempt(api, "alice")
    end_lockout(app, "alice")
    assert token_attempt(api, "alice", PASSWORD).status_code == 201
    for _ in range(5):
        assert_error(token_attempt(api, "alice"), 401, "unauthorized")
    assert wait_of(token_attempt(api, "alice")) == 60


def test_names_are_counted_case_insensitively(throttled):
    app = throttled()
    make_user(app, "alice")
    api = ApiClient(app)
    for name in ["alice", "ALICE", "Alice", " alice", "aLiCe"]:
        token_attempt(api, name)
    assert_error(token_attempt(api, "alice", PASSWORD), 429, "rate_limited")


def test_unknown_names_are_refused_exactly_like_real_ones(throttled):
    app = throttled()
    make_user(app, "alice")
    api = ApiClient(app)
    answers: dict[str, list] = {}
    for name in ["alice", "nobody-here"]:
        answers[name] = []
        for _ in range(6):
            response = token_attempt(api, name)
            error = {**response.json["error"],  # the seconds left may tick between the two
                     "message": re.sub(r"\d+ s\.", "N s.", response.json["error"]["message"])}
            wait = wait_of(response) if response.status_code == 429 else None
            answers[name].append((response.status_code, error, wait))
    assert answers["alice"] == answers["nobody-here"]
    assert [status for status, _, _ in answers["alice"]] == [401] * 5 + [429]


def test_the_login_form_says_how_long_to_wait(throttled):
    app = throttled()
    make_user(app, "alice")
    client = app.test_client()
    auth = AuthActions(client)
    for _ in range(5):
        assert auth.login("alice", "wrong password").status_code == 401
    refused = auth.login("alice")
    assert wait_of(refused) == 60
    assert f"Too many failed attempts; try again in {refused.headers['Retry-After']} s." in text_of(refused)
    assert 'value="alice"' in source_of(refused)
    assert "Account menu for" not in source_of(client.get("/"))


def test_the_form_and_the_api_share_the_count(throttled):
    app = throttled()
    make_user(app, "alice")
    auth = AuthActions(app.test_client())
    for _ in range(3):
        auth.login("alice", "wrong password")
    api = ApiClient(app)
    for _ in range(2):
        token_attempt(api, "alice")
    assert auth.login("alice").status_code == 429


def test_one_address_guessing_many_names_is_locked_out(throttled):
    app = throttled(LOGIN_ADDRESS_FAILURE_LIMIT="8 per 15 minutes")
    make_user(app, "alice")
    api = ApiClient(app)
    for n in range(8):
        assert_error(token_attempt(api, f"name{n}"), 401, "unauthorized")
    assert_error(token_attempt(api, "alice", PASSWORD), 429, "rate_limited")
    elsewhere = {"REMOTE_ADDR": "198.51.100.7"}
    assert token_attempt(api, "alice", PASSWORD, environ_base=elsewhere).status_code == 201


def test_a_locked_name_is_locked_from_every_address(throttled):
    app = throttled()
    make_user(app, "alice")
    api = ApiClient(app)
    for n in range(5):
        token_attempt(api, "alice", environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
    refused = token_attempt(api, "alice", PASSWORD, environ_base={"REMOTE_ADDR": "203.0.113.1"})
    assert_error(refused, 429, "rate_limited")


def test_another_account_is_not_affected(throttled):
    app = throttled()
    make_user(app, "alice")
    make_user(app, "bob")
    api = ApiClient(app)
    for _ in range(6):
        token_attempt(api, "alice")
    assert token_attempt(api, "bob", PASSWORD).status_code == 201


def test_behind_a_proxy_each_client_address_is_counted_apart(throttled):
    app = throttled(PROXY_COUNT=1, LOGIN_ADDRESS_FAILURE_LIMIT="3 per 15 minutes")
    make_user(app, "alice")
    api = ApiClient(app)
    for n in range(3):
        token_attempt(api, f"name{n}", headers={"X-Forwarded-For": "203.0.113.5"})
    assert token_attempt(api, "alice", PASSWORD,
                         headers={"X-Forwarded-For": "203.0.113.6"}).status_code == 201
    refused = token_attempt(api, "alice", PASSWORD, headers={"X-Forwarded-For": "203.0.113.5"})
    assert_error(refused, 429, "rate_limited")


def test_switched_off_with_ratelimit_enabled_0(app):
    make_user(app, "alice")
    api = ApiClient(app)
    for _ in range(12):
        assert_error(token_attempt(api, "alice"), 401, "unauthorized")
    assert token_attempt(api, "alice", PASSWORD).status_code == 201
