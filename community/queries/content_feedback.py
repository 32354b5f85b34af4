"""Reading "was this helpful?" feedback on answers and resources.

Who may read what (see community/models/feedback.py):

- every member sees the totals of an item through the API and their own feedback (``mine``);
- the item's author and moderators also see the comments, without who wrote them;
- nobody but the giver ever learns who gave which feedback: no query here returns a user id, and a
  comment carries only the UTC day it was written (a time to the minute could tell an author who
  was on the page then).

Pages read many items at once (every answer of a thread) in a constant number of statements.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..models import ContentFeedback, FeedbackTarget, Post, PostType, Resource, User
from ..models.base import UTCDateTime
from ..payloads.common import answer_url
from ..payloads.resources import resource_page_url
from ..permissions import thread_refusal
from .paging import Page
from .resources import access_resource
from .threads import access_post

COMMENTS_SHOWN = 50  # per item, newest first; the counts always cover every feedback


def check_target_type(value: object) -> FeedbackTarget:
    try:
        return FeedbackTarget(value)
    except ValueError:
        raise ValidationFailed({"target_type": "must be answer or resource"}) from None


# --- permissions --------------------------------------------------------------------------------

def _member(user: User | None) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def can_read_feedback_details(viewer: User | None, author_id: int) -> bool:
    """The comments (never who wrote them): the item's author and moderators."""
    return _member(viewer) and (viewer.is_moderator or viewer.id == author_id)


def can_give_feedback(viewer: User | None, author_id: int, *, deleted: bool = False,
                      frozen: bool = False) -> bool:
    """Active members on what others wrote, while it is not deleted (nor in a thread locked to
    them: feedback is a kind of vote, and a lock stops votes)."""
    return (_member(viewer) and not viewer.is_suspended and viewer.id != author_id
            and not deleted and not frozen)


# --- the items feedback is about ------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """An answer or resource the caller may see, as far as feedback is concerned."""

    type: FeedbackTarget
    id: int
    author_id: int
    deleted: bool
    item: Post | Resource


def access_target(actor: User | None, target_type: FeedbackTarget, target_id: object) -> Target:
    """The answer or resource if the actor may see it; NotFound otherwise. Questions take no
    feedback (the answers to them do): a question's id is a 404 here, as if it had no such item."""
    if target_type is FeedbackTarget.ANSWER:
        post = access_post(actor, target_id)
        if post.is_question:
            raise NotFound("Feedback is given on answers; this post is a question.")
        return Target(target_type, post.id, post.author_id, post.is_deleted, post)
    resource = access_resource(actor, target_id)
    return Target(target_type, resource.id, resource.shared_by_id, resource.is_deleted, resource)


# --- summaries ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class FeedbackComment:
    helpful: bool
    comment: str
    day: date  # the UTC day it was written, deliberately no finer

    @property
    def created_at(self) -> datetime:
        return datetime.combine(self.day, time(), tzinfo=UTC)


@dataclass(frozen=True)
class MyFeedback:
    helpful: bool
    comment: str


@dataclass
class FeedbackSummary:
    target_type: str
    target_id: int
    helpful_count: int = 0
    not_helpful_count: int = 0
    mine: MyFeedback | None = None
    comments: list[FeedbackComment] | None = None  # None: the viewer may not read them
    comment_count: int = 0

    @property
    def total(self) -> int:
        return self.helpful_count + self.not_helpful_count


@dataclass
class _Aggregate:
    helpful: int = 0
    not_helpful: int = 0
    comments: list[FeedbackComment] = field(default_factory=list)


