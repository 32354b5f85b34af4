"""The JSON API under /api/v1 (flask-smorest: validation and the generated OpenAPI document)."""

from __future__ import annotations

import threading
from typing import Any

from apispec import APISpec
from flask import Flask, request
from flask_smorest import Api, Blueprint

from ...errors import BadRequest
from .openapi import ResponsesPlugin
from .schemas import ErrorEnvelope


class CommunityApi(Api):
    """flask-smorest's Api, one per app, documenting its blueprints only when the OpenAPI
    document is first used: building the document is about half of what create_app costs, and
    most processes (and every test but a few) never serve it. The document is the same."""

    ERROR_SCHEMA = ErrorEnvelope  # the error responses in /api/v1/openapi.json

    def __init__(self) -> None:
        self._undocumented: list[tuple[Blueprint, str, Any]] = []
        self._documenting = threading.Lock()
        super().__init__()

    @property
    def spec(self) -> APISpec | None:
        if self._undocumented and not self._documenting.locked():
            with self._documenting:
                while self._undocumented:
                    blp, name, parameters = self._undocumented.pop(0)
                    blp.register_views_in_doc(self, self._app, self._spec, name=name, parameters=parameters)
                    self._spec.tag({"name": name, "description": blp.description})
        return self._spec

    @spec.setter
    def spec(self, value: APISpec | None) -> None:
        self._spec = value

    def register_blueprint(self, blp: Blueprint, *, parameters: Any = None, **options: Any) -> None:
        """Flask-smorest's register_blueprint, with the documentation left for later (see spec)."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

    def _register_error_handlers(self) -> None:
        """Errors are rendered by web/errors.py in the envelope of shared/API.md."""


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
        content_feedback,
        contracts,
        feed,
        flags,
        help_requests,
        live_sessions,
        milestones,
        notifications,
        polls,
        posts,
        recognition,
        resources,
        rooms,
        search,
        surveys,
        threads,
        tracks,
    )

    api = CommunityApi()
    api.init_app(app, spec_kwargs={"info": {"description": "Community server JSON API"},
                                   "extra_plugins": [ResponsesPlugin()]})
    app.before_request(_require_json_object)
    for module in (accounts, threads, posts, notifications, search, rooms, help_requests, recognition,
                   resources, flags, live_sessions, polls, content_feedback, surveys, feed, contracts,
                   tracks, milestones):
        api.register_blueprint(module.bp)
    from . import admin  # suspensions, roles, site settings, the audit log

    api.register_blueprint(admin.bp)
