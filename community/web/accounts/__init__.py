"""Account pages: log in, register, log out, profiles, avatars and profile settings."""

from __future__ import annotations

from flask import Flask

from . import passwords, profiles, sessions
from .blueprint import bp

ROUTE_MODULES = (sessions, passwords, profiles)  # importing them attaches their routes to bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