def _read(target_type: FeedbackTarget, *, counted: list[int], commented: list[int],
          viewer: User | None = None, mine_of: list[int] = ()) -> tuple[dict[int, _Aggregate],
                                                                        dict[int, MyFeedback]]:
    """In ONE statement (UNION ALL) whatever the number of items: the counts of the ``counted``
    items (one row per item and answer), the comments of the ``commented`` ones and the viewer's
    own feedback on the ``mine_of`` ones. Returns the aggregates and the viewer's feedback."""
    def of(ids: list[int]) -> ColumnElement[bool]:
        return and_(ContentFeedback.target_type == target_type.value, ContentFeedback.target_id.in_(ids))

    row_columns = (ContentFeedback.target_id, ContentFeedback.helpful, literal_column("1"),
                   ContentFeedback.comment, ContentFeedback.created_at, ContentFeedback.id)
    parts = []  # the first part fixes the result types, so the ones with real columns go first
    if commented:
        parts.append(select(literal_column("'comment'"), *row_columns)
                     .where(of(commented), ContentFeedback.comment != ""))
    if mine_of and _member(viewer):
        parts.append(select(literal_column("'mine'"), *row_columns)
                     .where(of(mine_of), ContentFeedback.user_id == viewer.id))
    if counted:
        parts.append(select(literal_column("'count'"), ContentFeedback.target_id, ContentFeedback.helpful,
                            func.count(), cast(null(), String), cast(null(), UTCDateTime),
                            cast(null(), ContentFeedback.id.type))
                     .where(of(counted)).group_by(ContentFeedback.target_id, ContentFeedback.helpful))
    if not parts:
        return {}, {}
    statement = parts[0] if len(parts) == 1 else union_all(*parts)
    found: dict[int, _Aggregate] = defaultdict(_Aggregate)
    mine: dict[int, MyFeedback] = {}
    # Comments newest first; among those of one day the order says nothing about who wrote them.
    for part, target_id, helpful, n, comment, created_at, _row_id in sorted(
            db.session.execute(statement).all(), key=lambda r: -(r[6] or 0)):
        if part == "mine":
            mine[target_id] = MyFeedback(bool(helpful), comment)
        elif part == "comment":
            found[target_id].comments.append(FeedbackComment(bool(helpful), comment, created_at.date()))
        elif helpful:
            found[target_id].helpful += int(n)
        else:
            found[target_id].not_helpful += int(n)
    return found, mine


def _summary(target_type: FeedbackTarget, target_id: int, aggregate: _Aggregate | None,
             mine: MyFeedback | None, details: bool) -> FeedbackSummary:
    aggregate = aggregate or _Aggregate()
    return FeedbackSummary(target_type.value, target_id, aggregate.helpful, aggregate.not_helpful, mine,
                           aggregate.comments[:COMMENTS_SHOWN] if details else None,
                           len(aggregate.comments) if details else 0)


def summary_for(viewer: User | None, target: Target) -> FeedbackSummary:
    """What the API shows the viewer about one item (one statement)."""
    details = can_read_feedback_details(viewer, target.author_id)
    found, mine = _read(target.type, counted=[target.id], commented=[target.id] if details else [],
                        viewer=viewer, mine_of=[target.id])
    return _summary(target.type, target.id, found.get(target.id), mine.get(target.id), details)


@dataclass(frozen=True)
class ItemFeedback:
    """What a page shows under one item: the viewer's own choice and, for its author and
    moderators, the summary."""

    can_give: bool
    mine: MyFeedback | None
    summary: FeedbackSummary | None


@dataclass(frozen=True)
class PageFeedback:
    target_type: FeedbackTarget
    items: dict[int, ItemFeedback]

    def for_item(self, item_id: int) -> ItemFeedback:
        """The item's feedback; an item the page did not load (the stand-in of live answers) is
        one the viewer may give feedback on, with nothing given yet."""
        return self.items.get(item_id) or ItemFeedback(True, None, None)


def page_feedback(viewer: User | None, target_type: FeedbackTarget,
                  items: list[tuple[int, int]], *, frozen: bool = False) -> PageFeedback | None:
    """The feedback rows of a page: ``items`` are (id, author id) of the live items on it.

    One statement whatever the number of items: the viewer's own feedback, and the aggregates
    of the items the viewer may read them for (their own, or all for moderators).
    None for anonymous viewers: the widget is not shown to them (nor stored in cached pages).
    """
    if not _member(viewer):
        return None
    givable = {item_id for item_id, author_id in items
               if can_give_feedback(viewer, author_id, frozen=frozen)}
    readable = [item_id for item_id, author_id in items if can_read_feedback_details(viewer, author_id)]
    aggregates, mine = _read(target_type, counted=readable, commented=readable, viewer=viewer,
                             mine_of=sorted(givable))
    readable_set = set(readable)
    return PageFeedback(target_type, {
        item_id: ItemFeedback(item_id in givable, mine.get(item_id),
                              _summary(target_type, item_id, aggregates.get(item_id), None, True)
                              if item_id in readable_set else None)
        for item_id, _author_id in items})


# --- an author's summary across their answers and resources ---------------------------------------

@dataclass(frozen=True)
class FeedbackTotals:
    helpful_count: int
    not_helpful_count: int
    answer_count: int  # answers with feedback
    resource_count: int  # resources with feedback

    @property
    def total(self) -> int:
        return self.helpful_count + self.not_helpful_count

    @property
    def item_count(self) -> int:
        return self.answer_count + self.resource_count


@dataclass(frozen=True)
class FeedbackItem:
    summary: FeedbackSummary
    title: str
    url: str
    hidden: bool  # hidden by flags: only its author and moderators see it


