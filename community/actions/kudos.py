"""Kudos: a short "thank you" from one colleague to another, optionally for one of their posts.

Limited per giver per UTC day (COMMUNITY_KUDOS_DAILY_LIMIT, 429 with Retry-After past it); never
to yourself. The recipient gets a ``kudos`` notification, and the kudos badges are evaluated in
the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select

from ..badges import Trigger
from ..db import atomic
from ..errors import Forbidden, RateLimited, ValidationFailed
from ..extensions import db
from ..models import Kudos, Post, User
from ..models.base import utcnow
from ..payloads import answer_url, thread_url, user_url
from ..permissions import can_give_kudos, require_active_account
from ..queries.threads import get_post, is_post_id
from ..queries.users import get_user_by_username
from ..settings import setting
from ..text.validation import check_text
from . import reputation
from .badges import award_after_commit
from .notifications import notify

MESSAGE_MAX = 280


@dataclass(frozen=True)
class KudosDraft:
    to: object
    message: object
    post_id: object = None


def give_kudos(actor: User, draft: KudosDraft) -> Kudos:
    require_active_account(actor)
    if not can_give_kudos(actor):
        raise Forbidden("Log in to give kudos.")
    message = check_text("message", draft.message, min_len=1, max_len=MESSAGE_MAX)
    recipient = _check_recipient(actor, draft.to)
    with atomic():
        reputation.lock_users(actor.id, recipient.id)  # serializes the daily count and the badges
        _check_daily_limit(actor)
        post = _check_post(draft.post_id, recipient)
        kudos = Kudos(from_user_id=actor.id, to_user_id=recipient.id, message=message,
                      post_id=post.id if post else None, created_at=utcnow())
        db.session.add(kudos)
        db.session.flush()
        kudos.giver, kudos.recipient = db.session.get(User, actor.id), recipient
        notify([recipient.id], "kudos", kudos.giver, _subject(post, message), _url(post, recipient),
               post.id if post else None)
        award_after_commit(recipient.id, Trigger.KUDOS_RECEIVED)
        award_after_commit(actor.id, Trigger.KUDOS_GIVEN)
    return kudos


def _check_recipient(actor: User, username: object) -> User:
    recipient = get_user_by_username(username) if isinstance(username, str) else None
    if recipient is None:
        raise ValidationFailed({"to": "is not a member of this community"})
    if recipient.id == actor.id:
        raise ValidationFailed({"to": "must be someone other than yourself"},
                               "You can't give kudos to yourself.")
    return recipient


def _check_post(post_id: object, recipient: User) -> Post | None:
    if post_id in (None, ""):
        return None
    post = get_post(post_id) if is_post_id(post_id) else None
    thread = post if post is None or post.is_question else get_post(post.parent_id)
    if post is None or post.is_deleted or thread is None or thread.is_deleted:
        raise ValidationFailed({"post_id": "is not a post"})
    if post.author_id != recipient.id:
        raise ValidationFailed({"post_id": f"must be a post by {recipient.username}"})
    return post


def _check_daily_limit(actor: User) -> None:
    limit = int(setting("KUDOS_DAILY_LIMIT"))
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    now = utcnow()
    day_start = datetime.combine(now.date(), time.min, tzinfo=UTC)
    given = db.session.scalar(select(func.count(Kudos.id)).where(
        Kudos.from_user_id == actor.id, Kudos.created_at >= day_start)) or 0
    if given >= limit:
        retry_after = max(1, int((day_start + timedelta(days=1) - now).total_seconds()))
        raise RateLimited(f"You can give {limit} kudos a day; more tomorrow (UTC).", retry_after)


def _subject(post: Post | None, message: str) -> str:
    if post is None:
        return message
    thread = post if post.is_question else get_post(post.parent_id)
    return thread.title or message


def _url(post: Post | None, recipient: User) -> str:
    if post is None:
        return f"{user_url(recipient.username)}?tab=kudos"
    return thread_url(post.id) if post.is_question else answer_url(post.parent_id, post.id)
