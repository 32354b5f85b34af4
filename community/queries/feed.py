"""The personal home ("For you"): what a member could help with, what happened in the threads they
watch, resources for their tags and their own learning (tracks, contracts, milestones).

The whole feed costs a fixed number of statements whatever the data size: every section is one
bounded query (plus one batched load of the tags or steps it shows), never a query per item.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Float, Select, and_, cast, func, literal, or_, select
from sqlalchemy.orm import aliased, lazyload, selectinload

from ..extensions import db
from ..models import (
    LearningContract,
    Milestone,
    Post,
    PostType,
    Resource,
    Tag,
    TagFollow,
    ThreadWatch,
    Track,
    TrackEnrollment,
    User,
    WatchLevel,
    post_tags,
    resource_tags,
)
from ..models.base import utcnow
from ..models.users import user_skills
from .milestones import milestone_progress as counted_milestone_progress
from .resources import PRIOR_RATINGS, PRIOR_STARS
from .tracks import TrackProgress, audience_matches, progress_for

SECTION_LIMIT = 10  # every list of the feed is at most this long
LEARNING_LIMIT = 5  # tracks, contracts, milestones and recommendations: the few that matter now
RECOMMENDATION_POOL = 50  # tracks read to pick recommendations from (audience is filtered here)


class Basis:
    """Why the unanswered questions were chosen (the section heading says it)."""

    TAGS = "tags"  # tagged with a followed tag or one of the member's skills
    DEPARTMENT = "department"  # tagged like questions colleagues of the same department answered
    NEWEST = "newest"  # nothing to match on: the newest unanswered questions


@dataclass(frozen=True)
class Interests:
    """The member's followed tags and skills (names, by name), and every tag id of both."""

    followed: list[str]
    skills: list[str]
    tag_ids: list[int]


@dataclass(frozen=True)
class WatchedThread:
    thread: Post
    answers: list[Post]  # newest first


@dataclass(frozen=True)
class Feed:
    interests: Interests
    basis: str
    unanswered: list[Post]
    watched: list[WatchedThread]
    resources: list[Resource]
    tracks: list[tuple[Track, TrackEnrollment]]
    track_progress: dict[int, TrackProgress]
    contracts: list[LearningContract]
    milestones: list[Milestone]
    milestone_progress: dict[int, int] = field(default_factory=dict)
    recommended_tracks: list[Track] = field(default_factory=list)


def interests(user: User) -> Interests:
    """Followed tags and skills in one statement."""
    followed = (select(Tag.id, Tag.name, literal("follow").label("source"))
                .join(TagFollow, TagFollow.tag_id == Tag.id).where(TagFollow.user_id == user.id))
    skills = (select(Tag.id, Tag.name, literal("skill").label("source"))
              .join(user_skills, user_skills.c.tag_id == Tag.id).where(user_skills.c.user_id == user.id))
    rows = db.session.execute(followed.union_all(skills)).all()
    return Interests(followed=sorted({name for _, name, source in rows if source == "follow"}),
                     skills=sorted({name for _, name, source in rows if source == "skill"}),
                     tag_ids=sorted({tag_id for tag_id, _, _ in rows}))


def _thread_options() -> tuple:
    """What thread_payload reads besides the row: loaded in batches, not one query per thread."""
    return (selectinload(Post.tags), selectinload(Post.last_editor), selectinload(Post.locked_by),
            selectinload(Post.closed_by), selectinload(Post.duplicate_of))


def _open_unanswered(user: User) -> Select:
    """Questions someone could still answer: live, open, without answers, not the member's own."""
    return select(Post).where(
        Post.post_type == PostType.QUESTION.value, Post.answer_count == 0, Post.author_id != user.id,
        Post.deleted_at.is_(None), Post.hidden_at.is_(None), Post.closed_at.is_(None),
        Post.locked_at.is_(None))


def _newest(stmt: Select) -> list[Post]:
    return list(db.session.scalars(stmt.options(*_thread_options())
                                   .order_by(Post.created_at.desc(), Post.id.desc()).limit(SECTION_LIMIT)))


def _department_tag_ids(user: User) -> Select:
    """Tags of the questions that colleagues of the member's department answered."""
    colleagues = select(User.id).where(func.lower(User.department) == user.department.strip().lower(),
                                       User.id != user.id)
    answered = select(Post.parent_id).where(Post.post_type == PostType.ANSWER.value,
                                            Post.deleted_at.is_(None), Post.author_id.in_(colleagues))
    return select(post_tags.c.tag_id).where(post_tags.c.post_id.in_(answered))


def unanswered_for(user: User, found: Interests) -> tuple[str, list[Post]]:
    """The questions the member could help with and the basis they were chosen on: their followed
    tags and skills; without any, the tags their department answers; failing that, the newest."""
    open_questions = _open_unanswered(user)
    if found.tag_ids:
        tagged = select(post_tags.c.post_id).where(post_tags.c.tag_id.in_(found.tag_ids))
        return Basis.TAGS, _newest(open_questions.where(Post.id.in_(tagged)))
    if user.department.strip():
        tagged = select(post_tags.c.post_id).where(post_tags.c.tag_id.in_(_department_tag_ids(user)))
        questions = _newest(open_questions.where(Post.id.in_(tagged)))
        if questions:
            return Basis.DEPARTMENT, questions
    return Basis.NEWEST, _newest(open_questions)


