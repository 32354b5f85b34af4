"""The learning contracts' scheduled job: owners hear of open items and contracts due within
three days, due today, or late, each reminder once (community/scheduler.py runs it)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ..db import atomic
from ..models import LearningContract
from ..payloads.contracts import contract_url
from ..queries import contracts as queries
from .notifications import notify
from .reminders import claim_reminder

REMIND_AHEAD_DAYS = 3


def _reminder_kind(subject: str, due_on: date, day: date) -> str | None:
    if due_on < day:
        return f"{subject}.late"
    if due_on == day:
        return f"{subject}.due_today"
    if due_on <= day + timedelta(days=REMIND_AHEAD_DAYS):
        return f"{subject}.due_in_3_days"  # also for a date set fewer than 3 days ahead
    return None


def _remind(kind: str, subject_id: int, contract: LearningContract, what: str, due_on: date) -> int:
    if not claim_reminder(kind, subject_id, contract.owner_id):
        return 0
    if kind.endswith(".late"):
        type_, text = "contract_late", f"{what} was due on {due_on.isoformat()}"
    elif kind.endswith(".due_today"):
        type_, text = "contract_due", f"{what} is due today"
    else:
        type_, text = "contract_due", f"{what} is due on {due_on.isoformat()}"
    return len(notify([contract.owner_id], type_, None, text, contract_url(contract.id)))


def send_contract_reminders(now: datetime) -> int:
    """Notify owners of open items and contracts due within 3 days, due today, or late; each
    reminder once (claimed inside one transaction, so concurrent runs never send it twice)."""
    day = now.date()
    until = day + timedelta(days=REMIND_AHEAD_DAYS)
    sent = 0
    with atomic():
        for item, contract in queries.open_items_due(until):
            kind = _reminder_kind("contract_item", item.due_on, day)
            if kind is not None:
                sent += _remind(kind, item.id, contract, f"“{item.title}” ({contract.title})", item.due_on)
        for contract in queries.open_contracts_due(until):
            kind = _reminder_kind("contract", contract.due_on, day)
            if kind is not None:
                what = f"Your contract “{contract.title}”"
                sent += _remind(kind, contract.id, contract, what, contract.due_on)
    return sent
