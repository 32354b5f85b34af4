"""Reading certification tracks and computing members' progress through them.

Progress is never stored per step: it is recomputed from the member's finished resources and live
community activity (see community/models/tracks.py), so leaving and re-joining a track, deleting an
answer or finishing a resource outside the track are all reflected without bookkeeping. The
computation is batched: one query for every resource step and one per activity kind, however many
tracks and steps are asked about.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import (
    Post,
    PostType,
    Resource,
    ResourceCompletion,
    StepKind,
    Tag,
    Track,
    TrackEnrollment,
    TrackPrerequisite,
    TrackStep,
    User,
    post_tags,
)
from ..text.validation import name_key

ACTIVITY_KINDS = (StepKind.ANSWER_IN_TAG.value, StepKind.ASK_IN_TAG.value)

Question = aliased(Post, name="track_question")


@dataclass(frozen=True)
class StepProgress:
    step: TrackStep
    current: int  # resource steps: 0 or 1; activity steps: posts counted, capped at ``required``
    required: int
    # A step whose resource or tag was removed from the site cannot be done any more, so it
    # counts as done rather than trapping members in the track forever.
    gone: bool = False

    @property
    def done(self) -> bool:
        return self.gone or self.current >= self.required


@dataclass
class TrackProgress:
    track_id: int
    steps: list[StepProgress] = field(default_factory=list)

    @property
    def done_steps(self) -> int:
        return sum(1 for step in self.steps if step.done)

    @property
    def total_steps(self) -> int:
        return len(self.steps)

    @property
    def complete(self) -> bool:
        return bool(self.steps) and self.done_steps == self.total_steps


def json_list(raw: str | None) -> list[str]:
    """The audience columns are JSON lists of strings; anything else reads as "everyone"."""
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def track_progress(user_id: int, track: Track, enrollment: TrackEnrollment | None) -> TrackProgress:
    """One member's progress through one track (activity counts only while enrolled)."""
    return progress_for(user_id, [(track, enrollment)])[track.id]


def progress_for(user_id: int, pairs: Sequence[tuple[Track, TrackEnrollment | None]]
                 ) -> dict[int, TrackProgress]:
    """Progress for several tracks at once: at most three queries whatever the number of steps."""
    steps = [step for track, _ in pairs for step in track.steps]
    finished, gone_resources = _resource_state(user_id, {s.resource_id for s in steps
                                                         if s.kind == StepKind.RESOURCE.value})
    enrolled = {track.id: enrollment for track, enrollment in pairs if enrollment is not None}
    counts = {kind: _activity_counts(user_id, kind, enrolled, {
        s.tag_id for track, _ in pairs if track.id in enrolled for s in track.steps if s.kind == kind})
        for kind in ACTIVITY_KINDS}
    result: dict[int, TrackProgress] = {}
    for track, _ in pairs:
        progress = TrackProgress(track.id)
        for step in track.steps:
            required = max(1, step.count or 1)
            if step.kind == StepKind.RESOURCE.value:
                gone = step.resource_id is None or step.resource_id in gone_resources
                progress.steps.append(StepProgress(step, int(step.resource_id in finished), 1, gone))
            else:
                counted = counts.get(step.kind, {}).get((track.id, step.tag_id), 0)
                progress.steps.append(StepProgress(step, min(counted, required), required,
                                                   step.tag_id is None))
        result[track.id] = progress
    return result


def _resource_state(user_id: int, resource_ids: set[int | None]) -> tuple[set[int], set[int]]:
    """(resources the member finished, resources deleted from the library) among ``resource_ids``."""
    ids = [rid for rid in resource_ids if rid is not None]
    if not ids:
        return set(), set()
    rows = db.session.execute(
        select(Resource.id, Resource.deleted_at, ResourceCompletion.completed_at)
        .outerjoin(ResourceCompletion, and_(ResourceCompletion.resource_id == Resource.id,
                                            ResourceCompletion.user_id == user_id))
        .where(Resource.id.in_(ids))).all()
    finished = {row.id for row in rows if row.completed_at is not None}
    present = {row.id for row in rows if row.deleted_at is None}
    return finished, set(ids) - present


