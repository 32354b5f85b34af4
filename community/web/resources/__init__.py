"""Resource library pages: the library list, sharing a link, a resource's page with its ratings and
reviews, editing and deleting. Every form works without JavaScript; static/js/resources.js adds
the duplicate check while sharing, rating in place and live rating updates."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from ... import permissions
from ...models import Resource
from . import library, pages, ratings
from .blueprint import bp
from .view import KIND_CHOICES, average_text, duration_text, kind_label, link_host, rating_text, star_states

ROUTE_MODULES = (library, pages, ratings)  # importing them attaches their routes to bp


def can_edit_resource(resource: Resource) -> bool:
    return permissions.can_edit_resource(current_user, resource)


def can_delete_resource(resource: Resource) -> bool:
    return permissions.can_delete_resource(current_user, resource)


def can_rate_resource(resource: Resource) -> bool:
    return permissions.can_rate_resource(current_user, resource)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        can_edit_resource=can_edit_resource, can_delete_resource=can_delete_resource,
        can_rate_resource=can_rate_resource, star_states=star_states, resource_kinds=KIND_CHOICES,
    )
    app.jinja_env.filters.update(kind_label=kind_label, duration_text=duration_text,
                                 average_text=average_text, rating_text=rating_text, link_host=link_host)
