"""The public JSON shapes of shared/API.md, built from loaded rows.

Used by the JSON API, socket acks and event payloads alike, so every path returns the same shape.
Payloads are built before commit, so nothing here may trigger lazy loading of unloaded data.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from .models import (
    BadgeAward,
    HelpRequest,
    Kudos,
    Message,
    Notification,
    Post,
    ReputationEntry,
    Resource,
    ResourceRating,
    Room,
    RoomMember,
    User,
    VoteFlag,
)

if TYPE_CHECKING:
    from .badges import BadgeRule


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


# --- recognition: badges and kudos -----------------------------------------------------------

def badge_payload(rule: BadgeRule) -> dict[str, Any]:
    """A badge as listed: the rule's public fields (awarded_count is added by the caller)."""
    return {"slug": rule.slug, "name": rule.name, "tier": rule.tier.value,
            "description": rule.description, "repeatable": rule.repeatable,
            "revocable": rule.revocable, "available": rule.live, "url": f"/badges/{rule.slug}"}


def award_payload(award: BadgeAward, rule: BadgeRule) -> dict[str, Any]:
    return {
        "badge": {"slug": rule.slug, "name": rule.name, "tier": rule.tier.value},
        "awarded_at": iso(award.awarded_at),
        "reason_url": award.reason_url or None,
        "post_id": award.post_id,
        "subject": award.subject or None,
    }


def kudos_payload(kudos: Kudos) -> dict[str, Any]:
    return {
        "id": kudos.id,
        "from": user_payload(kudos.giver),
        "to": user_payload(kudos.recipient),
        "post_id": kudos.post_id,
        "message": kudos.message,
        "created_at": iso(kudos.created_at),
    }


# --- live help rooms -----------------------------------------------------------------------------

def room_url(slug: str) -> str:
    return f"/rooms/{slug}"


def message_url(slug: str, message_id: int) -> str:
    return f"/rooms/{slug}#message-{message_id}"


def help_request_url(slug: str, request_id: int) -> str:
    return f"/rooms/{slug}#help-{request_id}"


def room_payload(room: Room, online_count: int = 0) -> dict[str, Any]:
    return {
        "slug": room.slug,
        "title": room.title,
        "topic": room.topic,
        "thread_id": room.thread_id,
        "private": room.private,
        "archived": room.archived,
        "created_by": user_payload(room.created_by),
        "online_count": online_count,
        "created_at": iso(room.created_at),
        "last_activity_at": iso(room.last_activity_at),
        "archived_at": iso(room.archived_at),
        "url": room_url(room.slug),
    }


def message_payload(message: Message, room: Room) -> dict[str, Any]:
    """A chat message; ``room`` is the room's slug (``room_title`` and ``private`` let consumers
    such as the search indexer skip private rooms without a lookup)."""
    return {
        "id": message.id,
        "room": room.slug,
        "room_title": room.title,
        "private": room.private,
        "author": user_payload(message.author),
        "body": message.body,
        "body_html": message.body_html,
        "created_at": iso(message.created_at),
        "url": message_url(room.slug, message.id),
    }


def help_request_payload(request: HelpRequest) -> dict[str, Any]:
    """A help request; ``room`` is a small room object, so a queue across rooms can name them."""
    room = request.room
    return {
        "id": request.id,
        "room": {"slug": room.slug, "title": room.title, "private": room.private,
                 "url": room_url(room.slug)},
        "summary": request.summary,
        "status": request.status,
        "requester": user_payload(request.requester),
        "helper": user_payload(request.helper) if request.helper is not None else None,
        "created_at": iso(request.created_at),
        "claimed_at": iso(request.claimed_at),
        "resolved_at": iso(request.resolved_at),
        "url": help_request_url(room.slug, request.id),
    }


def room_member_payload(member: RoomMember) -> dict[str, Any]:
    return {"user": user_payload(member.user), "role": member.role, "joined_at": iso(member.joined_at)}


def vote_flag_payload(flag: VoteFlag) -> dict[str, Any]:
    return {
        "id": flag.id,
        "users": [user_payload(flag.user_a), user_payload(flag.user_b)],
        "day": flag.day.isoformat(),
        "vote_count": flag.vote_count,
        "created_at": iso(flag.created_at),
        "updated_at": iso(flag.updated_at),
        "resolved": flag.resolved_at is not None,
        "resolved_at": iso(flag.resolved_at),
    }


# --- resources -----------------------------------------------------------------------------------

def resource_page_url(resource_id: int) -> str:
    return f"/resources/{resource_id}"


def resource_payload(resource: Resource) -> dict[str, Any]:
    """A shared resource: ``url`` is the shared link itself, ``page_url`` its page here."""
    preview = None
    if resource.preview_fetched_at is not None:
        preview = {"title": resource.preview_title, "description": resource.preview_description,
                   "fetched_at": iso(resource.preview_fetched_at)}
    return {
        "id": resource.id,
        "url": resource.url,
        "normalized_url": resource.normalized_url,
        "title": resource.title,
        "description": resource.description,
        "kind": resource.kind,
        "tags": resource.tag_names,
        "duration_minutes": resource.duration_minutes,
        "shared_by": user_payload(resource.shared_by),
        "rating_avg": resource.rating_avg,
        "rating_count": resource.rating_count,
        "link_count": resource.link_count,
        "preview": preview,
        "preview_status": resource.preview_status,
        "created_at": iso(resource.created_at),
        "updated_at": iso(resource.updated_at),
        "deleted": resource.is_deleted,
        "page_url": resource_page_url(resource.id),
    }


def rating_summary_payload(resource: Resource, mine: ResourceRating | None) -> dict[str, Any]:
    """What PUT .../rating answers and the ``resource_rated`` event carries (without ``my_*``)."""
    return {
        "resource_id": resource.id,
        "rating_avg": resource.rating_avg,
        "rating_count": resource.rating_count,
        "my_rating": mine.stars if mine is not None else None,
        "my_review": mine.review if mine is not None else None,
    }


def rating_payload(rating: ResourceRating) -> dict[str, Any]:
    return {
        "id": rating.id,
        "resource_id": rating.resource_id,
        "user": user_payload(rating.user),
        "stars": rating.stars,
        "review": rating.review,
        "created_at": iso(rating.created_at),
        "updated_at": iso(rating.updated_at),
    }
