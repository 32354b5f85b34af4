"""Shared pieces of the payloads: timestamps, links, users, pages of results, notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..models import Notification, User


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


# What readers see in place of content hidden by members' flags until a moderator reviews it.
HIDDEN_NOTICE = "Hidden after community flags, pending moderator review"
HIDDEN_HTML = f"<p><em>{HIDDEN_NOTICE}.</em></p>"


def withheld_if_hidden(payload: dict[str, Any], hidden: bool, reveal: bool) -> dict[str, Any]:
    """Hidden content's text is withheld unless the caller says this reader may see it (its
    author or a moderator). Withholding is the default, so events, which every subscriber
    receives, never carry a hidden body."""
    if hidden and not reveal:
        payload.update(body="", body_html=HIDDEN_HTML)
    return payload
