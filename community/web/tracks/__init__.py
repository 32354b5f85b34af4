"""Certification track pages: the list (recommended first), a track with its progress bar and
"Mark as done" on resource steps, the moderators' builder, and the "Mark as done" form of resource
pages. Every page works as plain forms; static/js/tracks.js sends the same changes through the API
and updates the progress bar in place."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_login import current_user

from ...extensions import db
from ...models import ResourceCompletion
from ...queries import tracks as track_queries
from . import builder, pages
from .blueprint import bp

ROUTE_MODULES = (builder, pages)  # importing them attaches their routes to bp


def can_manage_tracks() -> bool:
    return track_queries.can_manage_tracks(current_user)


def resource_done_at(resource_id: int) -> datetime | None:
    """When the signed-in member marked this resource done (None: not done, or signed out)."""
    if not getattr(current_user, "is_authenticated", False):
        return None
    completion = db.session.get(ResourceCompletion, (current_user.id, resource_id))
    return completion.completed_at if completion is not None else None


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(can_manage_tracks=can_manage_tracks, resource_done_at=resource_done_at)
