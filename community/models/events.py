"""The event log: every state change appends rows here in its own transaction.

Live delivery, reconnect catch-up, search indexing and notifications all read it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_channel_id", "channel", "id"),)

    # BigInteger on PostgreSQL; SQLite needs INTEGER for its rowid alias to autoincrement.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    channel: Mapped[str] = mapped_column(String(80))
    type: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(80), default="")
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
