"""Live help rooms in the API: rooms, messages, members, the event log and transcripts."""

from __future__ import annotations

from flask_login import current_user, login_required
from marshmallow import fields

from ...actions import messages as message_actions
from ...actions import rooms as room_actions
from ...actions import transcripts as transcript_actions
from ...models import Room
from ...payloads import (
    answer_payload,
    message_payload,
    page_payload,
    room_member_payload,
    room_payload,
    thread_payload,
    user_payload,
)
from ...permissions import can_see_hidden
from ...queries import rooms as room_queries
from ...queries.events import events_after
from ...queries.paging import parse_page
from ...realtime import channels
from ...realtime.hub import online_users
from ...realtime.replay import replay
from .blueprint import ApiBlueprint
from .schemas import EventsArgs, Input, PageArgs

bp = ApiBlueprint("rooms_api", __name__, url_prefix="/api/v1", description="Live help rooms")


class RoomIn(Input):
    title = fields.String(required=True)
    topic = fields.String(allow_none=True)
    thread_id = fields.Integer(strict=True, allow_none=True)
    private = fields.Boolean(load_default=False)
    members = fields.List(fields.String(), allow_none=True)


class RoomPatch(Input):
    title = fields.String()
    topic = fields.String()
    archived = fields.Boolean()


class RoomListArgs(PageArgs):
    archived = fields.Boolean()


class MessageArgs(Input):
    after = fields.Integer()
    before = fields.Integer()
    limit = fields.Integer()


class MessageIn(Input):
    body = fields.String(required=True)


class MemberIn(Input):
    username = fields.String(required=True)


class TranscriptIn(Input):
    message_ids = fields.List(fields.Integer(strict=True), allow_none=True)
    thread_id = fields.Integer(strict=True, allow_none=True)
    title = fields.String(allow_none=True)


def room_json(room: Room) -> dict:
    return room_payload(room, len(online_users(channels.room(room.slug))))


@bp.post("/rooms")
@login_required
@bp.arguments(RoomIn)
def create_room(data: dict):
    return room_json(room_actions.create_room(current_user, room_actions.RoomDraft(**data))), 201


@bp.get("/rooms")
@bp.arguments(RoomListArgs, location="query")
def list_rooms(args: dict):
    page = parse_page(args.get("page"), args.get("per_page"))
    rooms, total = room_queries.list_rooms(current_user, page, archived=args.get("archived"))
    return page_payload([room_json(r) for r in rooms], total, page.page, page.per_page)


@bp.get("/rooms/<slug>")
def get_room(slug: str):
    return room_json(room_queries.access_room(current_user, slug))


@bp.patch("/rooms/<slug>")
@login_required
@bp.arguments(RoomPatch)
def update_room(data: dict, slug: str):
    return room_json(room_actions.update_room(current_user, slug, room_actions.RoomChanges(**data)))


@bp.get("/rooms/<slug>/messages")
@bp.arguments(MessageArgs, location="query")
def list_messages(args: dict, slug: str):
    room = room_queries.access_room(current_user, slug)
    messages, has_more = room_queries.list_messages(room, room_queries.check_message_window(**args))
    return {"items": [message_payload(m, room, reveal_hidden=can_see_hidden(current_user, m.author_id))
                      for m in messages], "has_more": has_more}


@bp.post("/rooms/<slug>/messages")
@login_required
@bp.arguments(MessageIn)
def post_message(data: dict, slug: str):
    message, room = message_actions.post_message(current_user, slug, data["body"])
    return message_payload(message, room), 201


@bp.delete("/rooms/<slug>/messages/<int:message_id>")
@login_required
def delete_message(slug: str, message_id: int):
    message_actions.delete_message(current_user, slug, message_id)
    return "", 204


@bp.get("/rooms/<slug>/members")
def list_members(slug: str):
    room = room_queries.access_room(current_user, slug)
    return {"items": [room_member_payload(m) for m in room_queries.list_members(room)]}


@bp.post("/rooms/<slug>/members")
@login_required
@bp.arguments(MemberIn)
def add_member(data: dict, slug: str):
    member, created = room_actions.add_member(current_user, slug, data["username"])
    return room_member_payload(member), 201 if created else 200


@bp.delete("/rooms/<slug>/members/<username>")
@login_required
def remove_member(slug: str, username: str):
    room_actions.remove_member(current_user, slug, username)
    return "", 204


@bp.get("/rooms/<slug>/events")
@bp.arguments(EventsArgs, location="query")
def room_events(args: dict, slug: str):
    room = room_queries.access_room(current_user, slug)
    after = max(0, args["after"])
    events = events_after(channels.room(room.slug), after)
    return {"events": replay(current_user, events), "last_id": events[-1].id if events else after}


@bp.post("/rooms/<slug>/transcript")
@login_required
@bp.arguments(TranscriptIn)
def save_transcript(data: dict, slug: str):
    saved = transcript_actions.save_transcript(current_user, slug,
                                               transcript_actions.TranscriptRequest(**data))
    credited = [user_payload(user) for user in saved.participants]
    if saved.thread is not None:
        return {"thread": thread_payload(saved.thread), "participants": credited}, 201
    return {"answer": answer_payload(saved.answer, None), "participants": credited}, 201
