"""Help requests in the API: raise a hand in a room, the helpers' queue across rooms, claim and
resolve."""

from __future__ import annotations

from flask_login import current_user, login_required
from marshmallow import fields

from ...actions import help_requests as help_actions
from ...payloads import help_request_payload, page_payload
from ...queries import rooms as room_queries
from ...queries.paging import parse_page
from .blueprint import ApiBlueprint
from .schemas import Input, PageArgs, one_of

bp = ApiBlueprint("help_requests_api", __name__, url_prefix="/api/v1", description="Help requests")


class HelpRequestIn(Input):
    summary = fields.String(required=True)


class HelpListArgs(PageArgs):
    status = fields.String(metadata=one_of(room_queries.HELP_STATUSES))


@bp.post("/rooms/<slug>/help-requests")
@login_required
@bp.arguments(HelpRequestIn)
def raise_hand(data: dict, slug: str):
    return help_request_payload(help_actions.raise_hand(current_user, slug, data["summary"])), 201


@bp.get("/rooms/<slug>/help-requests")
@bp.arguments(HelpListArgs, location="query")
def room_queue(args: dict, slug: str):
    room = room_queries.access_room(current_user, slug)
    return _listing(args, room)


@bp.get("/help-requests")
@bp.arguments(HelpListArgs, location="query")
def queue(args: dict):
    """The helpers' queue: requests in every open room the caller can read, longest waiting first
    (``status`` defaults to open and claimed; ``open``, ``claimed``, ``resolved`` or ``all``)."""
    return _listing(args, None)


def _listing(args: dict, room) -> dict:
    page = parse_page(args.get("page"), args.get("per_page"))
    statuses = room_queries.check_help_status(args.get("status"))
    requests, total = room_queries.list_help_requests(current_user, statuses, page, room=room)
    return page_payload([help_request_payload(r) for r in requests], total, page.page, page.per_page)


@bp.get("/help-requests/<int:request_id>")
def get_help_request(request_id: int):
    return help_request_payload(room_queries.access_help_request(current_user, request_id))


@bp.post("/help-requests/<int:request_id>/claim")
@login_required
def claim(request_id: int):
    return help_request_payload(help_actions.claim_help_request(current_user, request_id))


@bp.post("/help-requests/<int:request_id>/resolve")
@login_required
def resolve(request_id: int):
    return help_request_payload(help_actions.resolve_help_request(current_user, request_id))
