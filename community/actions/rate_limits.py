"""The counters behind the actions' rate limits (chat messages, logins, password resets).

They live in Redis when COMMUNITY_REDIS_URL is set, so every worker shares them (keys under
COMMUNITY_REDIS_PREFIX + "limits"), and in this process's memory otherwise; RATELIMIT_STORAGE_URI
(derived from COMMUNITY_REDIS_URL, and shared with Flask-Limiter) names the storage. Limits are written in
the `limits` package's notation ("5 per 15 minutes"). COMMUNITY_RATELIMIT_ENABLED=0 switches them
off; the callers check it.
"""

from __future__ import annotations

import math
import time

from flask import Flask
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

_STORAGE_KEY = "community_rate_limit_storage"
_LIMITER_KEY = "community_rate_limiter"


def limits_storage(app: Flask) -> Storage:
    """This app's counter storage, made once."""
    storage = app.extensions.get(_STORAGE_KEY)
    if storage is None:
        uri = str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
        storage = storage_from_string(uri, key_prefix=app.config["REDIS_PREFIX"] + "limits")
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
