"""Certification tracks: building, publishing and archiving them; enrolling; completing them.

Completion is never typed in: ``complete_finished_tracks`` runs right after every activity that
may finish a step (asking, answering, marking a resource done; see progress.py) and stamps
``completed_at`` with a conditional UPDATE, so two concurrent writes completing the same track
stamp, notify and award it exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..badges import Trigger
from ..db import atomic, insert_ignoring_conflicts
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import StepKind, Tag, Track, TrackEnrollment, TrackPrerequisite, TrackStep, User
from ..models.base import is_row_id, utcnow
from ..payloads.tracks import track_url
from ..permissions import require_active_account
from ..queries import tracks as track_queries
from ..queries.resources import get_resource
from ..realtime import channels
from ..realtime.events import record_event
from ..text.markdown import render_markdown
from ..text.validation import check_name_list, check_text
from .audit import record_audit
from .badges import award_after_commit
from .notifications import notify


def complete_finished_tracks(user_id: int, step_kind: StepKind | None = None) -> list[TrackEnrollment]:
    """Stamp every open enrollment of the member whose steps are now all done; returns them.
    With ``step_kind``, only tracks that have a step of that kind (what the activity can move).

    Call in an atomic() block (actions/progress.py does, after the activity). Each newly completed
    track notifies the member ("track_completed") and awards the repeatable track badge for it.
    Every open track's counts go to the member's own channel (``track_progress``), so an open
    track page moves its bar live.
    """
    pairs = track_queries.open_enrollments(user_id, step_kind)
    if not pairs:
        return []
    progress = track_queries.progress_for(user_id, pairs)
    completed: list[TrackEnrollment] = []
    for track, enrollment in pairs:
        counts = progress[track.id]
        record_event(channels.user(user_id), "track_progress",
                     {"track_id": track.id, "done_steps": counts.done_steps,
                      "total_steps": counts.total_steps, "completed": counts.complete},
                     subject=f"track:{track.id}")
        if not counts.complete:
            continue
        if _stamp_completion(enrollment):
            completed.append(enrollment)
            _announce_completion(user_id, track)
    if completed:
        award_after_commit(user_id, Trigger.TRACK_COMPLETED)
    return completed


def _stamp_completion(enrollment: TrackEnrollment) -> bool:
    """Set completed_at unless another transaction already did; True when this one did."""
    now = utcnow()
    result = db.session.execute(
        update(TrackEnrollment)
        .where(TrackEnrollment.id == enrollment.id, TrackEnrollment.completed_at.is_(None))
        .values(completed_at=now).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    set_committed_value(enrollment, "completed_at", now)  # already written; no second UPDATE
    return True


def _announce_completion(user_id: int, track: Track) -> None:
    notify([user_id], "track_completed", None, track.title, track_url(track.id))


# --- validation --------------------------------------------------------------------------------

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
PERK_MAX = 300
STEP_TITLE_MAX = 200
AUDIENCE_MAX = 20  # departments or job roles per track
AUDIENCE_NAME_MAX = 80
MAX_STEPS = 30
MAX_COUNT = 50
MAX_PREREQUISITES = 10
STEP_KINDS = tuple(kind.value for kind in StepKind)


@dataclass(frozen=True)
class StepDraft:
    kind: str
    title: str
    resource_id: int | None
    tag_id: int | None
    count: int


@dataclass(frozen=True)
class TrackDraft:
    """Validated track fields (see check_track_fields); a PATCH keeps what it leaves out."""

    title: str
    description: str
    perk: str
    departments: list[str]
    job_roles: list[str]
    steps: list[StepDraft] | None  # None: unchanged
    prerequisite_ids: list[int] | None  # None: unchanged


def check_names(field: str, value: object) -> list[str]:
    """A list of department or job-role names."""
    return check_name_list(field, value, max_count=AUDIENCE_MAX, max_len=AUDIENCE_NAME_MAX)


def check_step(n: int, value: object) -> StepDraft:
    """One step; errors are named ``steps[n].field`` (n counts from 1)."""
    where = f"steps[{n}]"
    if not isinstance(value, Mapping):
        raise ValidationFailed({where: "must be an object with kind and resource_id, or tag and count"})
    kind = value.get("kind")
    if kind not in STEP_KINDS:
        raise ValidationFailed({f"{where}.kind": "must be one of " + ", ".join(STEP_KINDS)})
    title = check_text(f"{where}.title", value.get("title"), max_len=STEP_TITLE_MAX, required=False).strip()
    if kind == StepKind.RESOURCE:
        resource_id = value.get("resource_id")
        resource = get_resource(resource_id) if is_row_id(resource_id) else None
        if resource is None or resource.is_deleted:
            raise ValidationFailed({f"{where}.resource_id": "must be a resource in the library"})
        return StepDraft(str(kind), title, resource.id, None, 1)
    tag_name = value.get("tag")
    tag = (db.session.scalar(select(Tag).where(Tag.name == tag_name.strip().lower()))
           if isinstance(tag_name, str) and tag_name.strip() else None)
    if tag is None:
        raise ValidationFailed({f"{where}.tag": "must be an existing tag"})
    count = value.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise ValidationFailed({f"{where}.count": f"must be a whole number from 1 to {MAX_COUNT}"})
    return StepDraft(str(kind), title, None, tag.id, count)


def check_steps(value: object) -> list[StepDraft]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_STEPS:
        raise ValidationFailed({"steps": f"must be a list of 1-{MAX_STEPS} steps"})
    return [check_step(n, item) for n, item in enumerate(value, start=1)]


def check_prerequisites(value: object, track_id: int | None) -> list[int]:
    """Existing tracks, never the track itself nor one that (indirectly) requires it."""
    if value is None:
        return []
    if (not isinstance(value, list) or len(value) > MAX_PREREQUISITES
            or not all(is_row_id(item) for item in value)):
        raise ValidationFailed({"prerequisites": f"must be a list of at most {MAX_PREREQUISITES} track ids"})
    ids = list(dict.fromkeys(value))
    found = set(db.session.scalars(select(Track.id).where(Track.id.in_(ids)))) if ids else set()
    if missing := [i for i in ids if i not in found]:
        raise ValidationFailed({"prerequisites": f"name tracks that do not exist: {missing}"})
    if track_id is not None:
        if track_id in ids:
            raise ValidationFailed({"prerequisites": "can't include the track itself"})
        graph = track_queries.prerequisite_graph()
        graph[track_id] = set(ids)
        if _reaches(graph, ids, track_id):
            raise ValidationFailed({"prerequisites": "would make a cycle: a required track already "
                                                     "requires this one"})
    return ids


def _reaches(graph: dict[int, set[int]], starts: list[int], target: int) -> bool:
    seen: set[int] = set()
    todo = list(starts)
    while todo:
        node = todo.pop()
        if node == target:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return False


def check_track_fields(data: Mapping[str, Any], *, base: Track | None = None) -> TrackDraft:
    """The fields of a create (all of them) or a PATCH (missing fields keep ``base``)."""

    def given(name: str) -> bool:
        return base is None or name in data

    title = (check_text("title", data.get("title"), min_len=3, max_len=TITLE_MAX).strip()
             if given("title") else base.title)
    description = (check_text("description", data.get("description"), max_len=DESCRIPTION_MAX,
                              required=False).strip() if given("description") else base.description)
    perk = (check_text("perk", data.get("perk"), max_len=PERK_MAX, required=False).strip()
            if given("perk") else base.perk)
    departments = (check_names("departments", data.get("departments")) if given("departments")
                   else track_queries.json_list(base.departments))
    job_roles = (check_names("job_roles", data.get("job_roles")) if given("job_roles")
                 else track_queries.json_list(base.job_roles))
    steps = check_steps(data.get("steps")) if given("steps") else None
    prerequisites = (check_prerequisites(data.get("prerequisites"), base.id if base else None)
                     if given("prerequisites") else None)
    return TrackDraft(title, description, perk, departments, job_roles, steps, prerequisites)


# --- building, publishing, archiving ----------------------------------------------------------


def _require_manager(actor: User) -> None:
    require_active_account(actor)
    if not track_queries.can_manage_tracks(actor):
        raise Forbidden("Only moderators and admins build certification tracks.")


def _apply(track: Track, draft: TrackDraft) -> None:
    track.title, track.perk = draft.title, draft.perk
    if track.description != draft.description or not track.description_html:
        track.description, track.description_html = draft.description, render_markdown(draft.description)
    track.departments, track.job_roles = json.dumps(draft.departments), json.dumps(draft.job_roles)
    if draft.steps is not None:
        track.steps.clear()
        db.session.flush()  # the old rows go before the new ones take their positions
        for position, step in enumerate(draft.steps):
            track.steps.append(TrackStep(position=position, kind=step.kind, title=step.title,
                                         resource_id=step.resource_id, tag_id=step.tag_id,
                                         count=step.count))
    if draft.prerequisite_ids is not None:
        db.session.flush()
        db.session.execute(delete(TrackPrerequisite).where(TrackPrerequisite.track_id == track.id))
        db.session.add_all(TrackPrerequisite(track_id=track.id, prerequisite_id=pid)
                           for pid in draft.prerequisite_ids)


def create_track(actor: User, data: Mapping[str, Any]) -> Track:
    """A new draft track from the API fields (title, description, perk, departments, job_roles,
    steps, prerequisites)."""
    _require_manager(actor)
    with atomic():
        draft = check_track_fields(data)
        now = utcnow()
        track = Track(title=draft.title, created_by_id=actor.id, created_at=now, updated_at=now,
                      description_html="")
        track.created_by = db.session.get(User, actor.id)
        db.session.add(track)
        db.session.flush()
        _apply(track, draft)
        db.session.flush()
    return track


def _managed(actor: User, track_id: object) -> Track:
    """The track for a manager's change, locked against concurrent changes (404 before 403, so a
    member learns nothing about drafts)."""
    track = access_track(actor, track_id)
    if not track_queries.can_manage_tracks(actor):
        raise Forbidden("Only moderators and admins build certification tracks.")
    db.session.refresh(track, with_for_update=True)
    return track


def access_track(viewer: User | None, track_id: object) -> Track:
    track = track_queries.get_track(track_id) if is_row_id(track_id) else None
    if track is None or not track_queries.can_see_track(viewer, track):
        raise NotFound("No such track.")
    return track


def update_track(actor: User, track_id: object, data: Mapping[str, Any]) -> Track:
    """Change a track; ``steps`` and ``prerequisites``, when given, replace the old ones. Members'
    progress is recomputed from their activity, and completed enrollments stay completed."""
    require_active_account(actor)
    with atomic():
        track = _managed(actor, track_id)
        draft = check_track_fields(data, base=track)
        _apply(track, draft)
        track.updated_at = utcnow()
        db.session.flush()
        db.session.expire(track, ["steps"])
    return track


def delete_track(actor: User, track_id: object) -> None:
    """Drafts: moderators and admins. A published track (members enrolled in it): admins only."""
    require_active_account(actor)
    with atomic():
        track = _managed(actor, track_id)
        if track.published_at is not None:
            if not actor.is_admin:
                raise Forbidden("Only admins delete a published track; archive it instead.")
            record_audit(actor, "track.delete", "track", track.id, label=track.title,
                         details={"enrolled": len(track_queries.enrolled_user_ids(track.id))})
        db.session.delete(track)


def publish_track(actor: User, track_id: object) -> Track:
    require_active_account(actor)
    with atomic():
        track = _managed(actor, track_id)
        if track.published_at is not None:
            raise Conflict("This track is already published.", code="track_published")
        drafts = [t.title for t in track_queries.prerequisites_of([track.id])[track.id]
                  if t.published_at is None]
        if drafts:
            raise ValidationFailed({"prerequisites": "must be published first: " + ", ".join(drafts)})
        now = utcnow()
        track.published_at = track.updated_at = now
    return track


def archive_track(actor: User, track_id: object) -> Track:
    """No new enrollments; members already in it go on and can still complete it."""
    require_active_account(actor)
    with atomic():
        track = _managed(actor, track_id)
        if track.published_at is None:
            raise Conflict("Only a published track can be archived; delete the draft instead.",
                           code="track_not_published")
        if track.archived_at is not None:
            raise Conflict("This track is already archived.", code="track_archived")
        now = utcnow()
        track.archived_at = track.updated_at = now
    return track


# --- enrolling --------------------------------------------------------------------------------


class PrerequisitesIncomplete(Conflict):
    """409 naming the prerequisite tracks the member has not completed yet."""

    def __init__(self, missing: list[Track]) -> None:
        names = ", ".join(f"“{t.title}”" for t in missing)
        super().__init__(f"Complete these tracks first: {names}.", code="prerequisites_incomplete")
        self.missing = missing

    def to_dict(self) -> dict:
        return {**super().to_dict(),
                "missing": [{"id": t.id, "title": t.title, "url": track_url(t.id)} for t in self.missing]}


def enroll(actor: User, track_id: object) -> tuple[TrackEnrollment, bool]:
    """Join a published track once every prerequisite is complete; (enrollment, created).

    Enrolling again returns the existing enrollment. A track whose steps are all done already (all
    of them finished resources) completes at once.
    """
    require_active_account(actor)
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise Forbidden("Log in to enroll in a track.")
    with atomic():
        track = access_track(actor, track_id)
        existing = track_queries.enrollment_of(actor.id, track.id)
        if existing is not None:
            return existing, False
        if track.published_at is None:
            raise Conflict("This track is a draft; publish it before anyone enrolls.",
                           code="track_not_published")
        if track.archived_at is not None:
            raise Conflict("This track is archived and takes no new enrollments.", code="track_archived")
        prerequisites = track_queries.prerequisites_of([track.id])[track.id]
        done = track_queries.completed_track_ids(actor.id, [t.id for t in prerequisites])
        if missing := [t for t in prerequisites if t.id not in done]:
            raise PrerequisitesIncomplete(missing)
        inserted = insert_ignoring_conflicts(TrackEnrollment.__table__, [
            {"track_id": track.id, "user_id": actor.id, "enrolled_at": utcnow()}])
        enrollment = track_queries.enrollment_of(actor.id, track.id)
        if inserted:
            complete_finished_tracks(actor.id)
    return enrollment, bool(inserted)


def leave(actor: User, track_id: object) -> None:
    """Leave a track (also a completed one: its badge stays). Activity progress is recomputed from
    the member's posts, so enrolling again later counts from then on; finished resources count."""
    require_active_account(actor)
    with atomic():
        track = access_track(actor, track_id)
        db.session.execute(delete(TrackEnrollment).where(TrackEnrollment.track_id == track.id,
                                                         TrackEnrollment.user_id == actor.id))
