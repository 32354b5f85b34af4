"""Chat messages in live help rooms: posting (HTTP and the socket `message` event alike) and
removing them.

Messages are Markdown rendered and sanitized once, like posts. Each is stored with a
`room_message` event on `room:<slug>` carrying the message (live delivery, catch-up and the
search indexer read it); a removal records `message_deleted`. Posting is rate limited per user
per room (ROOM_MESSAGE_LIMIT, default 10 per 10 seconds), with the `limits` package in memory or
in Redis when COMMUNITY_REDIS_URL is set; COMMUNITY_RATELIMIT_ENABLED=0 switches it off.
"""

from __future__ import annotations

from flask import current_app
from limits import RateLimitItem, parse
from sqlalchemy import update

from ..db import atomic
from ..errors import Forbidden, RateLimited
from ..extensions import db
from ..models import Message, Room, User
from ..models.base import utcnow
from ..payloads import message_payload, message_url
from ..permissions import can_delete_message, can_post_in_room, can_read_room, require_active_account
from ..queries.rooms import access_room, get_message, users_named
from ..realtime import channels
from ..realtime.events import record_event
from ..settings import setting
from ..text.markdown import render_markdown
from ..text.mentions import mentioned_usernames
from ..text.validation import check_text
from .notifications import notify
from .rate_limits import moving_window, seconds_until_allowed

BODY_MIN, BODY_MAX = 1, 4_000


def check_message_body(value: object) -> str:
    return check_text("body", value, min_len=BODY_MIN, max_len=BODY_MAX)


def post_message(actor: User, slug: object, body: object) -> tuple[Message, Room]:
    """Say something in a room; returns the message and its room."""
    require_active_account(actor)
    body = check_message_body(body)
    with atomic():
        room = access_room(actor, slug)
        if not can_post_in_room(actor, room):
            raise Forbidden("This room is archived: its history is read-only." if room.archived
                            else "Log in to chat in a room.")
        check_message_rate(actor, room)
        now = utcnow()
        message = Message(room_id=room.id, author_id=actor.id, body=body,
                          body_html=render_markdown(body), created_at=now)
        db.session.add(message)
        db.session.execute(update(Room).where(Room.id == room.id).values(last_activity_at=now)
                           .execution_options(synchronize_session=False))
        db.session.flush()
        room.last_activity_at = now
        message.author = db.session.get(User, actor.id)
        record_event(channels.room(room.slug), "room_message", message_payload(message, room),
                     subject=f"message:{message.id}")
        _notify_mentions(actor, room, message)
    return message, room


def _notify_mentions(actor: User, room: Room, message: Message) -> list[int]:
    """@mentions notify the people named who can open the room (never leak a private one)."""
    named = users_named(mentioned_usernames(message.body))
    readers = [user.id for user in named.values() if can_read_room(user, room)]
    return notify(readers, "mention", actor, room.title, message_url(room.slug, message.id))


def delete_message(actor: User, slug: object, message_id: object) -> None:
    """Remove a message: its author, the room's owner or a moderator. Idempotent."""
    require_active_account(actor)
    with atomic():
        room = access_room(actor, slug)
        message = get_message(room, message_id, include_deleted=True)
        if message.is_deleted:
            return
        if not can_delete_message(actor, room, message):
            raise Forbidden("Only the author, the room's owner or a moderator can remove a message.")
        message.deleted_at = utcnow()
        message.deleted_by_id = actor.id
        record_event(channels.room(room.slug), "message_deleted",
                     {"id": message.id, "room": room.slug}, subject=f"message:{message.id}")


# --- the rate limit -------------------------------------------------------------------------------

def check_message_rate(actor: User, room: Room) -> None:
    """Raise RateLimited when the actor has sent too many messages to this room lately."""
    app = current_app._get_current_object()
    if not app.config["RATELIMIT_ENABLED"]:
        return
    item = message_limit()
    key = ("room-message", str(room.id), str(actor.id))
    if moving_window(app).hit(item, *key):
        return
    wait = seconds_until_allowed(app, item, *key)
    raise RateLimited(f"Slow down: at most {item.amount} messages every {item.get_expiry()} seconds "
                      f"in a room. Try again in {wait} s.", retry_after=wait)


def message_limit() -> RateLimitItem:
    """The room message limit in force (an admin may change it: see settings.EDITABLE)."""
    return parse(str(setting("ROOM_MESSAGE_LIMIT") or "10 per 10 seconds"))
