"""Suspensions, the audit log and member flags."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..models import AuditEntry, Flag, User
from .common import iso, user_payload

if TYPE_CHECKING:
    from ..queries.flags import FlaggedTarget


def suspension_payload(user: User) -> dict[str, Any]:
    """A user's suspension (for moderators and the user): the end time while it lasts, else nulls."""
    active = user.is_suspended
    return {"suspended_until": iso(user.suspended_until) if active else None,
            "suspension_reason": user.suspension_reason if active else None}


def audit_entry_payload(entry: AuditEntry) -> dict[str, Any]:
    try:
        details = json.loads(entry.details or "{}")
    except ValueError:
        details = {}
    return {
        "id": entry.id,
        "actor": user_payload(entry.actor) if entry.actor is not None else None,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_label": entry.target_label,
        "reason": entry.reason,
        "details": details if isinstance(details, dict) else {"value": details},
        "created_at": iso(entry.created_at),
    }



def flag_target_payload(target: FlaggedTarget) -> dict[str, Any]:
    """What a flag points at, summed up for the review queue (enough to judge, with a link)."""
    return {
        "type": target.kind,
        "id": target.id,
        "title_or_excerpt": target.title_or_excerpt,
        "context_title": target.context_title,
        "url": target.url,
        "author": user_payload(target.author),
        "hidden": target.hidden,
        "deleted": target.deleted,
    }


def flag_payload(flag: Flag, target: FlaggedTarget | None) -> dict[str, Any]:
    """A flag; only its reporter and moderators ever read one, so the reporter is included."""
    return {
        "id": flag.id,
        "target_type": flag.target_type,
        "target_id": flag.target_id,
        "target": flag_target_payload(target) if target is not None else None,
        "reason": flag.reason,
        "note": flag.note,
        "status": flag.status,
        "resolution": flag.resolution or None,
        "reporter": user_payload(flag.reporter),
        "created_at": iso(flag.created_at),
        "resolved_at": iso(flag.resolved_at),
        "resolved_by": user_payload(flag.resolved_by) if flag.resolved_by_id else None,
    }
