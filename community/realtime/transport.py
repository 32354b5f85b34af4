"""The Socket.IO server of an app: one per app, reached through the app, never a global."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import socketio as python_socketio
from flask import Flask, current_app
from flask_socketio import SocketIO

from ..models.base import utcnow
from ..payloads import iso

RETRY_MAX_SECONDS = 8.0


class CatchUpRedisManager(python_socketio.RedisManager):
    """The Redis message queue, plus a nudge after an outage.

    While this process cannot reach Redis, the events committed anywhere are safe in the event log
    but never reach its clients, whose sockets stay connected and so never re-join. When its
    listener subscribes again, it tells its own clients `catch_up`; they re-join their channels
    with the last event id they saw and get what they missed from the log.
    """

    def _redis_listen_with_retries(self) -> Iterator[dict[str, Any]]:
        # python-socketio 5's loop, with two changes: clients are nudged after a re-subscription,
        # and the wait between attempts stops growing at RETRY_MAX_SECONDS (not 60 s), so live
        # updates resume soon after Redis does.
        retry_sleep, subscribed, first = 1.0, False, True
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    self.pubsub.subscribe(self.channel)
                    subscribed, retry_sleep = True, 1.0
                    if not first:
                        self._nudge_clients()
                    first = False
                yield from self.pubsub.listen()
            except Exception as exc:  # any failure of the connection: retry
                self._get_logger().error(f"Cannot receive from redis... retrying in {retry_sleep} secs",
                                         extra={"redis_exception": str(exc)})
                subscribed = False
                time.sleep(retry_sleep)
                retry_sleep = min(retry_sleep * 2, RETRY_MAX_SECONDS)

    def _nudge_clients(self) -> None:
        envelope = {"id": None, "channel": None, "type": "catch_up", "data": {"reason": "reconnected"},
                    "created_at": iso(utcnow())}
        # Manager.emit delivers to this process's clients only; PubSubManager.emit would publish.
        python_socketio.Manager.emit(self, "catch_up", envelope, namespace="/")


def create_socketio(app: Flask) -> SocketIO:
    """Bind a new Flask-SocketIO server to ``app`` (Redis message queue when configured)."""
    origins = [o.strip() for o in app.config["ALLOWED_ORIGINS"].split(",") if o.strip()]
    options: dict[str, Any] = {}
    if app.config["REDIS_URL"]:
        options["client_manager"] = CatchUpRedisManager(app.config["REDIS_URL"],
                                                        channel=app.config["REDIS_PREFIX"] + "socketio")
    socketio = SocketIO()
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        cors_allowed_origins=origins or None,  # None: same origin only
        max_http_buffer_size=256 * 1024,
        **options,
    )
    return socketio


def socketio_of(app: Flask | None = None) -> SocketIO:
    return (app or current_app).extensions["socketio"]
