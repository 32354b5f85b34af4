"""Thin Socket.IO handlers: authenticate, parse, call an action or query, return the ack."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the handlers on the Socket.IO server that socketio.init_app(app) just built."""
    from ..extensions import socketio
    from ..realtime import hub
    from .live import LiveNamespace

    hub.init_app(app)
    socketio.on_namespace(LiveNamespace("/"))
