"""Reading live help rooms, their messages, members and help requests.

Every access_* helper fetches and authorizes in one step: a private room the caller may not read
is "not found", never "forbidden", so its existence does not leak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..models import HelpRequest, HelpStatus, Message, Room, RoomMember, User
from ..models.base import MAX_ROW_ID, is_row_id
from ..payloads import message_url, room_url
from ..permissions import can_read_room
from .paging import Page

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
DEFAULT_MESSAGES, MAX_MESSAGES = 50, 100
HELP_STATUSES = tuple(status.value for status in HelpStatus)


def is_room_slug(value: object) -> bool:
    return isinstance(value, str) and bool(SLUG.match(value))


def get_room(slug: str, *, for_update: bool = False) -> Room | None:
    if not is_room_slug(slug):
        return None
    stmt = select(Room).where(Room.slug == slug)
    if for_update:
        stmt = stmt.with_for_update(of=Room).execution_options(populate_existing=True)
    return db.session.scalar(stmt)


def access_room(actor: User | None, slug: object, *, for_update: bool = False) -> Room:
    room = get_room(slug, for_update=for_update) if isinstance(slug, str) else None
    if room is None or not can_read_room(actor, room):
        raise NotFound("No such room.")
    return room


def _visible_rooms(actor: User | None) -> Select:
    stmt = select(Room)
    if getattr(actor, "is_moderator", False):
        return stmt
    if not getattr(actor, "is_authenticated", False):
        return stmt.where(Room.private.is_(False))
    mine = select(RoomMember.room_id).where(RoomMember.user_id == actor.id)
    return stmt.where(or_(Room.private.is_(False), Room.id.in_(mine)))


def list_rooms(actor: User | None, page: Page, *, archived: bool | None = None
               ) -> tuple[list[Room], int]:
    """Rooms the actor can see, most recently active first; ``archived`` filters when given."""
    stmt = _visible_rooms(actor)
    if archived is not None:
        stmt = stmt.where(Room.archived_at.is_not(None) if archived else Room.archived_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.order_by(Room.last_activity_at.desc(), Room.id.desc())
                              .offset(page.offset).limit(page.per_page))
    return list(rows), total


def rooms_for_thread(actor: User | None, thread_id: int) -> list[Room]:
    """Open rooms linked to a thread that the actor can see, newest activity first."""
    stmt = _visible_rooms(actor).where(Room.thread_id == thread_id, Room.archived_at.is_(None))
    return list(db.session.scalars(stmt.order_by(Room.last_activity_at.desc()).limit(5)))


@dataclass(frozen=True)
class MessageWindow:
    after: int | None = None
    before: int | None = None
    limit: int = DEFAULT_MESSAGES


def check_message_window(after: object = None, before: object = None,
                         limit: object = None) -> MessageWindow:
    """after/before are message ids (whole numbers ≥ 0); limit is 1..100 (larger is clamped)."""
    values = {}
    for name, value in (("after", after), ("before", before), ("limit", limit)):
        if value in (None, ""):
            values[name] = None
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationFailed({name: "must be a whole number"}) from None
        if number < (1 if name == "limit" else 0):
            raise ValidationFailed({name: "must be 1 or more" if name == "limit" else "must be ≥ 0"})
        values[name] = min(number, MAX_ROW_ID)
    limit_value = min(values["limit"] or DEFAULT_MESSAGES, MAX_MESSAGES)
    return MessageWindow(values["after"], values["before"], limit_value)


def list_messages(room: Room, window: MessageWindow) -> tuple[list[Message], bool]:
    """Messages oldest first, with whether more exist beyond the window.

    With ``after`` (and no ``before``) the window reads forward from it (catch-up); otherwise it
    reads backward from ``before`` or from the newest message (history, "load older").
    """
    stmt = select(Message).where(Message.room_id == room.id, Message.deleted_at.is_(None))
    if window.after is not None:
        stmt = stmt.where(Message.id > window.after)
    if window.before is not None:
        stmt = stmt.where(Message.id < window.before)
    forward = window.after is not None and window.before is None
    order = Message.id.asc() if forward else Message.id.desc()
    rows = list(db.session.scalars(stmt.order_by(order).limit(window.limit + 1)))
    has_more = len(rows) > window.limit
    rows = rows[:window.limit]
    return (rows if forward else rows[::-1]), has_more


def get_message(room: Room, message_id: object, *, include_deleted: bool = False) -> Message:
    message = db.session.get(Message, message_id) if is_row_id(message_id) else None
    if message is None or message.room_id != room.id or (message.is_deleted and not include_deleted):
        raise NotFound("No such message in this room.")
    return message


def messages_by_id(room: Room, ids: list[int]) -> list[Message]:
    stmt = select(Message).where(Message.room_id == room.id, Message.id.in_(ids),
                                 Message.deleted_at.is_(None), Message.hidden_at.is_(None))
    return list(db.session.scalars(stmt.order_by(Message.id)))


def all_messages(room: Room, limit: int) -> list[Message]:
    """For transcripts: messages hidden by flags stay out of the public post a transcript becomes."""
    stmt = select(Message).where(Message.room_id == room.id, Message.deleted_at.is_(None),
                                 Message.hidden_at.is_(None))
    return list(db.session.scalars(stmt.order_by(Message.id).limit(limit)))


def message_link(room: Room, message_id: int) -> str:
    """A link that opens the room's page with this message on it, scrolled to it: the plain
    anchor while it is among the latest messages (the page shows those), else the history page
    that has it in the middle (``?before=`` the message half a page later)."""
    newer = list(db.session.scalars(
        select(Message.id).where(Message.room_id == room.id, Message.id > message_id,
                                 Message.deleted_at.is_(None))
        .order_by(Message.id).limit(DEFAULT_MESSAGES)))
    if len(newer) < DEFAULT_MESSAGES:
        return message_url(room.slug, message_id)
    return f"{room_url(room.slug)}?before={newer[DEFAULT_MESSAGES // 2 - 1]}#message-{message_id}"


def private_room_slugs(actor: User | None) -> set[str]:
    """The private rooms the actor is a member of (their messages are the private ones search
    may show them; being a site moderator is not enough)."""
    if not getattr(actor, "is_authenticated", False):
        return set()
    return set(db.session.scalars(
        select(Room.slug).join(RoomMember, RoomMember.room_id == Room.id)
        .where(RoomMember.user_id == actor.id, Room.private.is_(True))))


def get_member(room: Room, user_id: int) -> RoomMember | None:
    return db.session.scalar(select(RoomMember).where(RoomMember.room_id == room.id,
                                                      RoomMember.user_id == user_id))


def list_members(room: Room) -> list[RoomMember]:
    stmt = select(RoomMember).where(RoomMember.room_id == room.id)
    return list(db.session.scalars(stmt.order_by(RoomMember.role.desc(), RoomMember.id)))


def access_help_request(actor: User | None, request_id: object, *, for_update: bool = False
                        ) -> HelpRequest:
    request = None
    if is_row_id(request_id):
        stmt = select(HelpRequest).where(HelpRequest.id == request_id)
        if for_update:
            stmt = stmt.with_for_update(of=HelpRequest).execution_options(populate_existing=True)
        request = db.session.scalar(stmt)
    if request is None or not can_read_room(actor, request.room):
        raise NotFound("No such help request.")
    return request


def check_help_status(value: object) -> tuple[str, ...]:
    """'open' (default: open and claimed, the live queue), one status, or 'all'."""
    if value in (None, "", "open"):
        return (HelpStatus.OPEN.value, HelpStatus.CLAIMED.value) if value in (None, "") \
            else (HelpStatus.OPEN.value,)
    if value == "all":
        return HELP_STATUSES
    if value not in HELP_STATUSES:
        raise ValidationFailed({"status": "must be open, claimed, resolved or all"})
    return (value,)


def list_help_requests(actor: User | None, statuses: tuple[str, ...], page: Page, *,
                       room: Room | None = None) -> tuple[list[HelpRequest], int]:
    """Help requests in rooms the actor can read (open rooms only, unless one room is given),
    oldest first: the one waiting longest comes first."""
    stmt = select(HelpRequest).where(HelpRequest.status.in_(statuses))
    if room is not None:
        stmt = stmt.where(HelpRequest.room_id == room.id)
    else:
        visible = _visible_rooms(actor).where(Room.archived_at.is_(None)).with_only_columns(Room.id)
        stmt = stmt.where(HelpRequest.room_id.in_(visible))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.order_by(HelpRequest.created_at, HelpRequest.id)
                              .offset(page.offset).limit(page.per_page))
    return list(rows), total


def open_request_of(room: Room, user_id: int) -> HelpRequest | None:
    """The user's unresolved help request in this room, if any."""
    return db.session.scalar(select(HelpRequest).where(
        HelpRequest.room_id == room.id, HelpRequest.requester_id == user_id,
        HelpRequest.status != HelpStatus.RESOLVED.value))


def taken_slugs(base: str) -> set[str]:
    escaped = base.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    stmt = select(Room.slug).where(or_(Room.slug == base,
                                       Room.slug.like(escaped + "-%", escape="\\")))
    return set(db.session.scalars(stmt))


def users_named(usernames: list[str]) -> dict[str, User]:
    """Users by lower-cased username (only those that exist)."""
    if not usernames:
        return {}
    keys = [name.lower() for name in usernames]
    rows = db.session.scalars(select(User).where(User.username_key.in_(keys)))
    return {user.username_key: user for user in rows}
