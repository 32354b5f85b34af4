"""Thin HTTP edges: HTML pages and the JSON API under /api/v1."""

from __future__ import annotations

from flask import Flask, request

from ..errors import ValidationFailed
from ..text.validation import text_problem


def _reject_unstorable_parameters() -> None:
    """Query and path values with NUL or lone surrogates are a 422 before any query sees them.

    PostgreSQL refuses such strings even in comparisons, so without this a lookup by name would
    fail with a database error instead of a clear answer.
    """
    values = [*request.args.items(multi=True), *(request.view_args or {}).items()]
    for name, value in values:
        if isinstance(value, str) and (problem := text_problem(value)):
            raise ValidationFailed({str(name)[:40]: problem})


def init_app(app: Flask) -> None:
    app.before_request(_reject_unstorable_parameters)