def _authored_feedback(author: User):
    """One row per live answer or resource of the author that has feedback: type, id, counts and
    the latest change (the answer's thread must be live too, else the author can't see it)."""
    thread = aliased(Post)
    answers = (select(Post.id).join(thread, thread.id == Post.parent_id)
               .where(Post.author_id == author.id, Post.post_type == PostType.ANSWER.value,
                      Post.deleted_at.is_(None), thread.deleted_at.is_(None)))
    resources = select(Resource.id).where(Resource.shared_by_id == author.id, Resource.deleted_at.is_(None))
    helpful = func.sum(case((ContentFeedback.helpful, 1), else_=0))
    return (select(ContentFeedback.target_type, ContentFeedback.target_id,
                   helpful.label("helpful"), (func.count() - helpful).label("not_helpful"),
                   func.max(ContentFeedback.updated_at).label("latest"))
            .where(or_(and_(ContentFeedback.target_type == FeedbackTarget.ANSWER.value,
                            ContentFeedback.target_id.in_(answers)),
                       and_(ContentFeedback.target_type == FeedbackTarget.RESOURCE.value,
                            ContentFeedback.target_id.in_(resources))))
            .group_by(ContentFeedback.target_type, ContentFeedback.target_id)
            .subquery())


def author_totals(author: User) -> FeedbackTotals:
    per_item = _authored_feedback(author)
    is_answer = case((per_item.c.target_type == FeedbackTarget.ANSWER.value, 1), else_=0)
    row = db.session.execute(select(func.sum(per_item.c.helpful), func.sum(per_item.c.not_helpful),
                                    func.sum(is_answer), func.count())).one()
    helpful, not_helpful, answers, items = (int(value or 0) for value in row)
    return FeedbackTotals(helpful, not_helpful, answers, items - answers)


def _titled(answer_ids: list[int], resource_ids: list[int]) -> dict[tuple[str, int], tuple[str, str, bool]]:
    """(title, page URL, hidden) of each answer (its thread's title) and resource, in three
    statements at most."""
    found: dict[tuple[str, int], tuple[str, str, bool]] = {}
    if answer_ids:
        answers = list(db.session.scalars(select(Post).where(Post.id.in_(answer_ids))))
        titles = dict(db.session.execute(select(Post.id, Post.title).where(
            Post.id.in_({a.parent_id for a in answers}))).all())
        for a in answers:
            found[FeedbackTarget.ANSWER.value, a.id] = (titles.get(a.parent_id) or "",
                                                        answer_url(a.parent_id, a.id), a.is_hidden)
    if resource_ids:
        for r in db.session.scalars(select(Resource).where(Resource.id.in_(resource_ids))):
            found[FeedbackTarget.RESOURCE.value, r.id] = (r.title, resource_page_url(r.id), r.is_hidden)
    return found


def list_author_feedback(author: User, page: Page) -> tuple[list[FeedbackItem], int]:
    """The author's answers and resources that have feedback, latest feedback first, each with
    its counts and comments (for the author, or a moderator reading for them)."""
    per_item = _authored_feedback(author)
    total = db.session.scalar(select(func.count()).select_from(per_item)) or 0
    rows = db.session.execute(select(per_item).order_by(
        per_item.c.latest.desc(), per_item.c.target_type, per_item.c.target_id.desc())
        .limit(page.per_page).offset(page.offset)).all()
    ids = {kind: [r.target_id for r in rows if r.target_type == kind.value] for kind in FeedbackTarget}
    titled = _titled(ids[FeedbackTarget.ANSWER], ids[FeedbackTarget.RESOURCE])
    comments = {kind: _read(kind, counted=[], commented=ids[kind])[0] for kind in FeedbackTarget}
    items = []
    for row in rows:
        kind = FeedbackTarget(row.target_type)
        if (row.target_type, row.target_id) not in titled:
            continue  # deleted from the database since the count
        title, url, hidden = titled[row.target_type, row.target_id]
        aggregate = comments[kind].get(row.target_id) or _Aggregate()
        summary = FeedbackSummary(kind.value, row.target_id, int(row.helpful or 0), int(row.not_helpful or 0),
                                  None, aggregate.comments[:COMMENTS_SHOWN], len(aggregate.comments))
        items.append(FeedbackItem(summary, title, url, hidden))
    return items, total


def thread_page_feedback(viewer: User | None, thread: Post, answers: list[Post]) -> PageFeedback | None:
    """The feedback under the live answers of a thread page (see page_feedback)."""
    frozen = _member(viewer) and thread_refusal(viewer, thread) is not None
    return page_feedback(viewer, FeedbackTarget.ANSWER,
                         [(a.id, a.author_id) for a in answers if not a.is_deleted], frozen=frozen)


def resource_page_feedback(viewer: User | None, resource: Resource) -> PageFeedback | None:
    if resource.is_deleted:
        return None
    return page_feedback(viewer, FeedbackTarget.RESOURCE, [(resource.id, resource.shared_by_id)])