def _activity_counts(user_id: int, kind: str, enrolled: dict[int, TrackEnrollment],
                     tag_ids: set[int | None]) -> dict[tuple[int, int], int]:
    """{(track id, tag id): live posts of ``kind`` by the member in that tag since enrolling}."""
    tags = [tag_id for tag_id in tag_ids if tag_id is not None]
    if not enrolled or not tags:
        return {}
    since = TrackEnrollment
    if kind == StepKind.ANSWER_IN_TAG.value:
        stmt = (select(since.track_id, post_tags.c.tag_id, func.count(Post.id))
                .select_from(Post)
                .join(Question, Question.id == Post.parent_id)
                .join(post_tags, post_tags.c.post_id == Question.id)
                .where(Post.post_type == PostType.ANSWER.value, Question.deleted_at.is_(None)))
    else:
        stmt = (select(since.track_id, post_tags.c.tag_id, func.count(Post.id))
                .select_from(Post)
                .join(post_tags, post_tags.c.post_id == Post.id)
                .where(Post.post_type == PostType.QUESTION.value))
    stmt = (stmt.join(since, and_(since.user_id == user_id, since.track_id.in_(list(enrolled)),
                                  Post.created_at >= since.enrolled_at))
            .where(Post.author_id == user_id, Post.deleted_at.is_(None), post_tags.c.tag_id.in_(tags))
            .group_by(since.track_id, post_tags.c.tag_id))
    return {(track_id, tag_id): n for track_id, tag_id, n in db.session.execute(stmt)}


# --- reading tracks -------------------------------------------------------------------------------

def open_enrollments(user_id: int, step_kind: StepKind | None = None) -> list[tuple[Track, TrackEnrollment]]:
    """The member's enrollments still in progress, in published tracks (with their tracks); with
    ``step_kind``, only in tracks that have a step of that kind."""
    stmt = (select(Track, TrackEnrollment).join(TrackEnrollment, TrackEnrollment.track_id == Track.id)
            .where(TrackEnrollment.user_id == user_id, TrackEnrollment.completed_at.is_(None),
                   Track.published_at.is_not(None)))
    if step_kind is not None:
        stmt = stmt.where(Track.id.in_(select(TrackStep.track_id).where(TrackStep.kind == step_kind.value)))
    rows = db.session.execute(stmt.order_by(TrackEnrollment.id)).all()
    return [(track, enrollment) for track, enrollment in rows]


def can_manage_tracks(user: User | None) -> bool:
    """Moderators and admins build, publish and archive tracks (and see drafts)."""
    return user is not None and bool(getattr(user, "is_authenticated", False)) and user.is_moderator


def can_see_track(viewer: User | None, track: Track) -> bool:
    """Drafts are for moderators only; published (and archived) tracks are for every member."""
    return track.published_at is not None or can_manage_tracks(viewer)


def get_track(track_id: int) -> Track | None:
    return db.session.get(Track, track_id)


def enrollment_of(user_id: int, track_id: int) -> TrackEnrollment | None:
    return db.session.scalar(select(TrackEnrollment).where(TrackEnrollment.user_id == user_id,
                                                           TrackEnrollment.track_id == track_id))


def enrollments_by_track(user_id: int, track_ids: Iterable[int]) -> dict[int, TrackEnrollment]:
    ids = list(track_ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(TrackEnrollment).where(TrackEnrollment.user_id == user_id,
                                                            TrackEnrollment.track_id.in_(ids)))
    return {row.track_id: row for row in rows}


def completed_track_ids(user_id: int, track_ids: Iterable[int] | None = None) -> set[int]:
    stmt = select(TrackEnrollment.track_id).where(TrackEnrollment.user_id == user_id,
                                                  TrackEnrollment.completed_at.is_not(None))
    if track_ids is not None:
        stmt = stmt.where(TrackEnrollment.track_id.in_(list(track_ids) or [-1]))
    return set(db.session.scalars(stmt))


