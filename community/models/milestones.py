"""Milestones: a member's own short-term, measurable goal ("answer 5 questions in #simulation by
Friday", "finish 3 tip sheets this week", or a number they keep themselves).

Progress is counted from community activity between ``starts_at`` and ``due_at`` (live answers or
questions in a tag, resources finished, of a kind or any) and is only typed in for the ``manual``
metric. ``reached_at`` is stamped by the write that reaches the target, with a notification and
the milestone badge. Private unless shared with chosen colleagues (a manager, a mentor).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .users import User


class MilestoneMetric(enum.StrEnum):
    ANSWERS = "answers"  # answers anywhere (or in ``tag`` when set)
    QUESTIONS = "questions"  # questions asked (or in ``tag``)
    RESOURCES_FINISHED = "resources_finished"  # resources finished (or of ``resource_kind``)
    MANUAL = "manual"  # the member updates ``manual_progress`` themselves


class Milestone(db.Model):
    __tablename__ = "milestones"
    __table_args__ = (Index("ix_milestones_owner_id", "owner_id"), Index("ix_milestones_due_at", "due_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    metric: Mapped[str] = mapped_column(String(24))  # MilestoneMetric
    tag_id: Mapped[int | None] = mapped_column(ForeignKey("tags.id", ondelete="SET NULL"), nullable=True)
    resource_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)  # ResourceKind
    target: Mapped[int] = mapped_column(Integer)
    manual_progress: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    shares: Mapped[list[MilestoneShare]] = relationship(lazy="selectin", cascade="all, delete-orphan")


class MilestoneShare(db.Model):
    __tablename__ = "milestone_shares"
    __table_args__ = (Index("ix_milestone_shares_user_id", "user_id"),)

    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"),
                                              primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)
