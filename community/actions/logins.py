"""Logging in (the login form and API tokens alike), throttled against password guessing.

Failed logins are counted per login name, as typed and lower-cased, and per client address. An
unknown name is counted exactly like a real one, so no answer tells whether an account exists.
Once a name has failed LOGIN_FAILURE_LIMIT times (default 5 per 15 minutes), or an address
LOGIN_ADDRESS_FAILURE_LIMIT times (30 per 15 minutes), it is locked out: every attempt with it,
even with the right password, is refused with RateLimited (429, Retry-After) for
LOGIN_LOCKOUT_SECONDS (60). Each further lockout within a day doubles the wait (120, 240, ...)
up to LOGIN_LOCKOUT_MAX_SECONDS (an hour). A successful login clears the name's failures and
lockouts; the address keeps its count, so one working account can't keep a guessing address going.

The counters live in Redis when COMMUNITY_REDIS_URL is set (every worker sees the same ones), in
memory otherwise (community/actions/rate_limits.py). COMMUNITY_RATELIMIT_ENABLED=0 turns this off.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from flask import Flask, current_app
from limits import RateLimitItem

from ..errors import RateLimited, Unauthorized
from ..models import User
from .rate_limits import configured_limit, limits_storage, moving_window
from .users import authenticate

BAD_CREDENTIALS = "Wrong username, email or password."
LOCKOUT_MEMORY_SECONDS = 24 * 3600  # lockouts within this long of the first one keep doubling


@dataclass(frozen=True)
class FailureScope:
    """What failures are counted against: one login name, or one client address."""

    kind: str  # "login" or "address"
    value: str
    setting: str
    default_limit: str

    @property
    def key(self) -> str:
        return hashlib.sha256(self.value.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def login_scope(login: object) -> FailureScope:
    name = login.strip().lower() if isinstance(login, str) else ""
    return FailureScope("login", name, "LOGIN_FAILURE_LIMIT", "5 per 15 minutes")


def address_scope(client_address: str | None) -> FailureScope:
    return FailureScope("address", client_address or "unknown", "LOGIN_ADDRESS_FAILURE_LIMIT",
                        "30 per 15 minutes")


def log_in(login: object, password: object, client_address: str | None) -> User:
    """The user these credentials name (login = username or email).

    Raises RateLimited while the name or the address is locked out (before the password is even
    looked at), Unauthorized for wrong credentials, ValidationFailed for unstorable text.
    """
    app = current_app._get_current_object()
    scopes = [login_scope(login), address_scope(client_address)]
    if not app.config["RATELIMIT_ENABLED"]:
        return authenticate(login, password)
    _refuse_while_locked(app, scopes)
    try:
        user = authenticate(login, password)
    except Unauthorized:
        for scope in scopes:
            _record_failure(app, scope)
        raise
    forget_login_failures(app, scopes[0])
    return user


def forget_login_failures(app: Flask, scope: FailureScope) -> None:
    """Clear a name's failures and lockouts (after a successful login or a password reset)."""
    if not app.config["RATELIMIT_ENABLED"]:
        return
    moving_window(app).clear(_failure_limit(app, scope), *_window_key(scope))
    storage = limits_storage(app)
    storage.clear(_storage_key("strikes", scope))
    storage.clear(_storage_key("lock", scope))


def lockout_remaining(app: Flask, scope: FailureScope) -> int:
    """Seconds until this name or address may try again; 0 when it is not locked out."""
    storage = limits_storage(app)
    key = _storage_key("lock", scope)
    if storage.get(key) <= 0:
        return 0
    return max(1, math.ceil(storage.get_expiry(key) - time.time()))


def _refuse_while_locked(app: Flask, scopes: list[FailureScope]) -> None:
    wait = max(lockout_remaining(app, scope) for scope in scopes)
    if wait:
        raise RateLimited(f"Too many failed attempts; try again in {wait} s.", retry_after=wait)


def _record_failure(app: Flask, scope: FailureScope) -> None:
    """Count one failure; when that fills the window, start a lockout twice as long as the last."""
    limit = _failure_limit(app, scope)
    window = moving_window(app)
    window.hit(limit, *_window_key(scope))
    if window.test(limit, *_window_key(scope)):
        return
    storage = limits_storage(app)
    strikes = storage.incr(_storage_key("strikes", scope), LOCKOUT_MEMORY_SECONDS)
    base = int(app.config.get("LOGIN_LOCKOUT_SECONDS") or 60)
    longest = int(app.config.get("LOGIN_LOCKOUT_MAX_SECONDS") or 3600)
    seconds = min(base * 2 ** min(strikes - 1, 20), longest)
    lock = _storage_key("lock", scope)
    storage.clear(lock)
    storage.incr(lock, seconds)


def _failure_limit(app: Flask, scope: FailureScope) -> RateLimitItem:
    return configured_limit(app, scope.setting, scope.default_limit)


def _window_key(scope: FailureScope) -> tuple[str, str, str]:
    return ("login-failures", scope.kind, scope.key)


def _storage_key(name: str, scope: FailureScope) -> str:
    return f"login-{name}/{scope.kind}/{scope.key}"
