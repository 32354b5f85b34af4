"""The reputation ledger (the Stack Overflow scheme of shared/API.md).

Every change of ``users.reputation`` is paired with a ledger row in the same transaction, so
reputation == 1 + sum(ledger) always holds. Vote gains are capped per UTC day; the ledger row then
records the delta actually granted (possibly 0) beside the one requested.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import func, select, update

from ..extensions import db
from ..models import ReputationEntry, User
from ..models.base import utcnow
from ..settings import setting

UPVOTE = 10
DOWNVOTE_RECEIVED = -2
DOWNVOTE_GIVEN = -1
ACCEPTED = 15
ACCEPT_GIVEN = 2

# Ledger reasons that count toward the daily cap on gains from votes.
CAPPED_REASONS = ("upvote", "upvote_undone")


def _gained_from_votes_today(user_id: int) -> int:
    day_start = datetime.combine(utcnow().date(), time.min, tzinfo=UTC)
    total = db.session.scalar(
        select(func.coalesce(func.sum(ReputationEntry.delta), 0)).where(
            ReputationEntry.user_id == user_id,
            ReputationEntry.reason.in_(CAPPED_REASONS),
            ReputationEntry.created_at >= day_start,
        )
    )
    return int(total or 0)


def lock_users(*user_ids: int) -> None:
    """Lock several users' rows up front, in id order, so that two writers touching the same
    users (A downvotes B's answer while B downvotes A's) can never deadlock (PostgreSQL)."""
    db.session.execute(select(User.id).where(User.id.in_(sorted(set(user_ids))))
                       .order_by(User.id).with_for_update())


def _lock_user(user_id: int) -> None:
    """Serialize ledger writes per user (PostgreSQL); SQLite writers are serialized already."""
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update())


def grant(user_id: int, requested: int, reason: str, post_id: int | None, *,
          capped: bool = False) -> int:
    """Write one ledger row and move the user's reputation; return the delta granted."""
    _lock_user(user_id)
    granted = requested
    if capped and requested > 0:
        room = int(setting("REPUTATION_DAILY_VOTE_CAP")) - _gained_from_votes_today(user_id)
        granted = max(0, min(requested, room))
    db.session.add(ReputationEntry(user_id=user_id, delta=granted, requested=requested,
                                   reason=reason, post_id=post_id))
    if granted:
        db.session.execute(
            update(User).where(User.id == user_id)
            .values(reputation=User.reputation + granted)
        )
    return granted


def reverse(user_id: int, granted: int, reason: str, post_id: int | None) -> None:
    """Undo an earlier grant exactly: a ledger row of -granted."""
    grant(user_id, -granted, f"{reason}_undone", post_id)
