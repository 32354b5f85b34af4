"""The Socket.IO server of an app: one per app, reached through the app, never a global."""

from __future__ import annotations

from flask import Flask, current_app
from flask_socketio import SocketIO


def create_socketio(app: Flask) -> SocketIO:
    """Bind a new Flask-SocketIO server to ``app`` (Redis message queue when configured)."""
    origins = [o.strip() for o in app.config["ALLOWED_ORIGINS"].split(",") if o.strip()]
    socketio = SocketIO()
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=app.config["REDIS_URL"] or None,
        channel=app.config["REDIS_PREFIX"] + "socketio",
        cors_allowed_origins=origins or None,  # None: same origin only
        max_http_buffer_size=256 * 1024,
    )
    return socketio


def socketio_of(app: Flask | None = None) -> SocketIO:
    return (app or current_app).extensions["socketio"]
