"""Password reset by email, with a real SMTP server in the test process (aiosmtpd): the link
arrives and works once, before it expires; asking never tells whether an account exists; asking
is rate limited; the new password replaces the old one everywhere."""

from __future__ import annotations

import email
import email.policy
import hashlib
import logging
import re
import socket
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from email.message import EmailMessage

import pytest
from flask import Flask

from tests.browsing import source_of, text_of
from tests.factories import PASSWORD, make_user
from tests.support import ApiClient, AuthActions, assert_error, csrf_token_from

NEW_PASSWORD = "a much better passphrase"
ANSWER = ("If an account exists for that username or email, we sent it an email with a link to reset "
          "the password.")
LINK = re.compile(r"(https?://\S+/password/reset/(\S+))")


class Mailbox:
    """What the in-process SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's handler hook
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Mail goes out in a background thread after the commit: wait until ``count`` arrived."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.messages) >= count, f"expected {count} emails, got {len(self.messages)}"
        return self.messages

    def settle(self) -> list[EmailMessage]:
        """Give any stray delivery a moment, then what arrived (to assert that nothing more did)."""
        time.sleep(0.5)
        return self.messages


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest.fixture
def mail_app(make_app: Callable[..., Flask], mailbox: tuple[Mailbox, int]) -> Callable[..., Flask]:
    """An app that sends mail to the test SMTP server."""
    _, port = mailbox

    def build(**overrides: object) -> Flask:
        settings = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_STARTTLS": False,
                    "MAIL_FROM": "Community <community@corp.example>", **overrides}
        return make_app(**settings)

    return build


@pytest.fixture
def box(mailbox: tuple[Mailbox, int]) -> Mailbox:
    return mailbox[0]


def ask_by_form(client, login: str):
    token = csrf_token_from(source_of(client.get("/password/forgot")))
    return client.post("/password/forgot", data={"login": login, "csrf_token": token})


def reset_by_form(client, path: str, password: str, confirm: str | None = None):
    page = client.get(path)
    token = csrf_token_from(source_of(page))
    return client.post(path, data={"password": password, "confirm": confirm or password,
                                   "csrf_token": token})


def link_in(message: EmailMessage) -> tuple[str, str]:
    """(the full link, its token)."""
    match = LINK.search(message.get_content())
    assert match, message.get_content()
    return match.group(1), match.group(2)


def can_log_in(app: Flask, login: str, password: str) -> bool:
    return ApiClient(app).post("auth/tokens", {"login": login, "password": password}).status_code == 201


def test_forgot_password_emails_a_link_that_sets_a_new_password(mail_app, box):
    app = mail_app()
    make_user(app, "alice", email="alice@corp.example", display_name="Alice Liddell")
    client = app.test_client()
    login_page = source_of(client.get("/login"))
    assert 'href="/password/forgot"' in login_page and "Forgot password?" in login_page

    answered = ask_by_form(client, "alice")
    assert answered.status_code == 200 and ANSWER in text_of(answered)
    (message,) = box.wait_for(1)
    assert message["To"] == "alice@corp.example"
    assert message["From"] == "Community <community@corp.example>"
    assert message["Subject"] == "Reset your password"
    assert "Hello Alice Liddell" in message.get_content() and "within 1 hour" in message.get_content()
    link, _ = link_in(message)
    assert link.startswith("http://localhost/password/reset/")

    path = link.removeprefix("http://localhost")
    form = client.get(path)
    assert form.status_code == 200 and "Choose a new password" in text_of(form)
    assert form.headers["Referrer-Policy"] == "no-referrer"  # the address holds the token
    assert form.headers["Cache-Control"] == "no-store"
    done = reset_by_form(client, path, NEW_PASSWORD)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    home = client.get("/")
    assert "Your password was changed, and you're logged in." in text_of(home)
    assert "Account menu for Alice Liddell" in source_of(home)
    assert not can_log_in(app, "alice", PASSWORD)
    assert can_log_in(app, "alice", NEW_PASSWORD)
    assert can_log_in(app, "alice@corp.example", NEW_PASSWORD)


def test_the_link_uses_the_configured_base_url(mail_app, box):
    app = mail_app(BASE_URL="https://community.corp.example/")
    make_user(app, "alice")
    ApiClient(app).post("auth/password-reset", {"login": "alice"})
    link, _ = link_in(box.wait_for(1)[0])
    assert link.startswith("https://community.corp.example/password/reset/")


def test_only_a_hash_of_the_token_is_stored(mail_app, box):
    from community.extensions import db
    from community.models import PasswordResetToken

    app = mail_app()
    make_user(app, "alice")
    ApiClient(app).post("auth/password-reset", {"login": "alice"})
    _, token = link_in(box.wait_for(1)[0])
    with app.app_context():
        (stored,) = db.session.scalars(db.select(PasswordResetToken)).all()
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in stored.token_hash
        assert timedelta(minutes=59) < stored.expires_at - stored.created_at <= timedelta(hours=1)


def test_unknown_names_get_the_same_answer_and_no_email(mail_app, box):
    app = mail_app()
    make_user(app, "alice", email="alice@corp.example")
    client = app.test_client()
    unknown = ask_by_form(client, "nobody@corp.example")
    known = ask_by_form(client, "alice@corp.example")
    assert unknown.status_code == known.status_code == 200
    assert text_of(unknown) == text_of(known)
    api = ApiClient(app)
    for login in ["no-such-user", "alice"]:
        response = api.post("auth/password-reset", {"login": login})
        assert response.status_code == 202
        assert response.json == {"message": ANSWER}
    box.wait_for(2)
    assert [m["To"] for m in box.settle()] == ["alice@corp.example", "alice@corp.example"]


def test_an_expired_link_is_refused(mail_app, box):
    from community.extensions import db
    from community.models import PasswordResetToken
    from community.models.base import utcnow

    app = mail_app()
    make_user(app, "alice")
    ApiClient(app).post("auth/password-reset", {"login": "alice"})
    link, token = link_in(box.wait_for(1)[0])
    with app.app_context():  # an hour and a minute pass
        db.session.execute(db.update(PasswordResetToken).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    page = app.test_client().get(link.removeprefix("http://localhost"))
    assert page.status_code == 404
    assert "This reset link is invalid, has expired or was already used." in text_of(page)
    assert 'href="/password/forgot"' in source_of(page)
    response = ApiClient(app).post("auth/password-reset/confirm", {"token": token, "password": NEW_PASSWORD})
    assert assert_error(response, 422, "validation_error")["fields"] == {
        "token": "is invalid, expired or already used"}
    assert can_log_in(app, "alice", PASSWORD)


def test_a_link_works_only_once(mail_app, box):
    app = mail_app()
    make_user(app, "alice")
    api = ApiClient(app)
    api.post("auth/password-reset", {"login": "alice"})
    link, token = link_in(box.wait_for(1)[0])
    confirmed = api.post("auth/password-reset/confirm", {"token": token, "password": NEW_PASSWORD})
    assert confirmed.status_code == 200 and confirmed.json["user"]["username"] == "alice"
    again = api.post("auth/password-reset/confirm", {"token": token, "password": "yet another one"})
    assert_error(again, 422, "validation_error")
    page = app.test_client().get(link.removeprefix("http://localhost"))
    assert page.status_code == 404 and "already used" in text_of(page)
    assert can_log_in(app, "alice", NEW_PASSWORD) and not can_log_in(app, "alice", "yet another one")


def test_using_one_link_invalidates_the_others(mail_app, box):
    app = mail_app()
    make_user(app, "alice")
    api = ApiClient(app)
    api.post("auth/password-reset", {"login": "alice"})
    api.post("auth/password-reset", {"login": "alice"})
    first, second = (link_in(message)[1] for message in box.wait_for(2))
    assert first != second
    used = api.post("auth/password-reset/confirm", {"token": second, "password": NEW_PASSWORD})
    assert used.status_code == 200
    stale = api.post("auth/password-reset/confirm", {"token": first, "password": "an attacker's choice"})
    assert_error(stale, 422, "validation_error")
    assert can_log_in(app, "alice", NEW_PASSWORD)


def test_a_reset_ends_other_sessions_and_revokes_api_tokens(mail_app, box):
    app = mail_app()
    alice = make_user(app, "alice")
    elsewhere = app.test_client()
    AuthActions(elsewhere).login("alice")
    assert "Account menu for" in source_of(elsewhere.get("/"))
    with_token = ApiClient(app).as_user(alice)
    assert with_token.get("me").status_code == 200

    ApiClient(app).post("auth/password-reset", {"login": "alice"})
    _, token = link_in(box.wait_for(1)[0])
    ApiClient(app).post("auth/password-reset/confirm", {"token": token, "password": NEW_PASSWORD})

    assert "Account menu for" not in source_of(elsewhere.get("/"))
    assert_error(with_token.get("me"), 401, "unauthorized")


def test_a_reset_lifts_a_login_lockout(mail_app, box):
    app = mail_app(RATELIMIT_ENABLED=True)
    make_user(app, "alice", email="alice@corp.example")
    api = ApiClient(app)
    for _ in range(5):
        api.post("auth/tokens", {"login": "alice", "password": "guess"})
    assert_error(api.post("auth/tokens", {"login": "alice", "password": PASSWORD}), 429, "rate_limited")
    api.post("auth/password-reset", {"login": "alice@corp.example"})
    _, token = link_in(box.wait_for(1)[0])
    api.post("auth/password-reset/confirm", {"token": token, "password": NEW_PASSWORD})
    assert can_log_in(app, "alice", NEW_PASSWORD)


def test_the_new_password_must_be_long_enough_and_confirmed(mail_app, box):
    app = mail_app()
    make_user(app, "alice")
    client = app.test_client()
    ask_by_form(client, "alice")
    link, token = link_in(box.wait_for(1)[0])
    path = link.removeprefix("http://localhost")
    mismatch = reset_by_form(client, path, NEW_PASSWORD, "something else entirely")
    assert mismatch.status_code == 422 and "must match the new password" in text_of(mismatch)
    short = reset_by_form(client, path, "short", "short")
    assert short.status_code == 422 and "at least 8 characters" in text_of(short)
    error = assert_error(ApiClient(app).post("auth/password-reset/confirm",
                                             {"token": token, "password": "1234567"}), 422,
                         "validation_error")
    assert set(error["fields"]) == {"password"}
    assert can_log_in(app, "alice", PASSWORD)  # nothing changed, and the link still works
    assert reset_by_form(client, path, NEW_PASSWORD).status_code == 302


def test_asking_needs_a_login_name(mail_app):
    app = mail_app()
    error = assert_error(ApiClient(app).post("auth/password-reset", {"login": "  "}), 422,
                         "validation_error")
    assert set(error["fields"]) == {"login"}
    assert_error(ApiClient(app).post("auth/password-reset", {}), 422, "validation_error")
    assert_error(ApiClient(app).post("auth/password-reset/confirm", {"token": "x"}), 422,
                 "validation_error")


def test_asking_is_rate_limited_per_name_known_or_not(mail_app, box):
    app = mail_app(RATELIMIT_ENABLED=True)
    make_user(app, "alice")
    api = ApiClient(app)
    answers = {}
    for login in ["alice", "nobody"]:
        answers[login] = [api.post("auth/password-reset", {"login": login}) for _ in range(4)]
    for login, responses in answers.items():
        assert [r.status_code for r in responses] == [202, 202, 202, 429], login
        assert assert_error(responses[3], 429, "rate_limited")["message"].startswith(
            "Too many reset requests; try again in")
        assert 3500 < int(responses[3].headers["Retry-After"]) <= 3600
    assert len(box.wait_for(3)) == 3
    assert len(box.settle()) == 3
    page = ask_by_form(app.test_client(), "ALICE")
    assert page.status_code == 429 and "Too many reset requests" in text_of(page)


def test_asking_is_rate_limited_per_address(mail_app):
    app = mail_app(RATELIMIT_ENABLED=True, PASSWORD_RESET_ADDRESS_LIMIT="4 per hour")
    api = ApiClient(app)
    statuses = [api.post("auth/password-reset", {"login": f"name{n}"}).status_code for n in range(5)]
    assert statuses == [202, 202, 202, 202, 429]
    other = api.post("auth/password-reset", {"login": "name9"}, environ_base={"REMOTE_ADDR": "198.51.100.3"})
    assert other.status_code == 202


def test_the_pages_are_open_when_reading_needs_a_login(mail_app, box):
    app = mail_app(LOGIN_REQUIRED=True)
    make_user(app, "alice")
    client = app.test_client()
    assert client.get("/password/forgot").status_code == 200
    assert ask_by_form(client, "alice").status_code == 200
    link, token = link_in(box.wait_for(1)[0])
    assert client.get(link.removeprefix("http://localhost")).status_code == 200
    confirmed = ApiClient(app).post("auth/password-reset/confirm", {"token": token, "password": NEW_PASSWORD})
    assert confirmed.status_code == 200


def test_nothing_is_sent_when_the_transaction_rolls_back(mail_app, box):
    from community.actions.password_resets import request_password_reset
    from community.db import atomic
    from community.extensions import db
    from community.models import PasswordResetToken

    app = mail_app()
    make_user(app, "alice")
    with app.app_context():
        with pytest.raises(RuntimeError), atomic():  # an outer unit of work that fails after the ask
            request_password_reset("alice", "127.0.0.1", "http://localhost")
            raise RuntimeError("something later in the same transaction failed")
        assert db.session.scalars(db.select(PasswordResetToken)).all() == []
    assert box.settle() == []


def test_without_smtp_development_logs_the_link_and_production_does_not(caplog):
    from community.mail import OutgoingEmail, deliver

    message = OutgoingEmail(to="alice@corp.example", subject="Reset your password",
                            body="Open http://localhost/password/reset/abc", sender="community@localhost")
    with caplog.at_level(logging.WARNING, logger="community.mail"):
        deliver({"ENV": "development", "SMTP_HOST": ""}, message)
        deliver({"ENV": "production", "SMTP_HOST": ""}, message)
    development, production = caplog.records
    assert development.levelno == logging.WARNING
    assert "http://localhost/password/reset/abc" in development.getMessage()
    assert production.levelno == logging.ERROR
    assert "COMMUNITY_SMTP_HOST is not set" in production.getMessage()
    assert "/password/reset/" not in production.getMessage()


def test_an_unreachable_mail_server_never_fails_the_request(make_app, caplog):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=closed_port, SMTP_STARTTLS=False)
    make_user(app, "alice")
    with caplog.at_level(logging.ERROR, logger="community.mail"):
        assert ApiClient(app).post("auth/password-reset", {"login": "alice"}).status_code == 202
        deadline = time.monotonic() + 10
        while not caplog.records and time.monotonic() < deadline:
            time.sleep(0.02)
    assert "could not send" in caplog.records[0].getMessage()
