"""Q&A pages: the question list, asking, the thread page, answers, votes, edits and tags."""

from __future__ import annotations

from flask import Flask

from . import posts, questions, tags
from .blueprint import bp

ROUTE_MODULES = (questions, posts, tags)  # importing them attaches their routes to bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