def watched_answers(user: User) -> list[WatchedThread]:
    """The latest answers by others in the threads the member watches (not muted), newest first,
    grouped by thread (the thread with the newest answer first)."""
    thread = aliased(Post, name="watched_thread")
    answers = list(db.session.scalars(
        select(Post)
        .join(ThreadWatch, and_(ThreadWatch.thread_id == Post.parent_id, ThreadWatch.user_id == user.id,
                                ThreadWatch.level == WatchLevel.WATCHING.value))
        .join(thread, thread.id == Post.parent_id)
        .where(Post.post_type == PostType.ANSWER.value, Post.author_id != user.id,
               Post.deleted_at.is_(None), Post.hidden_at.is_(None),
               thread.deleted_at.is_(None), thread.hidden_at.is_(None))
        .options(selectinload(Post.last_editor))
        .order_by(Post.created_at.desc(), Post.id.desc()).limit(SECTION_LIMIT)))
    if not answers:
        return []
    thread_ids = list(dict.fromkeys(answer.parent_id for answer in answers))
    threads = {t.id: t for t in db.session.scalars(
        select(Post).where(Post.id.in_(thread_ids)).options(*_thread_options()))}
    return [WatchedThread(threads[tid], [a for a in answers if a.parent_id == tid])
            for tid in thread_ids if tid in threads]


def _bayesian_score():
    """The library's "top" ranking (see queries/resources.py)."""
    return ((PRIOR_RATINGS * PRIOR_STARS + cast(Resource.rating_sum, Float))
            / (PRIOR_RATINGS + Resource.rating_count))


def top_resources(found: Interests) -> list[Resource]:
    """Top-rated resources with one of the member's tags (the whole library without any tags);
    never one rated below 3 stars on average."""
    stmt = select(Resource).where(
        Resource.deleted_at.is_(None), Resource.hidden_at.is_(None),
        or_(Resource.rating_count == 0, Resource.rating_sum >= 3 * Resource.rating_count))
    if found.tag_ids:
        stmt = stmt.where(Resource.id.in_(
            select(resource_tags.c.resource_id).where(resource_tags.c.tag_id.in_(found.tag_ids))))
    return list(db.session.scalars(
        stmt.options(selectinload(Resource.tags))
        .order_by(_bayesian_score().desc(), Resource.rating_count.desc(), Resource.id.desc())
        .limit(SECTION_LIMIT)))


def active_tracks(user: User) -> list[tuple[Track, TrackEnrollment]]:
    """The published tracks the member is enrolled in and has not finished, latest enrollment first."""
    rows = db.session.execute(
        select(Track, TrackEnrollment).join(TrackEnrollment, TrackEnrollment.track_id == Track.id)
        .where(TrackEnrollment.user_id == user.id, TrackEnrollment.completed_at.is_(None),
               Track.published_at.is_not(None))
        .order_by(TrackEnrollment.enrolled_at.desc(), TrackEnrollment.id.desc()).limit(LEARNING_LIMIT)).all()
    return [(track, enrollment) for track, enrollment in rows]


def track_progress(user: User, pairs: list[tuple[Track, TrackEnrollment]]) -> dict[int, TrackProgress]:
    """Counted by the tracks feature (at most three queries however many tracks and steps)."""
    return progress_for(user.id, pairs) if pairs else {}


def recommended_tracks(user: User) -> list[Track]:
    """Published, open tracks meant for the member's department or job role (as the tracks page
    recommends them) that they are not enrolled in, newest first."""
    enrolled = select(TrackEnrollment.track_id).where(TrackEnrollment.user_id == user.id)
    pool = db.session.scalars(
        select(Track).where(Track.published_at.is_not(None), Track.archived_at.is_(None),
                            Track.id.not_in(enrolled))
        .order_by(Track.published_at.desc(), Track.id.desc()).limit(RECOMMENDATION_POOL))
    return [track for track in pool if audience_matches(track, user)][:LEARNING_LIMIT]


def open_contracts(user: User) -> list[LearningContract]:
    """The member's contracts not completed yet, soonest due first (undated last)."""
    return list(db.session.scalars(
        select(LearningContract).where(LearningContract.owner_id == user.id,
                                       LearningContract.completed_at.is_(None))
        .options(lazyload(LearningContract.shares))  # private details the feed never shows
        .order_by(LearningContract.due_on.is_(None), LearningContract.due_on,
                  LearningContract.id.desc()).limit(LEARNING_LIMIT)))


def active_milestones(user: User) -> list[Milestone]:
    """The member's milestones still to reach and not past due, soonest due first."""
    return list(db.session.scalars(
        select(Milestone).where(Milestone.owner_id == user.id, Milestone.reached_at.is_(None),
                                or_(Milestone.due_at.is_(None), Milestone.due_at >= utcnow()))
        .options(lazyload(Milestone.shares))  # who it is shared with: not shown here
        .order_by(Milestone.due_at.is_(None), Milestone.due_at, Milestone.id.desc())
        .limit(LEARNING_LIMIT)))


def milestone_progress(milestones: list[Milestone]) -> dict[int, int]:
    """Counted by the milestones feature (one query per automatic metric present)."""
    return counted_milestone_progress(milestones) if milestones else {}


def feed_for(user: User) -> Feed:
    """Everything on the member's "For you" page, for that member only."""
    found = interests(user)
    basis, unanswered = unanswered_for(user, found)
    milestones = active_milestones(user)
    enrolled = active_tracks(user)
    return Feed(interests=found, basis=basis, unanswered=unanswered, watched=watched_answers(user),
                resources=top_resources(found), tracks=enrolled,
                track_progress=track_progress(user, enrolled), contracts=open_contracts(user),
                milestones=milestones,
                milestone_progress=milestone_progress(milestones),
                recommended_tracks=recommended_tracks(user))
