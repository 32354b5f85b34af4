"""Thin Socket.IO handlers: authenticate, parse, call an action or query, return the ack."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the handlers on the app's Socket.IO server."""
    from ..realtime import hub
    from ..realtime.transport import socketio_of
    from .live import LiveNamespace

    hub.init_app(app)
    socketio_of(app).on_namespace(LiveNamespace("/"))
