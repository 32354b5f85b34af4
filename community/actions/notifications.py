"""Notifications: stored rows plus a live `notification` event on the recipient's channel."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update

from ..db import atomic
from ..errors import ValidationFailed
from ..extensions import db
from ..models import Notification, Post, ThreadWatch, User, WatchLevel
from ..models.base import is_row_id, utcnow
from ..payloads import answer_url, notification_payload, thread_url
from ..queries.notifications import count_unread
from ..realtime import channels
from ..realtime.events import record_event
from ..text.mentions import mentioned_usernames

MAX_READ_IDS = 500


def notify(recipient_ids: Iterable[int], type_: str, actor: User | None, subject: str, url: str,
           post_id: int | None = None) -> list[int]:
    """Store one notification per recipient (never the actor) in the current transaction."""
    notified = []
    for user_id in dict.fromkeys(recipient_ids):
        if actor is not None and user_id == actor.id:
            continue
        note = Notification(user_id=user_id, type=type_, actor_id=actor.id if actor else None,
                            subject=subject[:200], url=url[:300], post_id=post_id,
                            created_at=utcnow())
        note.actor = db.session.get(User, actor.id) if actor is not None else None
        db.session.add(note)
        db.session.flush()
        record_event(channels.user(user_id), "notification", notification_payload(note),
                     subject=f"notification:{note.id}")
        notified.append(user_id)
    return notified


def _users_named(names: list[str]) -> list[int]:
    if not names:
        return []
    return list(db.session.scalars(select(User.id).where(User.username_key.in_(names))))


def notify_mentions(actor: User, post: Post, thread: Post, *, previous_body: str = "") -> list[int]:
    """Notify users @mentioned in the post (on edit: only the newly mentioned ones)."""
    before = set(mentioned_usernames(previous_body))
    names = [name for name in mentioned_usernames(post.body) if name not in before]
    url = thread_url(thread.id) if post.is_question else answer_url(thread.id, post.id)
    return notify(_users_named(names), "mention", actor, thread.title or "", url, post.id)


def notify_new_answer(actor_id: int, answer_id: int) -> None:
    """Mentions first; then the asker; then everyone watching the thread. Muting a thread
    silences all but mentions. post_answer runs it as a follow-up (see db.follow_up), so the
    answer reaches the thread's readers without waiting for its notifications."""
    actor, answer = db.session.get(User, actor_id), db.session.get(Post, answer_id)
    thread = db.session.get(Post, answer.parent_id)
    done = set(notify_mentions(actor, answer, thread)) | {actor.id}
    url = answer_url(thread.id, answer.id)
    levels = dict(db.session.execute(select(ThreadWatch.user_id, ThreadWatch.level)
                                     .where(ThreadWatch.thread_id == thread.id)).all())
    if thread.author_id not in done and levels.get(thread.author_id) != WatchLevel.MUTED:
        done |= set(notify([thread.author_id], "answer_on_your_thread", actor, thread.title, url,
                           answer.id))
    watchers = [uid for uid, level in levels.items() if level == WatchLevel.WATCHING and uid not in done]
    notify(sorted(watchers), "reply_in_watched_thread", actor, thread.title, url, answer.id)


def mark_read(user: User, ids: object = None, *, all_: bool = False) -> int:
    """Mark some (ids) or all of the user's notifications read; returns the unread count left."""
    if not all_ and (not isinstance(ids, list) or len(ids) > MAX_READ_IDS
                     or not all(is_row_id(i) for i in ids)):
        raise ValidationFailed({"ids": f"must be a list of at most {MAX_READ_IDS} notification ids"})
    with atomic():
        stmt = update(Notification).where(Notification.user_id == user.id,
                                          Notification.read_at.is_(None))
        if not all_:
            stmt = stmt.where(Notification.id.in_(ids or [-1]))
        db.session.execute(stmt.values(read_at=func.coalesce(Notification.read_at, utcnow()))
                           .execution_options(synchronize_session=False))
        unread = count_unread(user)
        record_event(channels.user(user.id), "notifications_read", {"unread_count": unread},
                     subject=f"user:{user.id}")
    return unread
