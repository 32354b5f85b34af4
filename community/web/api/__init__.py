"""The JSON API under /api/v1 (flask-smorest: validation and the generated OpenAPI document)."""

from __future__ import annotations

from flask import Flask, request
from flask_smorest import Api

from ...errors import BadRequest
from .openapi import ResponsesPlugin
from .schemas import ErrorEnvelope


class CommunityApi(Api):
    ERROR_SCHEMA = ErrorEnvelope  # the error responses in /api/v1/openapi.json

    def _register_error_handlers(self) -> None:
        """Errors are rendered by web/errors.py in the envelope of shared/API.md."""


api = CommunityApi()


def _require_json_object() -> None:
    """A body that is present must be a JSON object (400 otherwise, before any validation)."""
    if not request.path.startswith("/api/") or request.method not in {"POST", "PUT", "PATCH"}:
        return
    if not request.content_length and not request.get_data(cache=True):
        return
    payload = request.get_json(force=True, silent=True, cache=True)
    if not isinstance(payload, dict):
        raise BadRequest("The request body must be a JSON object.")


def init_app(app: Flask) -> None:
    from . import (
        accounts,
        flags,
        help_requests,
        notifications,
        posts,
        recognition,
        resources,
        rooms,
        search,
        threads,
    )

    api.init_app(app, spec_kwargs={"info": {"description": "Community server JSON API"},
                                   "extra_plugins": [ResponsesPlugin()]})
    app.before_request(_require_json_object)
    for module in (accounts, threads, posts, notifications, search, rooms, help_requests, recognition,
                   resources, flags):
        api.register_blueprint(module.bp)
    from . import admin  # suspensions, roles, site settings, the audit log

    api.register_blueprint(admin.bp)
