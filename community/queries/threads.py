"""Reading threads, answers and votes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, bindparam, case, func, select
from sqlalchemy.orm import selectinload

from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..models import Event, Post, PostType, Tag, User, Vote, post_tags
from ..models.base import is_row_id
from ..permissions import can_see_deleted, can_view_post
from ..realtime import channels
from ..text.validation import text_problem
from .paging import Page

THREAD_STATUSES = ("unanswered", "unsolved", "solved")
THREAD_SORTS = ("active", "newest", "votes")


is_post_id = is_row_id  # the name the post-facing callers read best with


# Built once: nearly every action reads its post this way, and building a statement (and its cache
# key) cost more than running it.
_POST_BY_ID = select(Post).where(Post.id == bindparam("post_id"))
_POST_BY_ID_FOR_UPDATE = (_POST_BY_ID.with_for_update(of=Post)
                          .execution_options(populate_existing=True))


def get_post(post_id: int, *, for_update: bool = False) -> Post | None:
    return db.session.scalar(_POST_BY_ID_FOR_UPDATE if for_update else _POST_BY_ID, {"post_id": post_id})


def access_post(actor: User | None, post_id: object, *, for_update: bool = False) -> Post:
    """The post if it exists and the actor may see it; NotFound otherwise (never leak it)."""
    if not is_post_id(post_id):
        raise NotFound("No such post.")
    post = get_post(post_id, for_update=for_update)
    if post is None or not can_view_post(actor, post):
        raise NotFound("No such post.")
    if post.parent_id is not None:  # an answer is as hidden as its deleted question
        thread = get_post(post.parent_id)
        if thread is None or not can_view_post(actor, thread):
            raise NotFound("No such post.")
    return post


@dataclass(frozen=True)
class ThreadGate:
    """Whether a thread is a question every reader may see, its version (the newest event id
    of its channel) and its view count, read in one statement without loading the thread."""

    public: bool
    version: int
    view_count: int


# Built once: this runs on every cached read, where building and ORM-executing a statement cost
# more than the database does (Core execution of a prepared select, no objects loaded).
_THREAD_GATE = select(
    Post.post_type, Post.deleted_at, Post.hidden_at, Post.view_count,
    select(func.max(Event.id)).where(Event.channel == bindparam("channel")).scalar_subquery(),
).where(Post.id == bindparam("thread_id"))


def get_thread_gate(thread_id: int) -> ThreadGate | None:
    if not is_post_id(thread_id):
        return None
    row = db.session.connection().execute(
        _THREAD_GATE, {"thread_id": thread_id, "channel": channels.thread(thread_id)}).first()
    if row is None:
        return None
    public = (row[0] == PostType.QUESTION.value and row[1] is None and row[2] is None)
    return ThreadGate(public, row[4] or 0, row[3])


def access_thread(actor: User | None, thread_id: object, *, for_update: bool = False) -> Post:
    post = access_post(actor, thread_id, for_update=for_update)
    if not post.is_question:
        raise NotFound("No such question.")
    return post


def list_answers(actor: User | None, thread: Post) -> list[Post]:
    """Accepted first, then score (highest first), then oldest first."""
    stmt = select(Post).where(Post.parent_id == thread.id)
    if not can_see_deleted(actor):
        stmt = stmt.where(Post.deleted_at.is_(None))
    accepted_first = case((Post.id == thread.accepted_answer_id, 0), else_=1)
    stmt = stmt.order_by(accepted_first, Post.score.desc(), Post.created_at, Post.id)
    return list(db.session.scalars(stmt))


def my_votes(actor: User | None, post_ids: list[int]) -> dict[int, int]:
    if not getattr(actor, "is_authenticated", False) or not post_ids:
        return {}
    rows = db.session.execute(
        select(Vote.post_id, Vote.value).where(Vote.user_id == actor.id,
                                               Vote.post_id.in_(post_ids)))
    return {post_id: value for post_id, value in rows}


@dataclass(frozen=True)
class ThreadFilter:
    tag: str | None = None
    status: str | None = None
    sort: str = "active"
    author: str | None = None


def check_thread_filter(tag: object = None, status: object = None, sort: object = None,
                        author: object = None) -> ThreadFilter:
    if status not in (None, "", *THREAD_STATUSES):
        raise ValidationFailed({"status": "must be one of " + ", ".join(THREAD_STATUSES)})
    if sort not in (None, "", *THREAD_SORTS):
        raise ValidationFailed({"sort": "must be one of " + ", ".join(THREAD_SORTS)})
    for name, value in (("tag", tag), ("author", author)):
        if value is not None and (not isinstance(value, str) or len(value) > 200):
            raise ValidationFailed({name: "is not a valid name"})
        if value is not None and text_problem(value):
            raise ValidationFailed({name: text_problem(value)})
    return ThreadFilter(tag=tag or None, status=status or None, sort=sort or "active",
                        author=author or None)


def _filtered_threads(actor: User | None, flt: ThreadFilter) -> Select:
    stmt = select(Post).where(Post.post_type == PostType.QUESTION.value)
    if not can_see_deleted(actor):  # moderators list deleted and flag-hidden questions too
        stmt = stmt.where(Post.deleted_at.is_(None), Post.hidden_at.is_(None))
    if flt.tag:
        stmt = stmt.where(Post.id.in_(
            select(post_tags.c.post_id).join(Tag, Tag.id == post_tags.c.tag_id)
            .where(Tag.name == flt.tag)))
    if flt.author:
        stmt = stmt.where(Post.author_id.in_(
            select(User.id).where(User.username_key == flt.author.lower())))
    if flt.status == "unanswered":
        stmt = stmt.where(Post.answer_count == 0)
    elif flt.status == "unsolved":
        stmt = stmt.where(Post.accepted_answer_id.is_(None))
    elif flt.status == "solved":
        stmt = stmt.where(Post.accepted_answer_id.is_not(None))
    return stmt


_ORDER = {
    "active": (Post.last_activity_at.desc(), Post.id.desc()),
    "newest": (Post.created_at.desc(), Post.id.desc()),
    "votes": (Post.score.desc(), Post.last_activity_at.desc(), Post.id.desc()),
}


def list_threads(actor: User | None, flt: ThreadFilter, page: Page) -> tuple[list[Post], int]:
    stmt = _filtered_threads(actor, flt)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(
        stmt.options(selectinload(Post.tags))
        .order_by(*_ORDER[flt.sort]).offset(page.offset).limit(page.per_page))
    return list(rows), total


def list_tags(prefix: str = "", limit: int = 20) -> list[Tag]:
    stmt = select(Tag)
    if prefix:
        escaped = prefix.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Tag.name.like(escaped + "%", escape="\\"))
    stmt = stmt.order_by(Tag.question_count.desc(), Tag.name).limit(limit)
    return list(db.session.scalars(stmt))


def get_tag(name: str) -> Tag | None:
    return db.session.scalar(select(Tag).where(Tag.name == name))


def list_tags_page(prefix: str, page: Page) -> tuple[list[Tag], int]:
    """Tags whose name starts with ``prefix``, most used first: one page and the total."""
    stmt = select(Tag)
    if prefix:
        escaped = prefix.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Tag.name.like(escaped + "%", escape="\\"))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.order_by(Tag.question_count.desc(), Tag.name)
                              .offset(page.offset).limit(page.per_page))
    return list(rows), total
