"""Live help rooms, their messages, help requests and members."""

from __future__ import annotations

from typing import Any

from ..models import HelpRequest, Message, Room, RoomMember
from .common import iso, user_payload, withheld_if_hidden


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
    return withheld_if_hidden({
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
