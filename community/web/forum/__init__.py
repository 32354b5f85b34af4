"""Q&A pages: the question list, asking, the thread page, answers, votes, edits and tags."""

from __future__ import annotations

from flask import Flask

from . import answer_cache, moderate, posts, questions, retag, tags
from .blueprint import bp

ROUTE_MODULES = (questions, posts, tags, retag, moderate)  # importing them attaches their routes to bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    answer_cache.init_app(app)
    app.jinja_env.globals.update(can_moderate_thread=moderate.can_moderate)
