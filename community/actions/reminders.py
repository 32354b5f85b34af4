"""Claiming a reminder before sending it, so that it is sent once across every process."""

from __future__ import annotations

from ..db import insert_ignoring_conflicts
from ..models import SentReminder
from ..models.base import utcnow


def claim_reminder(kind: str, subject_id: int, user_id: int) -> bool:
    """Inside the caller's atomic(): record the reminder as sent; False if it already was.

    The insert skips a row that exists (ON CONFLICT DO NOTHING): a concurrent claimer waits on
    the unique index until the first one commits, then finds the row and gets False.
    """
    row = {"kind": kind, "subject_id": subject_id, "user_id": user_id, "sent_at": utcnow()}
    return insert_ignoring_conflicts(SentReminder.__table__, [row]) == 1
