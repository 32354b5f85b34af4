"""Forgotten passwords: ask for a reset link by email, then set a new password with it.

Asking (``request_password_reset``) answers the same whatever was typed, so nobody learns which
accounts exist: when the username or email names an account, a random token is stored (as its
sha256 only) with an expiry of COMMUNITY_PASSWORD_RESET_HOURS (1) and, once that commits, an
email with the link ``<site>/password/reset/<token>`` goes out; otherwise nothing happens. Asking
is rate limited per login name as typed (PASSWORD_RESET_LIMIT, 3 an hour) and per client address
(PASSWORD_RESET_ADDRESS_LIMIT, 10 an hour), known names or not.

Using a link (``reset_password``) works once, before it expires. It sets the new password, marks
that token and every other outstanding one of the user as used, revokes the user's API tokens,
and clears the account's failed-login lockout. Sessions made with the old password end as well:
a session remembers a stamp of the password hash (User.get_id), which no longer matches.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, current_app
from sqlalchemy import delete, select, update

from ..db import atomic, on_commit
from ..errors import RateLimited, ValidationFailed
from ..extensions import db
from ..mail import OutgoingEmail, send_later
from ..models import ApiToken, PasswordResetToken, User
from ..models.base import utcnow
from ..models.users import token_digest
from ..text.validation import text_problem
from .logins import forget_login_failures, login_scope
from .rate_limits import configured_limit, moving_window, seconds_until_allowed
from .users import MIN_PASSWORD, hash_password

RESET_PATH = "/password/reset/"
MAX_PASSWORD = 1024
REQUEST_ANSWER = ("If an account exists for that username or email, we sent it an email with a link "
                  "to reset the password.")
INVALID_TOKEN = "This reset link is invalid, has expired or was already used."


def request_password_reset(login: object, client_address: str | None, site_url: str) -> None:
    """Email a reset link if ``login`` (username or email) names an account; silent otherwise."""
    if not isinstance(login, str) or text_problem(login) or not login.strip():
        raise ValidationFailed({"login": "must be your username or email address"})
    key = login.strip().lower()[:254]
    _check_request_rate(key, client_address)
    with atomic():
        user = db.session.scalar(select(User).where(
            (User.username_key == key) | (User.email == key)))
        if user is None or user.email.endswith(".invalid"):  # no account, or one that gets no mail
            return
        token = secrets.token_urlsafe(32)
        hours = int(current_app.config.get("PASSWORD_RESET_HOURS") or 1)
        db.session.add(PasswordResetToken(user_id=user.id, token_hash=token_digest(token),
                                          expires_at=utcnow() + timedelta(hours=hours)))
        on_commit(send_later, reset_email(user, site_url.rstrip("/") + RESET_PATH + token, hours))


def reset_email(user: User, link: str, hours: int) -> OutgoingEmail:
    app = current_app._get_current_object()
    valid_for = "1 hour" if hours == 1 else f"{hours} hours"
    body = (f"Hello {user.name},\n\n"
            f"Someone (hopefully you) asked to reset the password of your account "
            f"\"{user.username}\".\nTo choose a new password, open this link within {valid_for}:"
            f"\n\n{link}\n\nThe link works once. If you didn't ask for this, ignore this email: "
            f"your password stays as it is.\n")
    return OutgoingEmail(to=user.email, subject="Reset your password", body=body,
                         sender=mail_sender(app, link))


def mail_sender(app: Flask, link: str) -> str:
    """COMMUNITY_MAIL_FROM, else community@<the site's host>."""
    configured = str(app.config.get("MAIL_FROM") or "")
    return configured or f"community@{urlsplit(link).hostname or 'localhost'}"


def check_reset_token(token: object) -> PasswordResetToken:
    """The stored token for this link if it can still be used; ValidationFailed otherwise."""
    if not isinstance(token, str) or text_problem(token) or not 20 <= len(token) <= 200:
        raise ValidationFailed({"token": "is invalid, expired or already used"}, INVALID_TOKEN)
    stored = db.session.scalar(select(PasswordResetToken).where(
        PasswordResetToken.token_hash == token_digest(token)))
    if stored is None or stored.used_at is not None or stored.expires_at <= utcnow():
        raise ValidationFailed({"token": "is invalid, expired or already used"}, INVALID_TOKEN)
    return stored


def reset_password(token: object, password: object) -> User:
    """Set a new password with a reset link's token; the token and its siblings are spent."""
    password = _check_new_password(password)
    with atomic():
        stored = check_reset_token(token)
        now = utcnow()
        spent = db.session.execute(
            update(PasswordResetToken)
            .where(PasswordResetToken.id == stored.id, PasswordResetToken.used_at.is_(None))
            .values(used_at=now).execution_options(synchronize_session=False))
        if spent.rowcount != 1:  # a concurrent reset with the same link got there first
            raise ValidationFailed({"token": "is invalid, expired or already used"}, INVALID_TOKEN)
        db.session.execute(
            update(PasswordResetToken)
            .where(PasswordResetToken.user_id == stored.user_id, PasswordResetToken.used_at.is_(None))
            .values(used_at=now).execution_options(synchronize_session=False))
        db.session.execute(delete(ApiToken).where(ApiToken.user_id == stored.user_id))
        user = db.session.get(User, stored.user_id, with_for_update=True)
        user.password_hash = hash_password(password)
        names = (user.username, user.email)
    app = current_app._get_current_object()
    for name in names:
        forget_login_failures(app, login_scope(name))
    return user


def _check_new_password(password: object) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ValidationFailed({"password": f"must be at least {MIN_PASSWORD} characters"})
    if len(password) > MAX_PASSWORD:
        raise ValidationFailed({"password": f"must be at most {MAX_PASSWORD:,} characters"})
    if problem := text_problem(password):
        raise ValidationFailed({"password": problem})
    return password


def _check_request_rate(key: str, client_address: str | None) -> None:
    app = current_app._get_current_object()
    if not app.config["RATELIMIT_ENABLED"]:
        return
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    limits = [(configured_limit(app, "PASSWORD_RESET_LIMIT", "3 per hour"), ("reset-login", digest)),
              (configured_limit(app, "PASSWORD_RESET_ADDRESS_LIMIT", "10 per hour"),
               ("reset-address", client_address or "unknown"))]
    window = moving_window(app)
    for item, identifiers in limits:
        if not window.hit(item, *identifiers):
            wait = seconds_until_allowed(app, item, *identifiers)
            raise RateLimited(f"Too many reset requests; try again in {wait} s.", retry_after=wait)
