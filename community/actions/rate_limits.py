"""The counters behind the actions' rate limits (chat messages, logins, password resets).

They live in Redis when COMMUNITY_REDIS_URL is set, so every worker shares them (keys under
COMMUNITY_REDIS_PREFIX + "limits"), and in this process's memory otherwise; RATELIMIT_STORAGE_URI
(derived from COMMUNITY_REDIS_URL, and shared with Flask-Limiter) names the storage. Limits are written in
the `limits` package's notation ("5 per 15 minutes"). COMMUNITY_RATELIMIT_ENABLED=0 switches them
off; the callers check it.

While Redis is unreachable the counters fall back to this process's memory (limits still hold, per
process), so a Redis outage never turns a post or a login into a 500; Redis is tried again
RETRY_REDIS_SECONDS after a failure, and its counters are used as soon as it answers.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from flask import Flask
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, MovingWindowSupport, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)

_STORAGE_KEY = "community_rate_limit_storage"
_LIMITER_KEY = "community_rate_limiter"
RETRY_REDIS_SECONDS = 5.0
REDIS_TIMEOUT_SECONDS = 2.0  # a Redis that hangs costs a request this long, once per retry


class MemoryFallbackStorage(Storage, MovingWindowSupport):
    """Redis counters that fall back to this process's memory while Redis fails."""

    STORAGE_SCHEME = None

    def __init__(self, primary: Storage) -> None:
        super().__init__()
        self.primary, self.fallback = primary, MemoryStorage()
        self._retry_at: float | None = None  # set while Redis is failing

    @property
    def base_exceptions(self) -> tuple[type[Exception], ...]:
        return ()  # nothing to wrap: _call handles every failure of the primary

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if self._retry_at is None or time.monotonic() >= self._retry_at:
            try:
                result = getattr(self.primary, method)(*args, **kwargs)
            except self.primary.base_exceptions as exc:
                if self._retry_at is None:
                    log.warning("Redis failed (%s); rate-limit counters are in memory for now", exc)
                self._retry_at = time.monotonic() + RETRY_REDIS_SECONDS
            else:
                if self._retry_at is not None:
                    log.warning("Redis answers again; rate-limit counters are back in Redis")
                self._retry_at = None
                return result
        return getattr(self.fallback, method)(*args, **kwargs)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self._call("incr", key, expiry, amount=amount)

    def get(self, key: str) -> int:
        return self._call("get", key)

    def get_expiry(self, key: str) -> float:
        return self._call("get_expiry", key)

    def check(self) -> bool:
        return self._call("check")

    def reset(self) -> int | None:
        return self._call("reset")

    def clear(self, key: str) -> None:
        self._call("clear", key)

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        return self._call("acquire_entry", key, limit, expiry, amount=amount)

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        return self._call("get_moving_window", key, limit, expiry)


def limits_storage(app: Flask) -> Storage:
    """This app's counter storage, made once."""
    storage = app.extensions.get(_STORAGE_KEY)
    if storage is None:
        uri = str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
        prefix = app.config["REDIS_PREFIX"] + "limits"
        if uri.startswith(("redis://", "rediss://")):
            storage = MemoryFallbackStorage(storage_from_string(
                uri, key_prefix=prefix, socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS))
        else:
            storage = storage_from_string(uri, key_prefix=prefix)
        app.extensions[_STORAGE_KEY] = storage
    return storage


def moving_window(app: Flask) -> MovingWindowRateLimiter:
    """A moving-window limiter over this app's storage."""
    limiter = app.extensions.get(_LIMITER_KEY)
    if limiter is None:
        limiter = app.extensions[_LIMITER_KEY] = MovingWindowRateLimiter(limits_storage(app))
    return limiter


def configured_limit(app: Flask, setting: str, default: str) -> RateLimitItem:
    """The limit named by a setting, e.g. ``configured_limit(app, "LOGIN_FAILURE_LIMIT", ...)``."""
    return parse(str(app.config.get(setting) or default))


def seconds_until_allowed(app: Flask, item: RateLimitItem, *key: str) -> int:
    """How long until the moving window for ``key`` has room again (at least 1 second)."""
    reset_at = moving_window(app).get_window_stats(item, *key).reset_time
    return max(1, math.ceil(reset_at - time.time()))
