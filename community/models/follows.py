"""What a member follows: tags (their questions and resources come to the member's home) and
threads (new answers notify them). Asking or answering watches a thread; a member may also watch
one by hand, or mute it, which stops the notifications and keeps later answers from watching it
again.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class WatchLevel(enum.StrEnum):
    WATCHING = "watching"
    MUTED = "muted"


class WatchReason(enum.StrEnum):
    ASKED = "asked"
    ANSWERED = "answered"
    MANUAL = "manual"


class TagFollow(db.Model):
    __tablename__ = "tag_follows"
    __table_args__ = (Index("ix_tag_follows_tag_id", "tag_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThreadWatch(db.Model):
    __tablename__ = "thread_watches"
    __table_args__ = (Index("ix_thread_watches_thread_id", "thread_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[str] = mapped_column(String(10), default=WatchLevel.WATCHING.value)
    reason: Mapped[str] = mapped_column(String(10), default=WatchReason.MANUAL.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
