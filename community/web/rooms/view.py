"""What the room pages render: one view model per page, permission flags for the viewer, and the
stand-in message and help request that static/js/rooms.js clones for items arriving live."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ... import permissions
from ...errors import NotFound
from ...models import HelpRequest, HelpStatus, Message, Post, Room, User
from ...queries import rooms as room_queries
from ...queries.events import last_event_id
from ...queries.paging import Page
from ...queries.polls import room_poll_views
from ...queries.threads import access_thread
from ...realtime import channels
from ...realtime.hub import online_users

PLACEHOLDER_ID = 987654321987
QUEUE_SIZE = 50


def live_help_for(thread: Post) -> list[dict[str, Any]]:
    """Open rooms linked to a thread that the viewer can see, with who is in them now."""
    return [{"room": room, "online": online_users(channels.room(room.slug))}
            for room in room_queries.rooms_for_thread(current_user, thread.id)]


def flags(room: Room) -> dict[str, bool]:
    return {
        "can_take_part": permissions.can_take_part_in_room(current_user, room),
        "can_post": permissions.can_post_in_room(current_user, room),
        "can_moderate": permissions.can_moderate_room(current_user, room),
        "can_save_transcript": permissions.can_save_transcript(current_user, room),
    }


def can_remove_message(room: Room, message: Message) -> bool:
    return permissions.can_delete_message(current_user, room, message)


def can_claim(room: Room, request: HelpRequest) -> bool:
    return permissions.can_claim_help_request(current_user, room, request)


def can_resolve(room: Room, request: HelpRequest) -> bool:
    return permissions.can_resolve_help_request(current_user, room, request)


def render_room(room: Room, status: int = 200, *, before: int | None = None,
                values: Mapping[str, str] | None = None, errors: Mapping[str, str] | None = None,
                message: str | None = None) -> ResponseReturnValue:
    """The chat page. The channel cursor is read before the history, so a message committed in
    between arrives through catch-up (and the script drops one it already shows)."""
    cursor = last_event_id(channels.room(room.slug))
    window = room_queries.check_message_window(before=before)
    history, has_older = room_queries.list_messages(room, window)
    queue, _ = room_queries.list_help_requests(current_user, room_queries.check_help_status(None),
                                               Page(1, QUEUE_SIZE), room=room)
    page = render_template(
        "rooms/room.html", room=room, messages=history, has_older=has_older, before=before,
        last_event_id=cursor, online=online_users(channels.room(room.slug)),
        members=room_queries.list_members(room), queue=queue, linked_thread=linked_thread(room),
        polls=room_poll_views(current_user, room),
        values=values or {},
        errors=errors or {}, form_message=message, message_stand_in=message_stand_in(room),
        help_stand_in=help_stand_in(room), **flags(room))
    return page, status


def linked_thread(room: Room) -> Post | None:
    """The question the room was opened from, if the viewer can see it."""
    if room.thread_id is None:
        return None
    try:
        return access_thread(current_user, room.thread_id)
    except NotFound:
        return None


def _someone() -> User:
    return User(id=-1, username="someone", display_name="Someone", reputation=1, role="member")


def message_stand_in(room: Room) -> Message:
    """A transient message by someone other than the viewer (never added to the session)."""
    message = Message(id=PLACEHOLDER_ID, room_id=room.id, author_id=-1, body="", body_html="",
                      created_at=datetime(2000, 1, 1, tzinfo=UTC))
    message.author = _someone()
    return message


def help_stand_in(room: Room) -> HelpRequest:
    request = HelpRequest(id=PLACEHOLDER_ID, room_id=room.id, requester_id=-1, summary="",
                          status=HelpStatus.OPEN.value, created_at=datetime(2000, 1, 1, tzinfo=UTC))
    request.requester = _someone()
    request.helper = None
    request.room = room
    return request
