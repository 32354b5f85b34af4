"""Scheduled live training sessions: a host, a start time (shown in the time zone it was planned
in), a length, an optional capacity, a linked live room and linked resources; members RSVP.

RSVPs beyond the capacity wait in line (``waitlisted``) and move up, in order, when a place frees.
A member who opens the session's room while it runs is marked as attended; attendees get the
after-session feedback poll (a Poll whose ``live_session_id`` is the session).
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .rooms import Room
from .users import User


class RsvpStatus(enum.StrEnum):
    GOING = "going"
    WAITLISTED = "waitlisted"


class LiveSession(db.Model):
    __tablename__ = "live_sessions"
    __table_args__ = (Index("ix_live_sessions_starts_at", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(SmallInteger, default=60)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")  # IANA name it was planned in
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: no limit
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Set once, by whichever process first sends the after-session feedback poll.
    feedback_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    host: Mapped[User] = relationship(foreign_keys=[host_id], lazy="joined", innerjoin=True)
    room: Mapped[Room | None] = relationship(lazy="joined")

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class LiveSessionResource(db.Model):
    __tablename__ = "live_session_resources"
    __table_args__ = (Index("ix_live_session_resources_resource_id", "resource_id"),)

    live_session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"),
                                                 primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)


class LiveSessionRsvp(db.Model):
    __tablename__ = "live_session_rsvps"
    __table_args__ = (
        UniqueConstraint("live_session_id", "user_id", name="uq_live_session_rsvps_session_user"),
        Index("ix_live_session_rsvps_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    live_session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default=RsvpStatus.GOING.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # the waitlist's order
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)
