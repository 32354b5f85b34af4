"""Member flags on posts, room messages and resources, and the moderators' decisions on them.

A member flags what someone else wrote (spam, offensive, off topic, or another reason with a
note). When open flags from FLAG_HIDE_THRESHOLD distinct members pile up on one target, or a
moderator flags it, the target is hidden pending review: its author and moderators still see it,
everyone else sees a placeholder (answers, messages) or nothing (questions, resources), and it
drops out of search. Hiding and showing again are published through the events clients already
handle for edits (``thread_updated``, ``answer_updated``, ``resource_updated``, and
``message_updated`` on the room), whose payloads withhold a hidden body; the same events make
the search indexer rewrite the target's documents.

A moderator resolves every open flag on a target at once: approve (dismissed, shown again), hide
(upheld, stays hidden), delete (upheld, soft-deleted by the target's own delete action) or warn
(upheld, hidden, and the author is notified). Each decision leaves one audit row.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..db import atomic
from ..errors import Conflict, Forbidden, ValidationFailed
from ..extensions import db
from ..models import Flag, FlagReason, FlagStatus, FlagTarget, User
from ..models.base import utcnow
from ..payloads import answer_payload, message_payload, resource_payload, thread_payload
from ..permissions import can_flag, can_review_flags, require_active_account
from ..queries.flags import (
    FlaggedTarget,
    access_flag,
    access_flag_target,
    check_target_type,
    find_flag,
    load_target,
    open_flags_on,
    open_reporter_count,
)
from ..realtime import channels
from ..realtime.events import record_event
from ..settings import setting
from ..text.validation import check_text
from . import answers, messages, resources
from .audit import record_audit
from .notifications import notify

NOTE_MAX = 500
REASONS = tuple(reason.value for reason in FlagReason)
DECISIONS = ("approve", "hide", "delete", "warn")


@dataclass(frozen=True)
class FlagDraft:
    target_type: object
    target_id: object
    reason: object
    note: object = None


def check_note(value: object, *, required: bool = False) -> str:
    note = check_text("note", value, max_len=NOTE_MAX, required=False)
    if required and not note.strip():
        raise ValidationFailed({"note": "is required when the reason is “other”: say what is wrong"})
    return note


def check_flag_draft(draft: FlagDraft) -> tuple[str, str, str]:
    """(target_type, reason, note), or ValidationFailed naming the field."""
    kind = check_target_type(draft.target_type)
    if draft.target_id is None or isinstance(draft.target_id, bool) or not isinstance(draft.target_id, int):
        raise ValidationFailed({"target_id": "must be the id of the flagged " + kind})
    if draft.reason not in REASONS:
        raise ValidationFailed({"reason": "must be one of " + ", ".join(REASONS)})
    return kind, str(draft.reason), check_note(draft.note, required=draft.reason == FlagReason.OTHER)


def flag_content(actor: User, draft: FlagDraft) -> Flag:
    """Flag a post, message or resource; hides it when the flags reach the threshold."""
    require_active_account(actor)
    kind, reason, note = check_flag_draft(draft)
    with atomic():
        # The row lock serializes flaggers of one target, so the threshold is counted exactly once.
        target = access_flag_target(actor, kind, draft.target_id, for_update=True)
        if target.author_id == actor.id:
            raise Forbidden(f"You can't flag your own {target.noun}; edit or delete it instead.")
        if not can_flag(actor, target.author_id):
            raise Forbidden("Log in to flag content.")
        if find_flag(actor.id, kind, target.id) is not None:
            raise Conflict(f"You already flagged this {target.noun}; moderators will review it.")
        flag = Flag(target_type=kind, target_id=target.id, reporter_id=actor.id, reason=reason,
                    note=note, status=FlagStatus.OPEN.value, created_at=utcnow())
        db.session.add(flag)
        db.session.flush()
        if not target.hidden and (actor.is_moderator
                                  or open_reporter_count(kind, target.id) >= _threshold()):
            set_hidden(target, True)
    return flag


def _threshold() -> int:
    return max(1, int(setting("FLAG_HIDE_THRESHOLD")))


def set_hidden(target: FlaggedTarget, hidden: bool) -> None:
    """Hide the target pending review (or show it again) and tell its channel's subscribers."""
    target.row.hidden_at = utcnow() if hidden else None
    db.session.flush()
    row = target.row
    if target.kind == FlagTarget.POST and target.is_question:
        record_event(channels.thread(row.id), "thread_updated", thread_payload(row),
                     subject=f"post:{row.id}")
    elif target.kind == FlagTarget.POST:
        accepted = target.thread.accepted_answer_id if target.thread is not None else None
        record_event(channels.thread(row.parent_id), "answer_updated", answer_payload(row, accepted),
                     subject=f"post:{row.id}")
    elif target.kind == FlagTarget.MESSAGE and target.room is not None:
        record_event(channels.room(target.room.slug), "message_updated",
                     message_payload(row, target.room), subject=f"message:{row.id}")
    elif target.kind == FlagTarget.RESOURCE:
        record_event(channels.resource(row.id), "resource_updated", resource_payload(row),
                     subject=f"resource:{row.id}")


