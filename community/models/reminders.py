"""Reminders already sent by the scheduled jobs.

Every worker process runs the jobs; a reminder is sent by the one process whose insert of its
(kind, subject, user) row succeeds, so several workers or hosts never send it twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class SentReminder(db.Model):
    __tablename__ = "sent_reminders"
    __table_args__ = (UniqueConstraint("kind", "subject_id", "user_id", name="uq_sent_reminders_once"),
                      Index("ix_sent_reminders_user_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # e.g. live_session.starting_soon
    subject_id: Mapped[int]  # the id of the session (contract, …) it is about
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
