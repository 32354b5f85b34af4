"""Reading what a member follows: their tags, and the threads they watch or muted."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Post, Tag, TagFollow, ThreadWatch, User
from ..permissions import can_see_deleted
from .paging import Page


def _member(user: User | None) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def followed_tags(user: User | None) -> list[Tag]:
    """The member's followed tags, by name (nobody follows anything anonymously)."""
    if not _member(user):
        return []
    return list(db.session.scalars(
        select(Tag).join(TagFollow, TagFollow.tag_id == Tag.id)
        .where(TagFollow.user_id == user.id).order_by(Tag.name)))


def is_following(user: User | None, tag: Tag) -> bool:
    if not _member(user):
        return False
    return db.session.get(TagFollow, (user.id, tag.id)) is not None


def watch_level(user: User | None, thread_id: int) -> str | None:
    """"watching", "muted", or None (the default: not watched) for the member on this thread."""
    if not _member(user):
        return None
    return db.session.scalar(select(ThreadWatch.level).where(ThreadWatch.user_id == user.id,
                                                             ThreadWatch.thread_id == thread_id))


def watched_threads(user: User, page: Page) -> tuple[list[tuple[Post, str]], int]:
    """The threads the member watches or muted, most recently active first, with the level.
    Deleted threads (and others' threads hidden by flags) drop out, as they do everywhere."""
    stmt = (select(Post, ThreadWatch.level).join(ThreadWatch, ThreadWatch.thread_id == Post.id)
            .where(ThreadWatch.user_id == user.id))
    if not can_see_deleted(user):
        stmt = stmt.where(Post.deleted_at.is_(None),
                          or_(Post.hidden_at.is_(None), Post.author_id == user.id))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.execute(stmt.options(selectinload(Post.tags))
                              .order_by(Post.last_activity_at.desc(), Post.id.desc())
                              .offset(page.offset).limit(page.per_page)).all()
    return [(thread, level) for thread, level in rows], total
