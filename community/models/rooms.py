"""Live help rooms: the rooms, their members, chat messages and the help-request queue.

A room is public (anyone in the company may read, join and post) or private (only its members,
plus site moderators). Members are stored for private rooms and for every room's owner.
Messages and help requests are never hard-deleted: a removed message keeps its row with
``deleted_at`` set, so the event log and transcripts stay consistent.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .users import User


class RoomRole(enum.StrEnum):
    OWNER = "owner"
    MEMBER = "member"


class HelpStatus(enum.StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (Index("ix_rooms_activity", "last_activity_at"),
                      Index("ix_rooms_thread_id", "thread_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(100))
    topic: Mapped[str] = mapped_column(String(300), default="")
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"),
                                                  nullable=True)
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    created_by: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    # Loaded on access (permission checks of private rooms); written through RoomMember rows.
    members: Mapped[list[RoomMember]] = relationship(lazy="select", viewonly=True,
                                                     order_by="RoomMember.id")

    def has_member(self, user_id: int | None) -> bool:
        return user_id is not None and any(m.user_id == user_id for m in self.members)

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<Room {self.slug}>"


class RoomMember(db.Model):
    __tablename__ = "room_members"
    __table_args__ = (UniqueConstraint("room_id", "user_id"),
                      Index("ix_room_members_user_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(10), default=RoomRole.MEMBER.value)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                    nullable=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined", innerjoin=True)


class Message(db.Model):
    __tablename__ = "room_messages"
    __table_args__ = (Index("ix_room_messages_room_id_id", "room_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # by flags

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined", innerjoin=True)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class HelpRequest(db.Model):
    __tablename__ = "help_requests"
    __table_args__ = (Index("ix_help_requests_status", "status", "created_at"),
                      Index("ix_help_requests_room_id", "room_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    summary: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default=HelpStatus.OPEN.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    room: Mapped[Room] = relationship(lazy="joined", innerjoin=True)
    requester: Mapped[User] = relationship(foreign_keys=[requester_id], lazy="joined",
                                           innerjoin=True)
    helper: Mapped[User | None] = relationship(foreign_keys=[helper_id], lazy="joined")
