"""The audit log: every moderator and admin action leaves one row, written in its transaction."""

from __future__ import annotations

import json
from typing import Any

from ..extensions import db
from ..models import AuditEntry, User
from ..models.base import utcnow

LABEL_MAX = 200


def record_audit(actor: User | None, action: str, target_type: str, target_id: int | str, *,
                 label: str = "", reason: str = "", details: dict[str, Any] | None = None) -> AuditEntry:
    """Add an audit row to the current transaction (call inside the action's atomic() block).

    ``action`` is ``<noun>.<verb>`` (``thread.lock``, ``user.suspend``, ``flag.resolve``);
    ``label`` is a snapshot of what the target was called, so the entry reads well after the
    target changes or goes; ``details`` holds before/after values (JSON-serializable).
    """
    entry = AuditEntry(actor_id=actor.id if actor is not None else None, action=action,
                       target_type=target_type, target_id=str(target_id), target_label=label[:LABEL_MAX],
                       reason=reason, details=json.dumps(details or {}, default=str, sort_keys=True),
                       created_at=utcnow())
    db.session.add(entry)
    return entry
