"""Moderators' pages under /moderation (the flag review queue, and more beside it), and the
template helpers every page uses to show flag controls and content hidden by flags."""

from __future__ import annotations

from flask import Flask, g
from flask_login import current_user

from ... import permissions
from ...queries.flags import count_open_targets
from . import flags
from .blueprint import bp

ROUTE_MODULES = (flags,)  # importing them attaches their routes to bp


def can_flag(author_id: int) -> bool:
    return permissions.can_flag(current_user, author_id)


def can_see_hidden(author_id: int) -> bool:
    return permissions.can_see_hidden(current_user, author_id)


def can_review_flags() -> bool:
    return permissions.can_review_flags(current_user)


def open_flag_count() -> int:
    """Targets waiting for review (the "Review (N)" link), counted once per request."""
    if "open_flag_count" not in g:
        g.open_flag_count = count_open_targets() if can_review_flags() else 0
    return g.open_flag_count


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(can_flag=can_flag, can_see_hidden=can_see_hidden,
                                 can_review_flags=can_review_flags, open_flag_count=open_flag_count,
                                 flag_reason_labels=flags.REASON_LABELS)