def completed_enrollments(user_id: int) -> list[TrackEnrollment]:
    return list(db.session.scalars(
        select(TrackEnrollment).where(TrackEnrollment.user_id == user_id,
                                      TrackEnrollment.completed_at.is_not(None))
        .order_by(TrackEnrollment.completed_at, TrackEnrollment.id)))


def prerequisites_of(track_ids: Iterable[int]) -> dict[int, list[Track]]:
    """{track id: its prerequisite tracks ordered by title}, in one query."""
    ids = list(track_ids)
    result: dict[int, list[Track]] = {track_id: [] for track_id in ids}
    if not ids:
        return result
    rows = db.session.execute(
        select(TrackPrerequisite.track_id, Track)
        .join(Track, Track.id == TrackPrerequisite.prerequisite_id)
        .where(TrackPrerequisite.track_id.in_(ids)).order_by(Track.title, Track.id))
    for track_id, prerequisite in rows:
        result[track_id].append(prerequisite)
    return result


def prerequisite_graph() -> dict[int, set[int]]:
    """Every prerequisite edge (track -> required tracks), for the cycle check on save."""
    graph: dict[int, set[int]] = {}
    for track_id, prerequisite_id in db.session.execute(
            select(TrackPrerequisite.track_id, TrackPrerequisite.prerequisite_id)):
        graph.setdefault(track_id, set()).add(prerequisite_id)
    return graph


def audience_matches(track: Track, user: User | None) -> bool:
    """Recommended for a member: each audience list is empty (everyone) or names their value."""
    if user is None:
        return False
    departments, roles = json_list(track.departments), json_list(track.job_roles)
    if not departments and not roles:
        return False  # "for everyone" is not a recommendation
    department = name_key(getattr(user, "department", "") or "")
    role = name_key(getattr(user, "job_role", "") or "")
    return ((not departments or department in {name_key(d) for d in departments})
            and (not roles or role in {name_key(r) for r in roles}))


def list_tracks(viewer: User | None, *, status: str = "published", recommended: bool = False
                ) -> list[Track]:
    """Tracks a viewer may browse, recommended ones first, then newest published first.

    ``status``: "published" (live tracks, not archived), "archived", "draft" (moderators only) or
    "all" (moderators: everything; members: published and archived).
    """
    stmt = select(Track)
    moderator = can_manage_tracks(viewer)
    if status == "draft":
        stmt = stmt.where(Track.published_at.is_(None)) if moderator else stmt.where(False)
    elif status == "archived":
        stmt = stmt.where(Track.published_at.is_not(None), Track.archived_at.is_not(None))
    elif status == "all":
        if not moderator:
            stmt = stmt.where(Track.published_at.is_not(None))
    else:
        stmt = stmt.where(Track.published_at.is_not(None), Track.archived_at.is_(None))
    tracks = list(db.session.scalars(stmt.order_by(Track.published_at.desc(), Track.id.desc())))
    if recommended:
        return [track for track in tracks if audience_matches(track, viewer)]
    return sorted(tracks, key=lambda track: not audience_matches(track, viewer))


def steps_targets(tracks: Iterable[Track]) -> tuple[dict[int, Resource], dict[int, Tag]]:
    """The resources and tags the tracks' steps point at, in two queries (for payloads)."""
    steps = [step for track in tracks for step in track.steps]
    resource_ids = {s.resource_id for s in steps if s.resource_id is not None}
    tag_ids = {s.tag_id for s in steps if s.tag_id is not None}
    resources = ({r.id: r for r in db.session.scalars(select(Resource).where(Resource.id.in_(resource_ids)))}
                 if resource_ids else {})
    tags = {t.id: t for t in db.session.scalars(select(Tag).where(Tag.id.in_(tag_ids)))} if tag_ids else {}
    return resources, tags


def enrolled_user_ids(track_id: int) -> list[int]:
    return list(db.session.scalars(select(TrackEnrollment.user_id)
                                   .where(TrackEnrollment.track_id == track_id)))


def latest(*moments: datetime | None) -> datetime | None:
    present = [moment for moment in moments if moment is not None]
    return max(present) if present else None
