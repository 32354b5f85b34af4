"""Anti-gaming: two users who vote on each other's posts too often in one UTC day are flagged.

The vote still counts (it may be honest enthusiasm); moderators review the flags
(GET /api/v1/vote-flags, /moderation/vote-flags) and resolve them. Votes either way between the
pair count together; more than COMMUNITY_VOTE_FLAG_THRESHOLD in a day raises one flag per pair
per day, whose count keeps up with later votes.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from ..db import atomic, insert_ignoring_conflicts
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..models import Post, User, Vote, VoteFlag
from ..models.base import is_row_id, utcnow
from ..permissions import can_review_vote_flags, require_active_account


def _votes_between_today(a: int, b: int) -> int:
    day_start = datetime.combine(utcnow().date(), time.min, tzinfo=UTC)
    return db.session.scalar(
        select(func.count(Vote.id)).join(Post, Post.id == Vote.post_id)
        .where(Vote.created_at >= day_start,
               or_(and_(Vote.user_id == a, Post.author_id == b),
                   and_(Vote.user_id == b, Post.author_id == a)))) or 0


def flag_vote_pair(voter_id: int, author_id: int) -> bool:
    """Count today's votes between the two users; flag the pair past the threshold.

    Runs inside the vote's transaction; returns whether the pair is flagged today.
    """
    a, b = sorted((voter_id, author_id))
    count = _votes_between_today(a, b)
    if count <= int(current_app.config["VOTE_FLAG_THRESHOLD"]):
        return False
    now = utcnow()
    key = {"user_a_id": a, "user_b_id": b, "day": now.date()}
    if not insert_ignoring_conflicts(VoteFlag.__table__, [
            {**key, "vote_count": count, "created_at": now, "updated_at": now,
             "resolved_at": None, "resolved_by_id": None}]):
        # Votes between the pair are serialized (cast_vote locks both users), so count only grows.
        db.session.execute(update(VoteFlag).where(*(getattr(VoteFlag, k) == v for k, v in key.items()))
                           .values(vote_count=count, updated_at=now)
                           .execution_options(synchronize_session=False))
    return True


def resolve_vote_flag(actor: User, flag_id: int) -> VoteFlag:
    """A moderator marks a flag as reviewed."""
    require_active_account(actor)
    if not can_review_vote_flags(actor):
        raise Forbidden("Only moderators review vote flags.")
    with atomic():
        flag = db.session.get(VoteFlag, flag_id, with_for_update=True) if is_row_id(flag_id) else None
        if flag is None:
            raise NotFound("No such vote flag.")
        if flag.resolved_at is None:
            flag.resolved_at, flag.resolved_by_id = utcnow(), actor.id
    return flag
