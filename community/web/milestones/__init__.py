"""Milestone pages: your milestones and those shared with you, the guided form, one milestone
(with its manual progress and sharing forms). static/js/milestones.js keeps progress live."""

from __future__ import annotations

from flask import Flask

from . import pages
from .blueprint import bp

ROUTE_MODULES = (pages,)  # importing it attaches the routes to bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
