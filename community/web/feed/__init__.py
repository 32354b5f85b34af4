"""The personal home ("For you") and the follow / watch forms. Every control works without
JavaScript (a form posting here); static/js/follows.js switches them in place through the API."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from ...models import Tag
from ...queries import follows as follow_queries
from . import pages
from .blueprint import bp

ROUTE_MODULES = (pages,)  # importing it attaches its routes to bp


def following_tag(tag: Tag) -> bool:
    """Whether the viewer follows this tag (the tag page's Follow button); no query for guests."""
    return follow_queries.is_following(current_user, tag)


def my_followed_tags() -> list[Tag]:
    """The viewer's followed tags (the profile settings page lists them)."""
    return follow_queries.followed_tags(current_user)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(following_tag=following_tag, my_followed_tags=my_followed_tags)
