"""Badge conditions: small queries run inside the action's transaction.

Each condition is a frozen dataclass (so a rule is plain, comparable data: ``AcceptedCount(25)``)
called with a Context; it returns the subjects the user qualifies for right now. A once-only
badge returns at most one Earned with subject "".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import (
    HelpRequest,
    HelpStatus,
    Kudos,
    Milestone,
    Post,
    PostType,
    Resource,
    ResourceRating,
    Room,
    Tag,
    TrackEnrollment,
    User,
    Vote,
    post_tags,
)
from ..models.base import utc_date
from ..payloads import answer_url, thread_url, user_url
from .base import Context, Earned

Question = aliased(Post, name="question")


def _post_url(post_id: int, parent_id: int | None) -> str:
    return thread_url(post_id) if parent_id is None else answer_url(parent_id, post_id)


def _live_posts(user_id: int, post_type: PostType) -> Select:
    return select(Post.id, Post.parent_id).where(
        Post.author_id == user_id, Post.post_type == post_type.value, Post.deleted_at.is_(None))


@dataclass(frozen=True)
class PostCount:
    """At least ``count`` live questions (or answers); earned by the count-th one."""

    post_type: PostType
    count: int

    def __call__(self, ctx: Context) -> list[Earned]:
        row = db.session.execute(_live_posts(ctx.user_id, self.post_type)
                                 .order_by(Post.created_at, Post.id)
                                 .offset(self.count - 1).limit(1)).first()
        return [Earned("", row.id, _post_url(row.id, row.parent_id))] if row else []


@dataclass(frozen=True)
class PostScore:
    """Each live question (or answer) of the user with a score of at least ``minimum``."""

    post_type: PostType
    minimum: int

    def __call__(self, ctx: Context) -> list[Earned]:
        stmt = _live_posts(ctx.user_id, self.post_type).where(Post.score >= self.minimum)
        if ctx.post_id is not None:
            stmt = stmt.where(Post.id == ctx.post_id)
        return [Earned(f"post:{row.id}", row.id, _post_url(row.id, row.parent_id))
                for row in db.session.execute(stmt.order_by(Post.id))]


def _accepted_answers(user_id: int, post_id: int | None = None) -> Select:
    """The user's live answers accepted on someone else's live question, oldest first."""
    stmt = (select(Post.id, Post.parent_id, Post.created_at,
                   Question.created_at.label("asked_at"), Question.id.label("question_id"))
            .join(Question, Question.accepted_answer_id == Post.id)
            .where(Post.author_id == user_id, Post.deleted_at.is_(None),
                   Question.deleted_at.is_(None), Question.author_id != user_id))
    if post_id is not None:
        stmt = stmt.where(Post.id == post_id)
    return stmt.order_by(Post.created_at, Post.id)


def _first_accepted(ctx: Context, matches: Callable[[Any], bool]) -> list[Earned]:
    """The first accepted answer (only the trigger's answer, when given) that matches."""
    for row in db.session.execute(_accepted_answers(ctx.user_id, ctx.post_id)):
        if matches(row):
            return [Earned("", row.id, answer_url(row.parent_id, row.id))]
    return []


@dataclass(frozen=True)
class AcceptedCount:
    """At least ``count`` answers accepted by other askers; earned by the count-th one."""

    count: int

    def __call__(self, ctx: Context) -> list[Earned]:
        row = db.session.execute(_accepted_answers(ctx.user_id).offset(self.count - 1).limit(1)).first()
        return [Earned("", row.id, answer_url(row.parent_id, row.id))] if row else []


@dataclass(frozen=True)
class AcceptedWithin:
    """An accepted answer posted no later than ``limit`` after its question."""

    limit: timedelta

    def __call__(self, ctx: Context) -> list[Earned]:
        return _first_accepted(ctx, lambda row: row.created_at - row.asked_at <= self.limit)


@dataclass(frozen=True)
class AcceptedAfterWait:
    """An accepted answer to a question that had waited longer than ``wait``, or was tagged ``tag``."""

    wait: timedelta
    tag: str

    def __call__(self, ctx: Context) -> list[Earned]:
        tagged = set(db.session.scalars(
            select(post_tags.c.post_id).join(Tag, Tag.id == post_tags.c.tag_id)
            .where(Tag.name == self.tag, post_tags.c.post_id.in_(
                select(Question.id).join(Post, Question.accepted_answer_id == Post.id)
                .where(Post.author_id == ctx.user_id)))))
        return _first_accepted(ctx, lambda row: row.question_id in tagged
                               or row.created_at - row.asked_at > self.wait)


@dataclass(frozen=True)
class AcceptsGiven:
    """The user accepted someone else's answer on at least ``count`` of their questions."""

    count: int

    def __call__(self, ctx: Context) -> list[Earned]:
        answer = aliased(Post)
        row = db.session.execute(
            select(Post.accepted_answer_id, Post.id)
            .join(answer, answer.id == Post.accepted_answer_id)
            .where(Post.author_id == ctx.user_id, Post.deleted_at.is_(None),
                   answer.author_id != ctx.user_id)
            .order_by(Post.created_at, Post.id).offset(self.count - 1).limit(1)).first()
        if row is None:
            return []
        return [Earned("", row.accepted_answer_id, answer_url(row.id, row.accepted_answer_id))]


@dataclass(frozen=True)
class UpvotesCast:
    count: int

    def __call__(self, ctx: Context) -> list[Earned]:
        total = db.session.scalar(select(func.count(Vote.id))
                                  .where(Vote.user_id == ctx.user_id, Vote.value == 1)) or 0
        return [Earned()] if total >= self.count else []


def _profile_tab_url(user_id: int, tab: str) -> str:
    username = db.session.scalar(select(User.username).where(User.id == user_id))
    return f"{user_url(username)}?tab={tab}" if username else ""


@dataclass(frozen=True)
class KudosReceived:
    """Kudos from at least ``givers`` different colleagues (repeat thanks from one don't add up)."""

    givers: int

    def __call__(self, ctx: Context) -> list[Earned]:
        total = db.session.scalar(select(func.count(func.distinct(Kudos.from_user_id)))
                                  .where(Kudos.to_user_id == ctx.user_id)) or 0
        return [Earned("", None, _profile_tab_url(ctx.user_id, "kudos"))] if total >= self.givers else []


@dataclass(frozen=True)
class KudosGiven:
    """Thanked at least ``recipients`` different colleagues."""

    recipients: int

    def __call__(self, ctx: Context) -> list[Earned]:
        total = db.session.scalar(select(func.count(func.distinct(Kudos.to_user_id)))
                                  .where(Kudos.from_user_id == ctx.user_id)) or 0
        return [Earned()] if total >= self.recipients else []


ANSWER_DAYS_FETCHED = 64  # first-of-day answers read at once; covers every day-count rule


def _first_answers_of_days(user_id: int, count: int) -> list[Any]:
    """The user's first live answer of each UTC day they answered, oldest day first (at most
    ``count``). The database ranks the answers within each day and returns only those rows."""
    day = utc_date(Post.created_at)
    first_of_day = func.row_number().over(partition_by=day, order_by=(Post.created_at, Post.id))
    ranked = (_live_posts(user_id, PostType.ANSWER)
              .add_columns(day.label("day"), first_of_day.label("rank")).subquery())
    return list(db.session.execute(select(ranked.c.id, ranked.c.parent_id).where(ranked.c.rank == 1)
                                   .order_by(ranked.c.day).limit(count)))


@dataclass(frozen=True)
class AnswerDays:
    """Answered on at least ``days`` different UTC days; earned by the first answer of that day.

    Both day-count badges of one evaluation share one query (through ``ctx.shared``).
    """

    days: int

    def __call__(self, ctx: Context) -> list[Earned]:
        count = max(self.days, ANSWER_DAYS_FETCHED)
        key = f"answer_days:{ctx.user_id}:{count}"
        if key not in ctx.shared:
            ctx.shared[key] = _first_answers_of_days(ctx.user_id, count)
        firsts = ctx.shared[key]
        if len(firsts) < self.days:
            return []
        row = firsts[self.days - 1]
        return [Earned("", row.id, answer_url(row.parent_id, row.id))]


def _thread_tag_ids(post_id: int) -> list[int]:
    thread_id = select(func.coalesce(Post.parent_id, Post.id)).where(Post.id == post_id)
    return list(db.session.scalars(select(post_tags.c.tag_id)
                                   .where(post_tags.c.post_id == thread_id.scalar_subquery())))


@dataclass(frozen=True)
class TagAnswerScore:
    """Each tag in which the user's live answers have a total score of at least ``minimum``."""

    minimum: int

    def __call__(self, ctx: Context) -> list[Earned]:
        stmt = (select(Tag.name, func.sum(Post.score))
                .select_from(Post)
                .join(Question, and_(Question.id == Post.parent_id, Question.deleted_at.is_(None)))
                .join(post_tags, post_tags.c.post_id == Question.id)
                .join(Tag, Tag.id == post_tags.c.tag_id)
                .where(Post.author_id == ctx.user_id, Post.post_type == PostType.ANSWER.value,
                       Post.deleted_at.is_(None))
                .group_by(Tag.name).having(func.sum(Post.score) >= self.minimum).order_by(Tag.name))
        if ctx.post_id is not None:  # a vote on one answer only moves the tags of its thread
            stmt = stmt.where(Tag.id.in_(_thread_tag_ids(ctx.post_id)))
        return [Earned(f"tag:{name}", None, f"/tags/{name}") for name, _ in db.session.execute(stmt)]


@dataclass(frozen=True)
class HelpRequestsResolved:
    """Claimed and resolved at least ``count`` help requests in live help rooms."""

    count: int

    def __call__(self, ctx: Context) -> list[Earned]:
        row = db.session.execute(
            select(HelpRequest.id, Room.slug, Room.private).join(Room, Room.id == HelpRequest.room_id)
            .where(HelpRequest.helper_id == ctx.user_id,
                   HelpRequest.status == HelpStatus.RESOLVED.value)
            .order_by(HelpRequest.resolved_at, HelpRequest.id).offset(self.count - 1).limit(1)).first()
        if row is None:
            return []
        # A private room's name is not for everyone who reads the profile.
        return [Earned("", None, "" if row.private else f"/rooms/{row.slug}")]


@dataclass(frozen=True)
class ResourcesRated:
    """Rated at least ``count`` resources (ratings taken back don't count)."""

    count: int

    def __call__(self, ctx: Context) -> list[Earned]:
        row = db.session.execute(
            select(ResourceRating.resource_id).where(ResourceRating.user_id == ctx.user_id)
            .order_by(ResourceRating.created_at, ResourceRating.id).offset(self.count - 1).limit(1)).first()
        return [Earned("", None, f"/resources/{row.resource_id}")] if row else []


@dataclass(frozen=True)
class WellRatedResources:
    """At least ``count`` live resources shared by the user, each rated ``min_average`` stars or
    more on average by at least ``min_ratings`` colleagues."""

    count: int
    min_ratings: int
    min_average: int

    def __call__(self, ctx: Context) -> list[Earned]:
        row = db.session.execute(
            select(Resource.id).where(
                Resource.shared_by_id == ctx.user_id, Resource.deleted_at.is_(None),
                Resource.rating_count >= self.min_ratings,
                Resource.rating_sum >= self.min_average * Resource.rating_count)
            .order_by(Resource.id).offset(self.count - 1).limit(1)).first()
        return [Earned("", None, _profile_tab_url(ctx.user_id, "resources"))] if row else []


@dataclass(frozen=True)
class MilestonesReached:
    """At least ``count`` of the user's own milestones reached; earned by the count-th one."""

    count: int

    def __call__(self, ctx: Context) -> list[Earned]:
        row = db.session.execute(
            select(Milestone.id).where(Milestone.owner_id == ctx.user_id, Milestone.reached_at.is_not(None))
            .order_by(Milestone.reached_at, Milestone.id).offset(self.count - 1).limit(1)).first()
        return [Earned("", None, f"/milestones/{row.id}")] if row else []


@dataclass(frozen=True)
class TracksCompleted:
    """Each certification track the user completed: one award per track (subject track:<id>)."""

    def __call__(self, ctx: Context) -> list[Earned]:
        rows = db.session.scalars(
            select(TrackEnrollment.track_id).where(TrackEnrollment.user_id == ctx.user_id,
                                                   TrackEnrollment.completed_at.is_not(None))
            .order_by(TrackEnrollment.completed_at, TrackEnrollment.id))
        return [Earned(f"track:{track_id}", None, f"/tracks/{track_id}") for track_id in rows]
