"""Raising a hand in a live help room: help requests are open, then claimed by a colleague (the
asker is notified), then resolved. Every change is a `help_request` event on `room:<slug>`."""

from __future__ import annotations

from ..badges import Trigger
from ..db import atomic
from ..errors import Conflict, DomainError, Forbidden
from ..extensions import db
from ..models import HelpRequest, HelpStatus, Room, User
from ..models.base import utcnow
from ..payloads import help_request_payload, help_request_url
from ..permissions import (
    can_claim_help_request,
    can_post_in_room,
    can_resolve_help_request,
    require_active_account,
)
from ..queries.rooms import access_help_request, access_room, open_request_of
from ..realtime import channels
from ..realtime.events import record_event
from ..text.validation import check_text
from .badges import award_after_commit
from .notifications import notify

SUMMARY_MIN, SUMMARY_MAX = 3, 300


def raise_hand(actor: User, slug: object, summary: object) -> HelpRequest:
    """"I need help with …": a new open request in the room's queue (one open per person)."""
    require_active_account(actor)
    summary = check_text("summary", summary, min_len=SUMMARY_MIN, max_len=SUMMARY_MAX).strip()
    with atomic():
        room = access_room(actor, slug, for_update=True)  # serializes one person's two clicks
        if not can_post_in_room(actor, room):
            raise Forbidden("This room is archived: it takes no new help requests." if room.archived
                            else "Log in to ask for help.")
        if open_request_of(room, actor.id) is not None:
            raise Conflict("You already have an open help request in this room; resolve it first.")
        request = HelpRequest(room_id=room.id, requester_id=actor.id, summary=summary,
                              status=HelpStatus.OPEN.value, created_at=utcnow())
        db.session.add(request)
        db.session.flush()
        request.room = room
        request.requester = db.session.get(User, actor.id)
        request.helper = None
        _record(room, request)
    return request


def claim_help_request(actor: User, request_id: object) -> HelpRequest:
    """Take an open request; the person who asked is notified. Claiming it again is a no-op."""
    require_active_account(actor)
    with atomic():
        request = access_help_request(actor, request_id, for_update=True)
        room = request.room
        if request.status == HelpStatus.CLAIMED.value and request.helper_id == actor.id:
            return request
        if not can_claim_help_request(actor, room, request):
            raise _claim_refusal(actor, room, request)
        request.status = HelpStatus.CLAIMED.value
        request.helper_id = actor.id
        request.helper = db.session.get(User, actor.id)
        request.claimed_at = utcnow()
        db.session.flush()
        notify([request.requester_id], "help_request_claimed", actor, request.summary,
               help_request_url(room.slug, request.id))
        _record(room, request)
    return request


def _claim_refusal(actor: User, room: Room, request: HelpRequest) -> DomainError:
    if request.status == HelpStatus.RESOLVED.value:
        return Conflict("This help request is already resolved.")
    if request.status == HelpStatus.CLAIMED.value:
        return Conflict(f"{request.helper.name} is already helping with this.")
    if room.archived:
        return Forbidden("This room is archived.")
    if getattr(actor, "id", None) == request.requester_id:
        return Forbidden("You can't claim your own help request; a colleague will.")
    return Forbidden("Log in to help.")


def resolve_help_request(actor: User, request_id: object) -> HelpRequest:
    """Mark it resolved: the asker, the helper, or the room's owner or a moderator. Idempotent."""
    require_active_account(actor)
    with atomic():
        request = access_help_request(actor, request_id, for_update=True)
        if request.status == HelpStatus.RESOLVED.value:
            return request
        room = request.room
        if not can_resolve_help_request(actor, room, request):
            raise Forbidden("Only the person who asked, their helper, or the room's owner or a "
                            "moderator can mark this resolved.")
        request.status = HelpStatus.RESOLVED.value
        request.resolved_at = utcnow()
        db.session.flush()
        _record(room, request)
        if request.helper_id is not None:  # the live-help badges (community/badges/rules.py)
            award_after_commit(request.helper_id, Trigger.HELP_REQUEST_RESOLVED)
    return request


def _record(room: Room, request: HelpRequest) -> None:
    record_event(channels.room(room.slug), "help_request", help_request_payload(request),
                 subject=f"help_request:{request.id}")