def check_decision(value: object) -> str:
    if value not in DECISIONS:
        raise ValidationFailed({"decision": "must be one of " + ", ".join(DECISIONS)})
    return str(value)


def resolve_flags(actor: User, flag_id: object, decision: object, note: object = None) -> Flag:
    """A moderator's decision on every open flag of the flag's target; returns that flag."""
    require_active_account(actor)
    decision = check_decision(decision)
    note = check_note(note)
    if not can_review_flags(actor):
        raise Forbidden("Only moderators review flags.")
    with atomic():
        flag = access_flag(actor, flag_id)
        target = load_target(flag.target_type, flag.target_id, for_update=True)
        flags = open_flags_on(flag.target_type, flag.target_id, for_update=True)
        if not flags:
            raise Conflict("These flags were already resolved.")
        label = target.label if target is not None else f"{flag.target_type} {flag.target_id}"
        now = utcnow()
        status = FlagStatus.DISMISSED if decision == "approve" else FlagStatus.UPHELD
        for each in flags:
            each.status, each.resolution = status.value, decision
            each.resolved_at, each.resolved_by_id = now, actor.id
        if target is not None:
            _carry_out(actor, target, decision, note)
            if status == FlagStatus.UPHELD:  # tell the members who flagged it that it helped
                notify([f.reporter_id for f in flags], "flag_upheld", actor, target.label,
                       target.place_url)
        record_audit(actor, f"flag.{decision}", flag.target_type, flag.target_id, label=label,
                     reason=note, details={"flag_ids": [f.id for f in flags],
                                           "reasons": sorted({f.reason for f in flags}),
                                           "reporters": len(flags)})
        db.session.flush()
    return flag


def _carry_out(actor: User, target: FlaggedTarget, decision: str, note: str) -> None:
    if decision == "approve":
        if target.hidden:
            set_hidden(target, False)
        return
    if decision == "delete":
        delete_target(actor, target)
        return
    if not target.hidden and not target.deleted:
        set_hidden(target, True)
    if decision == "warn":
        because = f" — {note}" if note else ""
        notify([target.author_id], "moderator_warning", actor, f"{target.label}{because}",
               target.url)


def delete_target(actor: User, target: FlaggedTarget) -> None:
    """Soft-delete through the target's own delete action (counters, events, search alike)."""
    if target.kind == FlagTarget.POST:
        answers.delete_post(actor, target.id)
    elif target.kind == FlagTarget.MESSAGE and target.room is not None:
        messages.delete_message(actor, target.room.slug, target.id)
    elif target.kind == FlagTarget.RESOURCE:
        resources.delete_resource(actor, target.id)
