"""Live help rooms: opening one (optionally from a thread), changing its topic, archiving it,
inviting and removing members.

Removing a member of a private room takes effect at once: after the commit, their sockets are
taken out of the room's channel (realtime.hub.revoke_channel), and every later read, join and
message is refused by the permission checks.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import text

from ..db import atomic, on_commit
from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import Post, Room, RoomMember, RoomRole, User
from ..models.base import utcnow
from ..payloads import room_member_payload, room_payload, room_url, user_payload
from ..permissions import can_ask, can_moderate_room, can_take_part_in_room, require_active_account
from ..queries.rooms import access_room, get_member, taken_slugs, users_named
from ..queries.threads import access_thread, is_post_id
from ..realtime import channels
from ..realtime.events import record_event
from ..realtime.hub import online_users, revoke_channel
from ..text.slugs import slugify
from ..text.validation import check_text
from .notifications import notify

TITLE_MIN, TITLE_MAX = 3, 100
TOPIC_MAX = 300
MAX_INVITES = 50
SLUG_BASE_MAX = 50
SLUG_LOCK_CLASS = 0x726F6F6D  # "room": serializes room creation per slug on PostgreSQL


@dataclass(frozen=True)
class RoomDraft:
    title: object
    topic: object = None
    thread_id: object = None
    private: object = False
    members: object = None


@dataclass(frozen=True)
class RoomChanges:
    title: object = None
    topic: object = None
    archived: object = None


def check_room_title(value: object) -> str:
    return check_text("title", value, min_len=TITLE_MIN, max_len=TITLE_MAX).strip()


def check_topic(value: object) -> str:
    return check_text("topic", value, max_len=TOPIC_MAX, required=False).strip()


def check_flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed({name: "must be true or false"})
    return value


def check_usernames(value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ValidationFailed({"members": "must be a list of usernames"})
    names = list(dict.fromkeys(check_text("members", name, max_len=31).strip().lstrip("@")
                               for name in value if name.strip()))
    if len(names) > MAX_INVITES:
        raise ValidationFailed({"members": f"must name at most {MAX_INVITES} people"})
    return names


def room_event_payload(room: Room) -> dict:
    return room_payload(room, len(online_users(channels.room(room.slug))))


def create_room(actor: User, draft: RoomDraft) -> Room:
    require_active_account(actor)
    title, topic = check_room_title(draft.title), check_topic(draft.topic)
    private = check_flag("private", False if draft.private is None else draft.private)
    names = check_usernames(draft.members)
    if draft.thread_id is not None and not is_post_id(draft.thread_id):
        raise ValidationFailed({"thread_id": "must be the id of a question"})
    if not can_ask(actor):
        raise Forbidden("Log in to open a live help room.")
    with atomic():
        thread = _linked_thread(actor, draft.thread_id)
        invited = _invitees(actor, names)
        now = utcnow()
        room = Room(slug=_unique_slug(title), title=title, topic=topic, private=private,
                    thread_id=thread.id if thread else None, created_by_id=actor.id,
                    created_at=now, last_activity_at=now)
        db.session.add(room)
        db.session.flush()
        room.created_by = db.session.get(User, actor.id)
        _add_member(room, room.created_by, RoomRole.OWNER, actor)
        for user in invited:
            _add_member(room, user, RoomRole.MEMBER, actor)
        record_event(channels.room(room.slug), "room_created", room_payload(room),
                     subject=f"room:{room.id}")
        if thread is not None and not private:
            record_event(channels.thread(thread.id), "live_help_started",
                         {"thread_id": thread.id, "room": room_payload(room)},
                         subject=f"room:{room.id}")
    return room


def _linked_thread(actor: User, thread_id: object) -> Post | None:
    if thread_id is None:
        return None
    try:
        return access_thread(actor, thread_id)
    except NotFound:
        raise ValidationFailed({"thread_id": "is not a question you can see"}) from None


def _invitees(actor: User, names: list[str]) -> list[User]:
    found = users_named(names)
    missing = [name for name in names if name.lower() not in found]
    if missing:
        raise ValidationFailed({"members": f"no such user: {missing[0][:30]}"})
    return [user for user in found.values() if user.id != actor.id]


def _unique_slug(title: str) -> str:
    base = slugify(title)[:SLUG_BASE_MAX].rstrip("-") or "room"
    session = db.session()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:cls, :key)"),
                        {"cls": SLUG_LOCK_CLASS, "key": zlib.crc32(base.encode()) - 2**31})
    taken = taken_slugs(base)
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _add_member(room: Room, user: User, role: RoomRole, actor: User) -> RoomMember:
    member = RoomMember(room_id=room.id, user_id=user.id, role=role.value, added_by_id=actor.id,
                        joined_at=utcnow())
    member.user = user
    db.session.add(member)
    db.session.flush()
    if user.id != actor.id:
        notify([user.id], "room_invite", actor, room.title, room_url(room.slug))
    return member


def update_room(actor: User, slug: str, changes: RoomChanges) -> Room:
    """Owner or moderator: a new title or topic, archive (read-only history) or reopen."""
    require_active_account(actor)
    title = check_room_title(changes.title) if changes.title is not None else None
    topic = check_topic(changes.topic) if changes.topic is not None else None
    archived = check_flag("archived", changes.archived) if changes.archived is not None else None
    with atomic():
        room = access_room(actor, slug, for_update=True)
        if not can_moderate_room(actor, room):
            raise Forbidden("Only the room's owner or a moderator can change the room.")
        if title is not None:
            room.title = title
        if topic is not None:
            room.topic = topic
        if archived is not None and archived != room.archived:
            room.archived_at = utcnow() if archived else None
        db.session.flush()
        record_event(channels.room(room.slug), "room_updated", room_event_payload(room),
                     subject=f"room:{room.id}")
    return room


def add_member(actor: User, slug: str, username: object) -> tuple[RoomMember, bool]:
    """Invite someone (owner or moderator); returns the membership and whether it is new."""
    require_active_account(actor)
    name = check_text("username", username, max_len=31).strip().lstrip("@")
    if not name:
        raise ValidationFailed({"username": "must be a username"})
    with atomic():
        room = access_room(actor, slug, for_update=True)
        if not can_moderate_room(actor, room):
            raise Forbidden("Only the room's owner or a moderator can invite people.")
        user = users_named([name]).get(name.lower())
        if user is None:
            raise ValidationFailed({"username": f"no such user: {name}"})
        existing = get_member(room, user.id)
        if existing is not None:
            return existing, False
        member = _add_member(room, user, RoomRole.MEMBER, actor)
        record_event(channels.room(room.slug), "member_added",
                     {"room": room.slug, **room_member_payload(member)}, subject=f"room:{room.id}")
    return member, True


def remove_member(actor: User, slug: str, username: object) -> None:
    """Remove someone from a private room (owner or moderator), or leave it yourself.

    They lose access at once: their sockets leave the room's channel right after the commit.
    """
    require_active_account(actor)
    with atomic():
        room = access_room(actor, slug, for_update=True)
        users = users_named([username]) if isinstance(username, str) and len(username) <= 30 else {}
        user = next(iter(users.values()), None)
        member = get_member(room, user.id) if user is not None else None
        if member is None:
            raise NotFound("That person is not a member of this room.")
        _check_may_remove(actor, room, member)
        db.session.delete(member)
        db.session.flush()
        record_event(channels.room(room.slug), "member_removed",
                     {"room": room.slug, "user": user_payload(user)}, subject=f"room:{room.id}")
        record_event(channels.user(user.id), "room_access_revoked",
                     {"room": room.slug, "title": room.title}, subject=f"room:{room.id}")
        on_commit(revoke_channel, user.id, channels.room(room.slug),
                  current_app._get_current_object())


def _check_may_remove(actor: User, room: Room, member: RoomMember) -> None:
    if member.role == RoomRole.OWNER.value:
        raise Forbidden("The room's owner can't be removed from it.")
    if not room.private:
        raise ValidationFailed({"room": "is public: everyone in the company may join it, so it has "
                                        "no member list to remove people from"})
    leaving = member.user_id == actor.id and can_take_part_in_room(actor, room)
    if not leaving and not can_moderate_room(actor, room):
        raise Forbidden("Only the room's owner or a moderator can remove people.")
