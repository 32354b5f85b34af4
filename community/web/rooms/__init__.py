"""Live help pages: the room list with the help queue, the chat page and its forms, and the
"live help" notice on thread pages. Every form works without JavaScript; static/js/rooms.js
makes the chat live over Socket.IO."""

from __future__ import annotations

from flask import Flask

from . import chat, manage, pages
from .blueprint import bp
from .view import can_claim, can_remove_message, can_resolve, live_help_for

ROUTE_MODULES = (pages, chat, manage)  # importing them attaches their routes to bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(live_help_for=live_help_for, can_remove_message=can_remove_message,
                                 can_claim=can_claim, can_resolve=can_resolve)
