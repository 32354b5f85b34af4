"""Survey pages: the list, the builder (works as a plain form; static/js/surveys.js adds, removes
and reorders questions in place), answering, and the results with charts and tables."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from ...queries import surveys as survey_queries
from . import builder, pages
from .blueprint import bp

ROUTE_MODULES = (builder, pages)  # importing them attaches their routes to bp


def can_manage_surveys() -> bool:
    return survey_queries.can_manage_surveys(current_user)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(can_manage_surveys=can_manage_surveys)
