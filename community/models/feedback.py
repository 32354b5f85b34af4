"""“Was this helpful?” on answers and resources: one yes/no (with an optional comment) per member
per item. Authors see the totals and the comments, never who gave them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class FeedbackTarget(enum.StrEnum):
    ANSWER = "answer"
    RESOURCE = "resource"


class ContentFeedback(db.Model):
    __tablename__ = "content_feedback"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id", "user_id", name="uq_content_feedback_target_user"),
        Index("ix_content_feedback_target", "target_type", "target_id"),
        Index("ix_content_feedback_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(10))  # FeedbackTarget
    target_id: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    helpful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
