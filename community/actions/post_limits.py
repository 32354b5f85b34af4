"""Posting limits: how many questions, answers and shared resources one member may post.

One moving window per member counts all three together (a burst of answers and a burst of
questions are the same flood). Members below POST_LIMIT_REPUTATION have NEW_MEMBER_POST_LIMIT,
everyone else MEMBER_POST_LIMIT (both in the `limits` notation, "10 per hour"); moderators have
none. The counters live in the rate-limit storage (Redis when configured, so every worker shares
them; this process's memory otherwise). COMMUNITY_RATELIMIT_ENABLED=0 switches the limits off.
The limits are read through setting(), so an admin's change applies without a restart.
"""

from __future__ import annotations

from flask import current_app
from limits import RateLimitItem, parse
from sqlalchemy import select

from ..errors import RateLimited
from ..extensions import db
from ..models import User
from ..settings import setting
from .rate_limits import moving_window, seconds_until_allowed


def check_post_rate(actor: User) -> None:
    """Count one post by ``actor``; raise RateLimited (429, Retry-After) past their limit.

    Call it after the input and the permission are checked, so refused attempts don't count.
    """
    app = current_app._get_current_object()
    if not app.config["RATELIMIT_ENABLED"] or actor.is_moderator:
        return
    new_member = _stored_reputation(actor) < int(setting("POST_LIMIT_REPUTATION"))
    item = post_limit(new_member)
    key = ("posts", str(actor.id))
    if moving_window(app).hit(item, *key):
        return
    wait = seconds_until_allowed(app, item, *key)
    who = "new members" if new_member else "members"
    times = "1 time" if item.amount == 1 else f"{item.amount} times"
    raise RateLimited(f"Slow down: {who} may post {times} {_per(item)}; "
                      f"try again in {wait} s.", retry_after=wait)


def post_limit(new_member: bool) -> RateLimitItem:
    return parse(str(setting("NEW_MEMBER_POST_LIMIT" if new_member else "MEMBER_POST_LIMIT")))


def _stored_reputation(actor: User) -> int:
    """The reputation as stored now: a session's user object may be older than the last vote."""
    stored = db.session.scalar(select(User.reputation).where(User.id == actor.id))
    return actor.reputation if stored is None else stored


def _per(item: RateLimitItem) -> str:
    """'an hour', 'a day', 'every 15 minutes'."""
    unit = item.GRANULARITY.name
    if item.multiples == 1:
        return f"an {unit}" if unit == "hour" else f"a {unit}"
    return f"every {item.multiples} {unit}s"
