"""The public JSON shapes of shared/API.md, built from loaded rows.

Used by the JSON API, socket acks and event payloads alike, so every path returns the same shape.
Payloads are built before commit, so nothing here may trigger lazy loading of unloaded data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .models import Notification, Post, ReputationEntry, User


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 UTC with millisecond precision and a Z suffix."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def user_url(username: str) -> str:
    return f"/users/{username}"


def thread_url(thread_id: int) -> str:
    return f"/questions/{thread_id}"


def answer_url(thread_id: int, answer_id: int) -> str:
    return f"/questions/{thread_id}#answer-{answer_id}"


def user_payload(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name or user.username,
        "department": user.department,
        "job_role": user.job_role,
        "reputation": user.reputation,
        "role": user.role,
        "avatar_url": f"/users/{user.username}/avatar.svg",
        "url": user_url(user.username),
    }


def profile_payload(user: User) -> dict[str, Any]:
    """The user plus the fields only their profile shows."""
    return {**user_payload(user), "bio": user.bio, "skills": [tag.name for tag in user.skills],
            "created_at": iso(user.created_at)}


def _edit_fields(post: Post) -> dict[str, Any]:
    return {
        "edited_at": iso(post.edited_at),
        "last_editor": user_payload(post.last_editor) if post.last_editor_id else None,
        "deleted": post.is_deleted,
    }


def thread_payload(thread: Post) -> dict[str, Any]:
    return {
        "id": thread.id,
        "title": thread.title,
        "body": thread.body,
        "body_html": thread.body_html,
        "tags": thread.tag_names,
        "author": user_payload(thread.author),
        "score": thread.score,
        "view_count": thread.view_count,
        "answer_count": thread.answer_count,
        "accepted_answer_id": thread.accepted_answer_id,
        "solved": thread.accepted_answer_id is not None,
        "created_at": iso(thread.created_at),
        "updated_at": iso(thread.updated_at),
        "last_activity_at": iso(thread.last_activity_at),
        "url": thread_url(thread.id),
        **_edit_fields(thread),
    }


def answer_payload(answer: Post, accepted_answer_id: int | None) -> dict[str, Any]:
    return {
        "id": answer.id,
        "thread_id": answer.parent_id,
        "body": answer.body,
        "body_html": answer.body_html,
        "author": user_payload(answer.author),
        "score": answer.score,
        "accepted": answer.id == accepted_answer_id,
        "created_at": iso(answer.created_at),
        "updated_at": iso(answer.updated_at),
        "url": answer_url(answer.parent_id, answer.id),
        **_edit_fields(answer),
    }


def reputation_entry_payload(entry: ReputationEntry) -> dict[str, Any]:
    return {
        "delta": entry.delta,
        "reason": entry.reason,
        "post_id": entry.post_id,
        "created_at": iso(entry.created_at),
    }


def page_payload(items: list[Any], total: int, page: int, per_page: int) -> dict[str, Any]:
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def notification_payload(note: Notification) -> dict[str, Any]:
    return {
        "id": note.id,
        "type": note.type,
        "actor": user_payload(note.actor) if note.actor is not None else None,
        "subject": note.subject,
        "url": note.url,
        "post_id": note.post_id,
        "read": note.read_at is not None,
        "created_at": iso(note.created_at),
    }
