"""Following tags and watching threads.

A followed tag brings its questions and resources to the member's home ("For you"). A watched
thread notifies the member of every new answer; asking or answering watches it automatically,
unless the member muted it, which also silences the asker's own "new answer" notifications.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from ..db import atomic, insert_ignoring_conflicts
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..models import Tag, TagFollow, ThreadWatch, User, WatchLevel, WatchReason
from ..models.base import utcnow
from ..permissions import require_active_account
from ..queries.threads import access_thread

LEVELS = tuple(level.value for level in WatchLevel)


MAX_TAG_NAME = 35  # Tag.name's length


def _tag_named(name: object) -> Tag:
    """The tag by name (case-insensitively); a name no tag could have is simply not found (never
    sent to the database: PostgreSQL refuses NUL in text)."""
    wanted = name.strip().lower() if isinstance(name, str) else ""
    readable = 0 < len(wanted) <= MAX_TAG_NAME and "\x00" not in wanted
    tag = db.session.scalar(select(Tag).where(Tag.name == wanted)) if readable else None
    if tag is None:
        raise NotFound("No such tag.")
    return tag


def follow_tag(actor: User, name: object) -> Tag:
    """Follow a tag (following it again changes nothing)."""
    require_active_account(actor)
    with atomic():
        tag = _tag_named(name)
        insert_ignoring_conflicts(TagFollow.__table__, [
            {"user_id": actor.id, "tag_id": tag.id, "created_at": utcnow()}])
    return tag


def unfollow_tag(actor: User, name: object) -> Tag:
    require_active_account(actor)
    with atomic():
        tag = _tag_named(name)
        db.session.execute(delete(TagFollow).where(TagFollow.user_id == actor.id, TagFollow.tag_id == tag.id))
    return tag


def set_thread_watch(actor: User, thread_id: object, level: object) -> ThreadWatch:
    """Watch a thread (notified of every new answer) or mute it (never notified, never watched
    again by answering)."""
    require_active_account(actor)
    if level not in LEVELS:
        raise ValidationFailed({"level": "must be one of " + ", ".join(LEVELS)})
    with atomic():
        thread = access_thread(actor, thread_id)
        watch = db.session.get(ThreadWatch, (actor.id, thread.id))
        if watch is None:
            watch = ThreadWatch(user_id=actor.id, thread_id=thread.id, reason=WatchReason.MANUAL.value,
                                created_at=utcnow())
            db.session.add(watch)
        watch.level = str(level)
        db.session.flush()
    return watch


def stop_watching(actor: User, thread_id: object) -> None:
    """Back to the default: no notifications, and answering watches the thread again."""
    require_active_account(actor)
    with atomic():
        thread = access_thread(actor, thread_id)
        db.session.execute(delete(ThreadWatch).where(ThreadWatch.user_id == actor.id,
                                                     ThreadWatch.thread_id == thread.id))


def watch_automatically(user_id: int, thread_id: int, reason: WatchReason) -> None:
    """Inside the asking or answering transaction (so no answer committed right after it can miss
    notifying this member): watch the thread unless already watched or muted."""
    insert_ignoring_conflicts(ThreadWatch.__table__, [
        {"user_id": user_id, "thread_id": thread_id, "level": WatchLevel.WATCHING.value,
         "reason": reason.value, "created_at": utcnow()}])
