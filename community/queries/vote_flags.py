"""Reading vote-pair flags (moderators only)."""

from __future__ import annotations

from sqlalchemy import func, select

from ..errors import Forbidden
from ..extensions import db
from ..models import User, VoteFlag
from ..permissions import can_review_vote_flags
from .paging import Page


def list_vote_flags(actor: User, page: Page, *, include_resolved: bool = False
                    ) -> tuple[list[VoteFlag], int]:
    if not can_review_vote_flags(actor):
        raise Forbidden("Only moderators review vote flags.")
    base = select(VoteFlag)
    if not include_resolved:
        base = base.where(VoteFlag.resolved_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = db.session.scalars(base.order_by(VoteFlag.day.desc(), VoteFlag.vote_count.desc(),
                                            VoteFlag.id.desc())
                              .offset(page.offset).limit(page.per_page))
    return list(rows), total
