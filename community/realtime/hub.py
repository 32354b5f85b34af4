"""This process's live sockets: channel membership, presence broadcasts and typing expiry.

Presence changes are coalesced: a join or leave marks the channel dirty and one background loop
broadcasts each dirty channel's list at most every PRESENCE_INTERVAL seconds, so 1,000 sockets
joining one thread cost a handful of broadcasts, not 1,000 lists of up to 1,000 users.
A typing indicator that is not refreshed expires after TYPING_TTL seconds, and a socket that
disconnects stops typing at once.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from flask import Flask, current_app
from flask_socketio import SocketIO

from ..models.base import utcnow
from ..payloads import iso
from .presence import STALE_AFTER, PresenceStore, make_presence_store
from .transport import socketio_of

log = logging.getLogger(__name__)

PRESENCE_INTERVAL = 0.5
TYPING_TTL = 8.0
REFRESH_EVERY = STALE_AFTER / 3


def ephemeral(channel: str, type_: str, data: dict[str, Any]) -> dict[str, Any]:
    """An envelope for a signal that is not stored (its id is null)."""
    return {"id": None, "channel": channel, "type": type_, "data": data, "created_at": iso(utcnow())}


class Hub:
    def __init__(self, presence: PresenceStore, socketio: SocketIO) -> None:
        self.presence = presence
        self.socketio = socketio
        self._lock = threading.Lock()
        self._users: dict[str, dict[str, Any]] = {}  # sid -> user payload
        self._channels: dict[str, set[str]] = {}  # sid -> presence channels joined
        self._typing: dict[tuple[str, str], float] = {}  # (channel, sid) -> expires at
        self._dirty: set[str] = set()
        self._loop_started = False
        self._last_refresh = time.monotonic()

    # -- sockets -------------------------------------------------------------------------
    def connected(self, sid: str, user: dict[str, Any]) -> None:
        with self._lock:
            self._users[sid] = user
            self._channels[sid] = set()
        self._ensure_loop()

    def disconnected(self, sid: str) -> None:
        with self._lock:
            channels = self._channels.pop(sid, set())
            user = self._users.pop(sid, None)
            typing = [key for key in self._typing if key[1] == sid]
            for key in typing:
                del self._typing[key]
        for channel in channels:
            self.presence.remove(channel, sid)
            self._mark_dirty(channel)
        if user is not None:
            for channel, _ in typing:
                self._emit_typing(channel, user, False, skip_sid=sid)

    def joined(self, sid: str, channel: str) -> list[dict[str, Any]]:
        """Record presence in a thread/room channel; returns who is there now."""
        with self._lock:
            user = self._users.get(sid)
            if user is None:
                return []
            self._channels[sid].add(channel)
        self.presence.add(channel, sid, user)
        self._mark_dirty(channel)
        return self.presence.users(channel)

    def left(self, sid: str, channel: str) -> None:
        with self._lock:
            known = channel in self._channels.get(sid, set())
            self._channels.get(sid, set()).discard(channel)
            was_typing = self._typing.pop((channel, sid), None) is not None
            user = self._users.get(sid)
        if known:
            self.presence.remove(channel, sid)
            self._mark_dirty(channel)
        if was_typing and user is not None:
            self._emit_typing(channel, user, False, skip_sid=sid)

    def socket_count(self) -> int:
        """Sockets connected to this process (each authenticated at connect)."""
        with self._lock:
            return len(self._users)

    def user_of(self, sid: str) -> dict[str, Any] | None:
        with self._lock:
            return self._users.get(sid)

    def in_channel(self, sid: str, channel: str) -> bool:
        with self._lock:
            return channel in self._channels.get(sid, set())

    def sids_of(self, user_id: int, channel: str) -> list[str]:
        """This process's sockets of one user that are in a channel."""
        with self._lock:
            return [sid for sid, joined in self._channels.items()
                    if channel in joined and (self._users.get(sid) or {}).get("id") == user_id]

    def revoke(self, user_id: int, channel: str) -> list[str]:
        """Take every socket of a user out of a channel at once; returns their sids.

        This process's sockets leave directly. Sockets held by other processes are found in the
        shared (Redis) presence and removed through Socket.IO's message queue, whose leave_room
        is forwarded to the process that holds the sid; that process's hub notices at its next
        presence refresh (see _drop_revoked) and stops refreshing them.
        """
        local = self.sids_of(user_id, channel)
        for sid in local:
            self.socketio.server.leave_room(sid, channel, namespace="/")
            self.left(sid, channel)
        remote = [sid for sid in self.presence.sids_of(channel, user_id) if sid not in local]
        for sid in remote:
            self.socketio.server.leave_room(sid, channel, namespace="/")
            self.presence.remove(channel, sid)
        if remote:
            self._mark_dirty(channel)
        return local + remote

    # -- typing --------------------------------------------------------------------------
    def typing(self, sid: str, channel: str, state: bool) -> None:
        with self._lock:
            user = self._users.get(sid)
            key = (channel, sid)
            already = key in self._typing
            if state:
                self._typing[key] = time.monotonic() + TYPING_TTL
            else:
                self._typing.pop(key, None)
        # A refresh of an ongoing "typing" needs no broadcast; a change of state does.
        if user is not None and (state != already):
            self._emit_typing(channel, user, state, skip_sid=sid)

    def _emit_typing(self, channel: str, user: dict[str, Any], state: bool, *, skip_sid: str) -> None:
        self.socketio.emit("typing", ephemeral(channel, "typing", {"user": user, "state": state}),
                      to=channel, skip_sid=skip_sid)

    # -- the background loop -------------------------------------------------------------
    def _mark_dirty(self, channel: str) -> None:
        with self._lock:
            self._dirty.add(channel)

    def _ensure_loop(self) -> None:
        with self._lock:
            if self._loop_started:
                return
            self._loop_started = True
        self.socketio.start_background_task(self._run)

    def _run(self) -> None:
        while True:
            self.socketio.sleep(PRESENCE_INTERVAL)
            try:
                self.tick()
            except Exception:  # the loop must survive a Redis hiccup
                log.exception("presence loop failed")
            with self._lock:
                if not self._users and not self._dirty and not self._typing:
                    self._loop_started = False  # the next connection starts it again
                    return

    def tick(self) -> None:
        """Broadcast dirty presence lists, expire stale typing, refresh shared presence."""
        now = time.monotonic()
        with self._lock:
            dirty, self._dirty = self._dirty, set()
            expired = [key for key, until in self._typing.items() if until <= now]
            for key in expired:
                del self._typing[key]
            expired_users = [(channel, sid, self._users.get(sid)) for channel, sid in expired]
            refresh = now - self._last_refresh >= REFRESH_EVERY
            entries = [(channel, sid, self._users[sid]) for sid, channels in self._channels.items()
                       for channel in channels] if refresh else []
        if refresh:
            entries = self._drop_revoked(entries)
        for channel in dirty:
            self.socketio.emit("presence", ephemeral(channel, "presence",
                                                {"users": self.presence.users(channel)}), to=channel)
        for channel, sid, user in expired_users:
            if user is not None:
                self._emit_typing(channel, user, False, skip_sid=sid)
        if refresh:
            self._last_refresh = now
            self.presence.refresh(entries)

    def _drop_revoked(self, entries: list[tuple[str, str, dict[str, Any]]]
                      ) -> list[tuple[str, str, dict[str, Any]]]:
        """Forget channels another process took our sockets out of (a revoked membership)."""
        kept = []
        for channel, sid, user in entries:
            try:
                subscribed = channel in self.socketio.server.rooms(sid, namespace="/")
            except (KeyError, ValueError):
                subscribed = False
            if subscribed:
                kept.append((channel, sid, user))
            else:
                self.left(sid, channel)
        return kept


def init_app(app: Flask) -> None:
    prefix = app.config.get("REDIS_PREFIX", "community:")
    app.extensions["community_hub"] = Hub(make_presence_store(app.config["REDIS_URL"], prefix),
                                          socketio_of(app))


def hub_for(app: Flask) -> Hub:
    return app.extensions["community_hub"]


def online_users(channel: str, app: Flask | None = None) -> list[dict[str, Any]]:
    """Who has a presence channel open now (every process, when presence lives in Redis)."""
    return hub_for(app or current_app).presence.users(channel)


def revoke_channel(user_id: int, channel: str, app: Flask | None = None) -> list[str]:
    """A post-commit effect: the user's sockets leave ``channel`` at once (see Hub.revoke)."""
    return hub_for(app or current_app).revoke(user_id, channel)
