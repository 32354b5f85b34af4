"""Certification tracks in the API (/api/v1/tracks) and "Mark as done" on resources.

Moderators and admins build, publish, archive and delete tracks (drafts are theirs only: a member
asking for one gets a 404). Members browse published tracks, enroll once the prerequisites are
complete, leave, and read their own progress; nobody reads another member's progress here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_login import current_user, login_required
from marshmallow import fields

from ...actions import resource_completions as completion_actions
from ...actions import tracks as track_actions
from ...errors import ValidationFailed
from ...models import Track, User
from ...payloads.tracks import completion_payload, enrollment_payload, progress_payload, track_payload
from ...queries import tracks as track_queries
from .blueprint import ApiBlueprint
from .schemas import Input, one_of

bp = ApiBlueprint("tracks_api", __name__, url_prefix="/api/v1",
                  description="Certification tracks: ordered learning steps, enrollment and progress")

STATUSES = ("published", "archived", "draft", "all")


class TrackPatch(Input):
    # Raw where the action reports wrong types in its own words (steps, audience lists).
    title = fields.Raw(metadata={"type": "string", "description": "3-200 characters"})
    description = fields.Raw(allow_none=True, metadata={"type": "string", "description": "Markdown"})
    perk = fields.Raw(allow_none=True, metadata={
        "type": "string", "description": "what completing it brings, e.g. priority for the Q3 project"})
    departments = fields.Raw(allow_none=True, metadata={
        "type": "array", "items": {"type": "string"}, "description": "audience; empty: everyone"})
    job_roles = fields.Raw(allow_none=True, metadata={
        "type": "array", "items": {"type": "string"}, "description": "audience; empty: everyone"})
    steps = fields.Raw(metadata={"type": "array", "items": {"type": "object"}, "description": (
        "1-30 of {kind: resource, resource_id, title?} | {kind: answer_in_tag|ask_in_tag, tag, "
        "count: 1-50, title?}")})
    prerequisites = fields.Raw(allow_none=True, metadata={
        "type": "array", "items": {"type": "integer"}, "description": "ids of tracks to complete first"})


class TrackIn(TrackPatch):
    title = fields.Raw(required=True, metadata={"type": "string"})
    steps = fields.Raw(required=True, metadata={"type": "array", "items": {"type": "object"}})


class TrackListArgs(Input):
    status = fields.String(metadata=one_of(STATUSES))
    recommended = fields.Boolean(metadata={"description": "only tracks for the caller's department "
                                                          "or job role"})


def describe(viewer: User, tracks: Sequence[Track], *, with_steps: bool = True) -> list[dict[str, Any]]:
    """Payloads for tracks as ``viewer`` sees them, with their own enrollment and progress (a
    fixed number of queries however many tracks)."""
    ids = [t.id for t in tracks]
    enrollments = track_queries.enrollments_by_track(viewer.id, ids)
    progress = track_queries.progress_for(viewer.id, [(t, enrollments.get(t.id)) for t in tracks])
    resources, tags = track_queries.steps_targets(tracks) if with_steps else ({}, {})
    prerequisites = track_queries.prerequisites_of(ids)
    return [track_payload(t, resources=resources, tags=tags, prerequisites=prerequisites[t.id],
                          enrollment=enrollments.get(t.id), progress=progress[t.id],
                          recommended=track_queries.audience_matches(t, viewer), with_steps=with_steps)
            for t in tracks]


def _one(track: Track) -> dict[str, Any]:
    return describe(current_user, [track])[0]


def _status(value: object) -> str:
    if value is None:
        return "published"
    if value not in STATUSES:
        raise ValidationFailed({"status": "must be one of " + ", ".join(STATUSES)})
    return str(value)


@bp.get("/tracks")
@login_required
@bp.arguments(TrackListArgs, location="query")
def list_tracks(args: dict):
    """Published tracks, those for the caller's department or job role first (``recommended``
    true); ``?recommended=1`` keeps only those. Moderators also see drafts (``?status=draft``)."""
    tracks = track_queries.list_tracks(current_user, status=_status(args.get("status")),
                                       recommended=bool(args.get("recommended")))
    return {"items": describe(current_user, tracks, with_steps=False), "total": len(tracks)}


@bp.post("/tracks")
@login_required
@bp.arguments(TrackIn)
def create_track(data: dict):
    return _one(track_actions.create_track(current_user, data)), 201


@bp.get("/tracks/<int:track_id>")
@login_required
def get_track(track_id: int):
    return _one(track_actions.access_track(current_user, track_id))


@bp.patch("/tracks/<int:track_id>")
@login_required
@bp.arguments(TrackPatch)
def update_track(data: dict, track_id: int):
    return _one(track_actions.update_track(current_user, track_id, data))


@bp.delete("/tracks/<int:track_id>")
@login_required
def delete_track(track_id: int):
    track_actions.delete_track(current_user, track_id)
    return "", 204


@bp.post("/tracks/<int:track_id>/publish")
@login_required
def publish_track(track_id: int):
    return _one(track_actions.publish_track(current_user, track_id))


@bp.post("/tracks/<int:track_id>/archive")
@login_required
def archive_track(track_id: int):
    return _one(track_actions.archive_track(current_user, track_id))


@bp.post("/tracks/<int:track_id>/enroll")
@login_required
def enroll(track_id: int):
    """201 with the new enrollment; 200 with the existing one when already enrolled."""
    enrollment, created = track_actions.enroll(current_user, track_id)
    track = track_actions.access_track(current_user, track_id)
    progress = track_queries.track_progress(current_user.id, track, enrollment)
    return enrollment_payload(enrollment, progress), 201 if created else 200


@bp.delete("/tracks/<int:track_id>/enroll")
@login_required
def leave(track_id: int):
    track_actions.leave(current_user, track_id)
    return "", 204


@bp.get("/tracks/<int:track_id>/progress")
@login_required
def progress(track_id: int):
    """The caller's own progress, step by step (never anyone else's)."""
    track = track_actions.access_track(current_user, track_id)
    enrollment = track_queries.enrollment_of(current_user.id, track.id)
    resources, tags = track_queries.steps_targets([track])
    progress = track_queries.track_progress(current_user.id, track, enrollment)
    return progress_payload(track, enrollment, progress, resources, tags)


@bp.put("/resources/<int:resource_id>/done")
@login_required
def mark_resource_done(resource_id: int):
    return completion_payload(completion_actions.complete_resource(current_user, resource_id))


@bp.delete("/resources/<int:resource_id>/done")
@login_required
def unmark_resource_done(resource_id: int):
    completion_actions.uncomplete_resource(current_user, resource_id)
    return "", 204
