"""Polls in the API (/api/v1/polls): create, list, read, vote, withdraw, close and delete."""

from __future__ import annotations

from flask_login import current_user, login_required
from marshmallow import fields

from ...actions import polls as poll_actions
from ...models import Poll
from ...payloads import page_payload
from ...payloads.polls import poll_payload
from ...queries import polls as poll_queries
from ...queries.paging import parse_page
from .blueprint import ApiBlueprint
from .schemas import Input

bp = ApiBlueprint("polls_api", __name__, url_prefix="/api/v1",
                  description="Polls on questions, in live rooms and after live training sessions")


_STRING, _INTEGER, _BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}


class PollIn(Input):
    """Raw fields: the action checks types and ranges and names the field in its 422."""

    question = fields.Raw(required=True, metadata={**_STRING, "description": "1-300 characters"})
    options = fields.Raw(required=True, metadata={
        "type": "array", "items": _STRING, "description": "2-10 distinct labels, each up to 200 characters"})
    multiple = fields.Raw(load_default=False, metadata=_BOOLEAN)
    anonymous = fields.Raw(load_default=False, metadata=_BOOLEAN)
    closes_at = fields.Raw(load_default=None, allow_none=True, metadata={
        **_STRING, "description": "ISO 8601 with an offset, in the future"})
    thread_id = fields.Raw(load_default=None, allow_none=True, metadata=_INTEGER)
    room = fields.Raw(load_default=None, allow_none=True, metadata={**_STRING, "description": "room slug"})
    live_session_id = fields.Raw(load_default=None, allow_none=True, metadata=_INTEGER)


class PollVoteIn(Input):
    option_ids = fields.Raw(required=True, metadata={"type": "array", "items": _INTEGER})


class PollListArgs(Input):
    thread_id = fields.Integer()
    room = fields.String()
    live_session_id = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


def _payload(poll: Poll) -> dict:
    """The poll as the caller sees it (with their own choices)."""
    view = poll_queries.poll_view(current_user, poll)
    return poll_payload(poll, view.results, view.room_slug)


@bp.post("/polls")
@login_required
@bp.arguments(PollIn)
def create_poll(data: dict):
    return _payload(poll_actions.create_poll(current_user, poll_actions.PollDraft(**data))), 201


@bp.get("/polls")
@bp.arguments(PollListArgs, location="query")
def list_polls(args: dict):
    page = parse_page(args.pop("page", None), args.pop("per_page", None))
    flt = poll_queries.check_poll_filter(current_user, **args)
    polls, total = poll_queries.list_polls(flt, page)
    views = poll_queries.poll_views(current_user, polls, room_slug=flt.room.slug if flt.room else None)
    items = [poll_payload(v.poll, v.results, v.room_slug) for v in views]
    return page_payload(items, total, page.page, page.per_page)


@bp.get("/polls/<int:poll_id>")
def get_poll(poll_id: int):
    poll, _home = poll_queries.access_poll(current_user, poll_id)
    return _payload(poll)


@bp.put("/polls/<int:poll_id>/vote")
@login_required
@bp.arguments(PollVoteIn)
def vote(data: dict, poll_id: int):
    return _payload(poll_actions.vote(current_user, poll_id, data["option_ids"]))


@bp.delete("/polls/<int:poll_id>/vote")
@login_required
def withdraw_vote(poll_id: int):
    poll_actions.withdraw_vote(current_user, poll_id)
    return "", 204


@bp.post("/polls/<int:poll_id>/close")
@login_required
def close_poll(poll_id: int):
    return _payload(poll_actions.close_poll(current_user, poll_id))


@bp.delete("/polls/<int:poll_id>")
@login_required
def delete_poll(poll_id: int):
    poll_actions.delete_poll(current_user, poll_id)
    return "", 204
