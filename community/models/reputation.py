"""The reputation ledger: a user's reputation is always 1 + the sum of their entries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class ReputationEntry(db.Model):
    __tablename__ = "reputation_entries"
    __table_args__ = (Index("ix_reputation_entries_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    delta: Mapped[int] = mapped_column(Integer)
    # What the rule would have given before the daily cap; delta is what was granted.
    requested: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(40))
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
