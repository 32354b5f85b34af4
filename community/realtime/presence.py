"""Who is in a channel right now: in process memory, or in Redis when several workers share it.

Entries are per socket (sid); a user with two tabs counts once. With Redis, each worker refreshes
its own sockets' entries, and readers ignore entries older than STALE_AFTER seconds, so a worker
that dies without cleaning up stops showing its users within that time.

Presence is a courtesy, never a reason to fail: while Redis is unreachable, joining, leaving and
disconnecting still work and the lists read as empty; each worker's next refresh (every
STALE_AFTER / 3 seconds) writes its sockets' entries again once Redis is back.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import redis

log = logging.getLogger(__name__)

STALE_AFTER = 45.0
T = TypeVar("T")


class PresenceStore(Protocol):
    def add(self, channel: str, sid: str, user: dict[str, Any]) -> None: ...
    def remove(self, channel: str, sid: str) -> None: ...
    def users(self, channel: str) -> list[dict[str, Any]]: ...
    def refresh(self, entries: list[tuple[str, str, dict[str, Any]]]) -> None: ...
    def sids_of(self, channel: str, user_id: int) -> list[str]: ...


def _distinct_users(users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[int, dict[str, Any]] = {}
    for user in users:
        seen.setdefault(user["id"], user)
    return sorted(seen.values(), key=lambda u: (u["display_name"].lower(), u["id"]))


class MemoryPresence:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._channels: dict[str, dict[str, dict[str, Any]]] = {}

    def add(self, channel: str, sid: str, user: dict[str, Any]) -> None:
        with self._lock:
            self._channels.setdefault(channel, {})[sid] = user

    def remove(self, channel: str, sid: str) -> None:
        with self._lock:
            members = self._channels.get(channel)
            if members is not None:
                members.pop(sid, None)
                if not members:
                    del self._channels[channel]

    def users(self, channel: str) -> list[dict[str, Any]]:
        with self._lock:
            return _distinct_users(list(self._channels.get(channel, {}).values()))

    def refresh(self, entries: list[tuple[str, str, dict[str, Any]]]) -> None:
        """Nothing to do: memory entries live exactly as long as their sockets."""

    def sids_of(self, channel: str, user_id: int) -> list[str]:
        with self._lock:
            return [sid for sid, user in self._channels.get(channel, {}).items()
                    if user["id"] == user_id]


def _tolerant(default: Callable[[], T]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """While Redis fails, a presence call logs and returns ``default()`` instead of raising."""

    def decorate(method: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(method)
        def tolerant(self: RedisPresence, *args: Any) -> T:
            try:
                return method(self, *args)
            except redis.RedisError as exc:
                log.warning("presence unavailable (%s: %s): %s skipped", type(exc).__name__, exc,
                            method.__name__)
                return default()

        return tolerant

    return decorate


class RedisPresence:
    def __init__(self, url: str, prefix: str) -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._prefix = prefix

    def _key(self, channel: str) -> str:
        return f"{self._prefix}presence:{channel}"

    @_tolerant(lambda: None)
    def add(self, channel: str, sid: str, user: dict[str, Any]) -> None:
        key = self._key(channel)
        pipe = self._redis.pipeline()
        pipe.hset(key, sid, json.dumps({"user": user, "ts": time.time()}))
        pipe.expire(key, int(STALE_AFTER * 4))
        pipe.execute()

    @_tolerant(lambda: None)
    def remove(self, channel: str, sid: str) -> None:
        self._redis.hdel(self._key(channel), sid)

    @_tolerant(list)
    def users(self, channel: str) -> list[dict[str, Any]]:
        cutoff = time.time() - STALE_AFTER
        entries = [json.loads(raw) for raw in self._redis.hvals(self._key(channel))]
        return _distinct_users([e["user"] for e in entries if e["ts"] >= cutoff])

    @_tolerant(list)
    def sids_of(self, channel: str, user_id: int) -> list[str]:
        """Every process's sockets of this user in the channel (stale entries included)."""
        raw = self._redis.hgetall(self._key(channel))
        return [sid.decode() for sid, value in raw.items()
                if json.loads(value)["user"]["id"] == user_id]

    @_tolerant(lambda: None)
    def refresh(self, entries: list[tuple[str, str, dict[str, Any]]]) -> None:
        if not entries:
            return
        pipe = self._redis.pipeline()
        now = time.time()
        for channel, sid, user in entries:
            pipe.hset(self._key(channel), sid, json.dumps({"user": user, "ts": now}))
            pipe.expire(self._key(channel), int(STALE_AFTER * 4))
        pipe.execute()


def make_presence_store(redis_url: str, prefix: str) -> PresenceStore:
    return RedisPresence(redis_url, prefix) if redis_url else MemoryPresence()
