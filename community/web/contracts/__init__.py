"""Learning contract pages: my contracts and those shared with me, writing and editing one (a plain
form; static/js/contracts.js adds and removes item rows in place), and a contract's page with its
items, progress, shares, co-signatures, comments and history."""

from __future__ import annotations

from flask import Flask

from . import editor, pages
from .blueprint import bp

ROUTE_MODULES = (editor, pages)  # importing them attaches their routes to bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
