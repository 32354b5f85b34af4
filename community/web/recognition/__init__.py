"""Recognition pages: badges, the leaderboard, kudos, and vote flags for moderators."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from ... import permissions
from ...badges import RULES_BY_SLUG
from ...models import Post, User
from . import kudos, moderation, pages
from .blueprint import bp

ROUTE_MODULES = (pages, kudos, moderation)  # importing them attaches their routes to bp


def can_downvote() -> bool:
    return permissions.can_downvote(current_user)


def can_retag(thread: Post) -> bool:
    return permissions.can_retag(current_user, thread)


def can_give_kudos_to(user: User) -> bool:
    return permissions.can_give_kudos(current_user) and current_user.id != user.id


def can_review_vote_flags() -> bool:
    return permissions.can_review_vote_flags(current_user)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        can_downvote=can_downvote, can_retag=can_retag, can_give_kudos_to=can_give_kudos_to,
        can_review_vote_flags=can_review_vote_flags, privilege=permissions.privilege,
        badge_rules=RULES_BY_SLUG,
    )
