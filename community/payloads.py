"""The public JSON shapes of shared/API.md, built from loaded rows.

Used by the JSON API, socket acks and event payloads alike, so every path returns the same shape.
Payloads are built before commit, so nothing here may trigger lazy loading of unloaded data.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .models import (
    AuditEntry,
    BadgeAward,
    Flag,
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
    from .queries.flags import FlaggedTarget


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
        "hidden": post.is_hidden,
    }


# What readers see in place of content hidden by members' flags until a moderator reviews it.
HIDDEN_NOTICE = "Hidden after community flags, pending moderator review"
HIDDEN_HTML = f"<p><em>{HIDDEN_NOTICE}.</em></p>"


def _withheld_if_hidden(payload: dict[str, Any], hidden: bool, reveal: bool) -> dict[str, Any]:
    """Hidden content's text is withheld unless the caller says this reader may see it (its
    author or a moderator). Withholding is the default, so events, which every subscriber
    receives, never carry a hidden body."""
    if hidden and not reveal:
        payload.update(body="", body_html=HIDDEN_HTML)
    return payload


def thread_payload(thread: Post, *, reveal_hidden: bool = False) -> dict[str, Any]:
    return _withheld_if_hidden({
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
        **_thread_state_fields(thread),
    }, thread.is_hidden, reveal_hidden)


def _thread_state_fields(thread: Post) -> dict[str, Any]:
    """Locked (only moderators act), closed (no new answers) and merged-into (a closed duplicate)."""
    target = thread.duplicate_of if thread.duplicate_of_id else None
    return {
        "locked": thread.is_locked,
        "lock_reason": thread.lock_reason if thread.is_locked else None,
        "locked_at": iso(thread.locked_at),
        "locked_by": user_payload(thread.locked_by) if thread.locked_by_id else None,
        "closed": thread.is_closed,
        "close_reason": thread.close_reason if thread.is_closed else None,
        "closed_at": iso(thread.closed_at),
        "closed_by": user_payload(thread.closed_by) if thread.closed_by_id else None,
        "duplicate_of": ({"id": target.id, "title": target.title, "url": thread_url(target.id)}
                         if target is not None else None),
    }


def answer_payload(answer: Post, accepted_answer_id: int | None, *,
                   reveal_hidden: bool = False) -> dict[str, Any]:
    return _withheld_if_hidden({
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
    }, answer.is_hidden, reveal_hidden)


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


def message_payload(message: Message, room: Room, *, reveal_hidden: bool = False) -> dict[str, Any]:
    """A chat message; ``room`` is the room's slug (``room_title`` and ``private`` let consumers
    such as the search indexer skip private rooms without a lookup)."""
    return _withheld_if_hidden({
        "id": message.id,
        "room": room.slug,
        "room_title": room.title,
        "private": room.private,
        "author": user_payload(message.author),
        "body": message.body,
        "body_html": message.body_html,
        "created_at": iso(message.created_at),
        "url": message_url(room.slug, message.id),
        "hidden": message.is_hidden,
    }, message.is_hidden, reveal_hidden)


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
        "hidden": resource.is_hidden,
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


# --- suspensions and the audit log ------------------------------------------------------------

def suspension_payload(user: User) -> dict[str, Any]:
    """A user's suspension (for moderators and the user): the end time while it lasts, else nulls."""
    active = user.is_suspended
    return {"suspended_until": iso(user.suspended_until) if active else None,
            "suspension_reason": user.suspension_reason if active else None}


def audit_entry_payload(entry: AuditEntry) -> dict[str, Any]:
    try:
        details = json.loads(entry.details or "{}")
    except ValueError:
        details = {}
    return {
        "id": entry.id,
        "actor": user_payload(entry.actor) if entry.actor is not None else None,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_label": entry.target_label,
        "reason": entry.reason,
        "details": details if isinstance(details, dict) else {"value": details},
        "created_at": iso(entry.created_at),
    }


# --- member flags ----------------------------------------------------------------------------------

def flag_target_payload(target: FlaggedTarget) -> dict[str, Any]:
    """What a flag points at, summed up for the review queue (enough to judge, with a link)."""
    return {
        "type": target.kind,
        "id": target.id,
        "title_or_excerpt": target.title_or_excerpt,
        "context_title": target.context_title,
        "url": target.url,
        "author": user_payload(target.author),
        "hidden": target.hidden,
        "deleted": target.deleted,
    }


def flag_payload(flag: Flag, target: FlaggedTarget | None) -> dict[str, Any]:
    """A flag; only its reporter and moderators ever read one, so the reporter is included."""
    return {
        "id": flag.id,
        "target_type": flag.target_type,
        "target_id": flag.target_id,
        "target": flag_target_payload(target) if target is not None else None,
        "reason": flag.reason,
        "note": flag.note,
        "status": flag.status,
        "resolution": flag.resolution or None,
        "reporter": user_payload(flag.reporter),
        "created_at": iso(flag.created_at),
        "resolved_at": iso(flag.resolved_at),
        "resolved_by": user_payload(flag.resolved_by) if flag.resolved_by_id else None,
    }
