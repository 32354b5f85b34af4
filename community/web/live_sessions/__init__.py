"""Live training session pages: the schedule (upcoming and past), scheduling and editing forms,
and a session's page with RSVP, join, cancel, its resources, transcript link and feedback poll.
Every form works without JavaScript; static/js/live_sessions.js shows times in the reader's own
time zone."""

from __future__ import annotations

from flask import Flask

from . import pages
from .blueprint import bp
from .view import can_schedule_sessions

ROUTE_MODULES = (pages,)  # importing them attaches their routes to bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(can_schedule_sessions=can_schedule_sessions)
