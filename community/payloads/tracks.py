"""Certification tracks, their steps and a member's enrollment and progress."""

from __future__ import annotations

import json
from typing import Any

from ..models import Resource, StepKind, Tag, Track, TrackEnrollment
from .common import iso, user_payload
from .resources import resource_page_url


def track_url(track_id: int) -> str:
    return f"/tracks/{track_id}"


def _names(raw: str) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def track_status(track: Track) -> str:
    if track.published_at is None:
        return "draft"
    return "archived" if track.archived_at is not None else "published"


def step_label(kind: str, count: int, tag: Tag | None, resource: Resource | None) -> str:
    """How a step reads when the moderator gave it no wording of its own."""
    if kind == StepKind.RESOURCE:
        return f"Finish “{resource.title}”" if resource is not None else "Finish a removed resource"
    tag_name = f"#{tag.name}" if tag is not None else "a removed tag"
    noun = "question" if count == 1 else "questions"
    verb = "Answer" if kind == StepKind.ANSWER_IN_TAG else "Ask"
    return f"{verb} {count} {noun} in {tag_name}"


def step_payload(step: Any, resources: dict[int, Resource], tags: dict[int, Tag],
                 progress: Any | None = None) -> dict[str, Any]:
    """A step; with ``progress`` (a queries.tracks.StepProgress) also done/current/required."""
    resource = resources.get(step.resource_id) if step.resource_id is not None else None
    tag = tags.get(step.tag_id) if step.tag_id is not None else None
    body: dict[str, Any] = {
        "id": step.id,
        "position": step.position + 1,
        "kind": step.kind,
        "title": step.title or step_label(step.kind, step.count, tag, resource),
        "custom_title": step.title,
        "count": step.count,
        "resource": ({"id": resource.id, "title": resource.title, "url": resource.url,
                      "page_url": resource_page_url(resource.id), "deleted": resource.is_deleted}
                     if resource is not None else None),
        "tag": {"id": tag.id, "name": tag.name} if tag is not None else None,
    }
    if progress is not None:
        body.update(done=progress.done, current=progress.current, required=progress.required)
    return body


def enrollment_payload(enrollment: TrackEnrollment, progress: Any) -> dict[str, Any]:
    """The caller's enrollment with the step counts (``progress``: queries.tracks.TrackProgress)."""
    return {
        "track_id": enrollment.track_id,
        "enrolled_at": iso(enrollment.enrolled_at),
        "completed_at": iso(enrollment.completed_at),
        "done_steps": progress.done_steps,
        "total_steps": progress.total_steps,
    }


def track_payload(track: Track, *, resources: dict[int, Resource], tags: dict[int, Tag],
                  prerequisites: list[Track], enrollment: TrackEnrollment | None, progress: Any,
                  recommended: bool = False, with_steps: bool = True) -> dict[str, Any]:
    """A track as the caller sees it: ``enrollment`` is theirs (or null); ``progress`` counts
    finished resources even before enrolling, activity only since enrolling."""
    by_step = {p.step.id: p for p in progress.steps}
    body: dict[str, Any] = {
        "id": track.id,
        "title": track.title,
        "description": track.description,
        "description_html": track.description_html,
        "perk": track.perk,
        "departments": _names(track.departments),
        "job_roles": _names(track.job_roles),
        "status": track_status(track),
        "recommended": recommended,
        "created_by": user_payload(track.created_by),
        "created_at": iso(track.created_at),
        "updated_at": iso(track.updated_at),
        "published_at": iso(track.published_at),
        "archived_at": iso(track.archived_at),
        "prerequisites": [{"id": t.id, "title": t.title, "url": track_url(t.id)} for t in prerequisites],
        "total_steps": len(track.steps),
        "enrollment": enrollment_payload(enrollment, progress) if enrollment is not None else None,
        "url": track_url(track.id),
    }
    if with_steps:
        body["steps"] = [step_payload(s, resources, tags, by_step.get(s.id)) for s in track.steps]
    return body


def progress_payload(track: Track, enrollment: TrackEnrollment | None, progress: Any,
                     resources: dict[int, Resource], tags: dict[int, Tag]) -> dict[str, Any]:
    return {
        "track_id": track.id,
        "enrolled": enrollment is not None,
        "enrolled_at": iso(enrollment.enrolled_at) if enrollment else None,
        "completed_at": iso(enrollment.completed_at) if enrollment else None,
        "done_steps": progress.done_steps,
        "total_steps": progress.total_steps,
        "steps": [step_payload(p.step, resources, tags, p) for p in progress.steps],
    }


def completion_payload(completion: Any) -> dict[str, Any]:
    """A ResourceCompletion: "Mark as done" on a resource."""
    return {"resource_id": completion.resource_id, "done": True, "completed_at": iso(completion.completed_at)}
