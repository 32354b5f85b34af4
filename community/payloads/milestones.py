"""Milestones: a member's own goal with its live progress (see queries/milestones.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import iso, user_payload

if TYPE_CHECKING:  # the queries import models that import payloads; only the type is needed here
    from ..queries.milestones import MilestoneView


def milestone_url(milestone_id: int) -> str:
    return f"/milestones/{milestone_id}"


def milestone_payload(view: MilestoneView) -> dict[str, Any]:
    milestone = view.milestone
    return {
        "id": milestone.id,
        "title": milestone.title,
        "metric": milestone.metric,
        "tag": view.tag,
        "resource_kind": milestone.resource_kind,
        "target": milestone.target,
        "progress": view.progress,
        "reached": milestone.reached_at is not None,
        "reached_at": iso(milestone.reached_at),
        "starts_at": iso(milestone.starts_at),
        "due_at": iso(milestone.due_at),
        "status": view.status,
        "owner": user_payload(milestone.owner),
        "shares": [user_payload(share.user) for share in
                   sorted(milestone.shares, key=lambda s: s.user.username.casefold())],
        "url": milestone_url(milestone.id),
        "created_at": iso(milestone.created_at),
        "updated_at": iso(milestone.updated_at),
    }


def milestone_progress_payload(view: MilestoneView) -> dict[str, Any]:
    """The ``milestone_progress`` event on ``user:<owner>``: enough to redraw a progress bar."""
    milestone = view.milestone
    return {"id": milestone.id, "progress": view.progress, "target": milestone.target,
            "reached": milestone.reached_at is not None, "reached_at": iso(milestone.reached_at),
            "status": view.status}
