"""Reading milestones: progress counted from community activity, lists and visibility.

Progress is never stored for the automatic metrics: it is counted from the live posts and the
resource completions of the owner between ``starts_at`` and ``due_at``, so deleting an answer
lowers it again. ``milestone_progress`` counts any number of milestones in at most three queries
(one per automatic metric that occurs), grouped by milestone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from ..errors import Forbidden, NotFound
from ..extensions import db
from ..models import (
    Milestone,
    MilestoneMetric,
    MilestoneShare,
    Post,
    PostType,
    Resource,
    ResourceCompletion,
    Tag,
    User,
    post_tags,
)
from ..models.base import is_row_id, utcnow
from .paging import Page

Thread = aliased(Post, name="milestone_thread")


def _in_window(moment: ColumnElement[datetime]) -> ColumnElement[bool]:
    return and_(moment >= Milestone.starts_at, or_(Milestone.due_at.is_(None), moment <= Milestone.due_at))


def _in_tag(thread_id: ColumnElement[int]) -> ColumnElement[bool]:
    tagged = exists().where(post_tags.c.post_id == thread_id, post_tags.c.tag_id == Milestone.tag_id)
    return or_(Milestone.tag_id.is_(None), tagged)


def _count_answers(ids: list[int]) -> dict[int, int]:
    """Live answers by the owner, on live questions (in the tag when set), inside the window."""
    rows = db.session.execute(
        select(Milestone.id, func.count(Post.id))
        .join(Post, and_(Post.author_id == Milestone.owner_id, Post.post_type == PostType.ANSWER.value,
                         Post.deleted_at.is_(None), _in_window(Post.created_at)))
        .join(Thread, and_(Thread.id == Post.parent_id, Thread.deleted_at.is_(None)))
        .where(Milestone.id.in_(ids), _in_tag(Thread.id))
        .group_by(Milestone.id))
    return dict(rows.all())


def _count_questions(ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Milestone.id, func.count(Post.id))
        .join(Post, and_(Post.author_id == Milestone.owner_id, Post.post_type == PostType.QUESTION.value,
                         Post.deleted_at.is_(None), _in_window(Post.created_at)))
        .where(Milestone.id.in_(ids), _in_tag(Post.id))
        .group_by(Milestone.id))
    return dict(rows.all())


def _count_resources(ids: list[int]) -> dict[int, int]:
    """Resources the owner marked as done inside the window (of the kind when set); a resource
    removed from the library no longer counts."""
    rows = db.session.execute(
        select(Milestone.id, func.count(ResourceCompletion.resource_id))
        .join(ResourceCompletion, and_(ResourceCompletion.user_id == Milestone.owner_id,
                                       _in_window(ResourceCompletion.completed_at)))
        .join(Resource, and_(Resource.id == ResourceCompletion.resource_id, Resource.deleted_at.is_(None)))
        .where(Milestone.id.in_(ids),
               or_(Milestone.resource_kind.is_(None), Resource.kind == Milestone.resource_kind))
        .group_by(Milestone.id))
    return dict(rows.all())


_COUNTERS = {
    MilestoneMetric.ANSWERS.value: _count_answers,
    MilestoneMetric.QUESTIONS.value: _count_questions,
    MilestoneMetric.RESOURCES_FINISHED.value: _count_resources,
}


def milestone_progress(milestones: Iterable[Milestone]) -> dict[int, int]:
    """{milestone id: progress} for every milestone given, in one query per automatic metric."""
    milestones = list(milestones)
    progress = {m.id: m.manual_progress for m in milestones if m.metric == MilestoneMetric.MANUAL.value}
    by_metric: dict[str, list[int]] = {}
    for milestone in milestones:
        if milestone.metric in _COUNTERS:
            by_metric.setdefault(milestone.metric, []).append(milestone.id)
            progress[milestone.id] = 0
    for metric, ids in by_metric.items():
        progress.update(_COUNTERS[metric](ids))
    return progress


@dataclass(frozen=True)
class MilestoneView:
    """A milestone with what its payload and page show beside the row."""

    milestone: Milestone
    progress: int
    tag: str | None
    status: str


def milestone_views(milestones: Iterable[Milestone], now: datetime | None = None) -> list[MilestoneView]:
    """Progress, tag names and status for a list, in a fixed number of queries."""
    milestones = list(milestones)
    progress = milestone_progress(milestones)
    tag_ids = {m.tag_id for m in milestones if m.tag_id is not None}
    names = dict(db.session.execute(select(Tag.id, Tag.name).where(Tag.id.in_(tag_ids))).all()
                 ) if tag_ids else {}
    now = now or utcnow()
    return [MilestoneView(m, progress.get(m.id, 0), names.get(m.tag_id) if m.tag_id else None,
                          status_of(m, now)) for m in milestones]


def status_of(milestone: Milestone, now: datetime | None = None) -> str:
    """"reached" once stamped, "missed" when due passed without it, otherwise "active"."""
    if milestone.reached_at is not None:
        return "reached"
    if milestone.due_at is not None and milestone.due_at < (now or utcnow()):
        return "missed"
    return "active"


def is_open(milestone: Milestone, now: datetime) -> bool:
    """Started, not due yet and not reached: activity (or a typed-in number) can still reach it."""
    return (milestone.reached_at is None and milestone.starts_at <= now
            and (milestone.due_at is None or milestone.due_at >= now))


def unreached_due_within(now: datetime, lead: timedelta) -> list[int]:
    """Ids of the unreached milestones due in (now, now + lead], soonest first."""
    return list(db.session.scalars(
        select(Milestone.id).where(Milestone.reached_at.is_(None), Milestone.due_at > now,
                                   Milestone.due_at <= now + lead)
        .order_by(Milestone.due_at, Milestone.id)))


def unreached_automatic(user_id: int, metric: MilestoneMetric | None = None) -> Sequence[Milestone]:
    """The owner's milestones that activity could still reach (started, not due, not reached),
    of ``metric`` when given."""
    now = utcnow()
    stmt = (select(Milestone)
            .where(Milestone.owner_id == user_id, Milestone.reached_at.is_(None),
                   Milestone.metric != MilestoneMetric.MANUAL.value, Milestone.starts_at <= now,
                   or_(Milestone.due_at.is_(None), Milestone.due_at >= now)))
    if metric is not None:
        stmt = stmt.where(Milestone.metric == metric.value)
    return db.session.scalars(stmt.order_by(Milestone.id)).all()


def can_read(viewer: User | None, milestone: Milestone) -> bool:
    """The owner and the colleagues it is shared with; nobody else (not even moderators)."""
    if viewer is None:
        return False
    return milestone.owner_id == viewer.id or any(s.user_id == viewer.id for s in milestone.shares)


def visible_milestone(viewer: User | None, milestone_id: object) -> Milestone:
    """The milestone if the viewer may read it; NotFound otherwise (never reveals it exists)."""
    milestone = db.session.get(Milestone, milestone_id) if is_row_id(milestone_id) else None
    if milestone is None or not can_read(viewer, milestone):
        raise NotFound("milestone")
    return milestone


def owned_milestone(actor: User, milestone_id: object) -> Milestone:
    """The milestone for a change by its owner (a write, or the edit form): 404 when the actor may
    not see it, 403 when it is only shared with them."""
    milestone = visible_milestone(actor, milestone_id)
    if milestone.owner_id != actor.id:
        raise Forbidden("Only the owner can change a milestone.")
    return milestone


def _listed(stmt: Select, page: Page) -> tuple[list[Milestone], int]:
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(
        stmt.order_by(Milestone.reached_at.is_not(None), Milestone.due_at.is_(None), Milestone.due_at,
                      Milestone.id.desc())
        .offset(page.offset).limit(page.per_page)).all()
    return list(rows), total


def my_milestones(owner: User, page: Page) -> tuple[list[Milestone], int]:
    """The owner's milestones: unreached first, soonest due first."""
    return _listed(select(Milestone).where(Milestone.owner_id == owner.id), page)


def shared_with(viewer: User, page: Page) -> tuple[list[Milestone], int]:
    return _listed(select(Milestone).join(MilestoneShare, and_(MilestoneShare.milestone_id == Milestone.id,
                                                               MilestoneShare.user_id == viewer.id)), page)
