"""The personal home ("For you") and what a member follows."""

from __future__ import annotations

from typing import Any

from ..models import LearningContract, Milestone, Post, Tag, ThreadWatch, Track, TrackEnrollment
from ..queries.contracts import contract_status
from ..queries.feed import Feed
from ..queries.tracks import TrackProgress
from .common import iso
from .resources import resource_payload
from .threads import answer_payload, thread_payload


def track_url(track_id: int) -> str:
    return f"/tracks/{track_id}"


def contract_url(contract_id: int) -> str:
    return f"/contracts/{contract_id}"


def milestone_url(milestone_id: int) -> str:
    return f"/milestones/{milestone_id}"


def tag_url(name: str) -> str:
    return f"/tags/{name}"


def feed_track_payload(track: Track, enrollment: TrackEnrollment | None = None,
                       progress: TrackProgress | None = None) -> dict[str, Any]:
    """A track as the feed lists it (the full track lives on its own page); ``done_steps`` only
    for an enrolled track."""
    return {"id": track.id, "title": track.title, "perk": track.perk, "step_count": len(track.steps),
            "done_steps": progress.done_steps if progress else None,
            "enrolled_at": iso(enrollment.enrolled_at) if enrollment else None, "url": track_url(track.id)}


def feed_contract_payload(contract: LearningContract) -> dict[str, Any]:
    done = sum(1 for item in contract.items if item.done_at is not None)
    return {"id": contract.id, "title": contract.title,
            "due_on": contract.due_on.isoformat() if contract.due_on else None,
            "status": contract_status(contract), "items_done": done, "items_total": len(contract.items),
            "url": contract_url(contract.id)}


def feed_milestone_payload(milestone: Milestone, progress: int) -> dict[str, Any]:
    return {"id": milestone.id, "title": milestone.title, "metric": milestone.metric,
            "target": milestone.target, "progress": min(progress, milestone.target),
            "due_at": iso(milestone.due_at), "url": milestone_url(milestone.id)}


def unanswered_basis_payload(feed: Feed, department: str) -> dict[str, Any]:
    """Why these questions: ``kind`` is tags (followed tags and skills), department or newest."""
    return {"kind": feed.basis,
            "tags": feed.interests.followed if feed.basis == "tags" else [],
            "skills": feed.interests.skills if feed.basis == "tags" else [],
            "department": department.strip() if feed.basis == "department" else None}


def feed_payload(feed: Feed, department: str) -> dict[str, Any]:
    return {
        "unanswered": [thread_payload(t) for t in feed.unanswered],
        "unanswered_basis": unanswered_basis_payload(feed, department),
        "watched": [{"thread": thread_payload(w.thread),
                     "answers": [answer_payload(a, w.thread.accepted_answer_id) for a in w.answers]}
                    for w in feed.watched],
        "resources": [resource_payload(r) for r in feed.resources],
        "tracks": [feed_track_payload(track, enrollment, feed.track_progress.get(track.id))
                   for track, enrollment in feed.tracks],
        "contracts": [feed_contract_payload(c) for c in feed.contracts],
        "milestones": [feed_milestone_payload(m, feed.milestone_progress.get(m.id, 0))
                       for m in feed.milestones],
        "tags": feed.interests.followed,
        "skills": feed.interests.skills,
        "recommended_tracks": [feed_track_payload(t) for t in feed.recommended_tracks],
    }


def tag_follow_payload(tag: Tag, following: bool) -> dict[str, Any]:
    return {"tag": tag.name, "following": following}


def watch_payload(watch: ThreadWatch) -> dict[str, Any]:
    return {"thread_id": watch.thread_id, "level": watch.level}


def watched_thread_payload(thread: Post, level: str) -> dict[str, Any]:
    return {"thread": thread_payload(thread), "level": level}
