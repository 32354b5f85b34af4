"""Questions and answers (posts in one id space, as in Stack Exchange), tags, votes and views.

A thread is its question post: ``thread.id`` is the question's post id. Answers point at it
through ``parent_id``. Question-only columns (title, counters) stay NULL/0 on answers.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .users import User


class PostType(enum.StrEnum):
    QUESTION = "question"
    ANSWER = "answer"


post_tags = Table(
    "post_tags",
    db.metadata,
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(35), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    question_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_parent_id", "parent_id"),
        Index("ix_posts_type_activity", "post_type", "last_activity_at"),
        Index("ix_posts_author_id", "author_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_type: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), nullable=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str | None] = mapped_column(String(200), nullable=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    score: Mapped[int] = mapped_column(Integer, default=0)
    answer_count: Mapped[int] = mapped_column(Integer, default=0)
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    accepted_answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", use_alter=True, ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # Hidden by members' flags (or a moderator) until a moderator reviews it.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Questions only. Locked: nobody but moderators may answer, edit, vote or accept. Closed: no new
    # answers (editing and voting go on); a duplicate is closed with duplicate_of_id set.
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    lock_reason: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    close_reason: Mapped[str] = mapped_column(Text, default="")
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", use_alter=True, ondelete="SET NULL"), nullable=True
    )

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined", innerjoin=True)
    last_editor: Mapped[User | None] = relationship(foreign_keys=[last_editor_id], lazy="select")
    # Who locked or closed a question, and the question it was merged into (the banner shows them).
    locked_by: Mapped[User | None] = relationship(foreign_keys=[locked_by_id], lazy="select")
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id], lazy="select")
    duplicate_of: Mapped[Post | None] = relationship(foreign_keys=[duplicate_of_id], remote_side=[id],
                                                     lazy="select")
    # Loaded on access; lists eager-load them with selectinload (answers have none).
    tags = relationship("Tag", secondary=post_tags, lazy="select", order_by="Tag.name")

    @property
    def is_question(self) -> bool:
        return self.post_type == PostType.QUESTION.value

    @property
    def thread_id(self) -> int:
        return self.id if self.parent_id is None else self.parent_id

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def tag_names(self) -> list[str]:
        return sorted(tag.name for tag in self.tags)  # the order reads load them in

    def __repr__(self) -> str:
        return f"<Post {self.id} {self.post_type}>"


class Vote(db.Model):
    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("post_id", "user_id"),
        CheckConstraint("value IN (-1, 1)", name="value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    value: Mapped[int] = mapped_column(SmallInteger)
    # Reputation actually granted to the post's author and to the voter, for exact reversal.
    author_delta: Mapped[int] = mapped_column(Integer, default=0)
    voter_delta: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThreadView(db.Model):
    """One row per viewer per thread per UTC day; the thread's view_count counts these."""

    __tablename__ = "thread_views"
    __table_args__ = (UniqueConstraint("thread_id", "viewer_key", "viewed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    viewer_key: Mapped[str] = mapped_column(String(64))
    viewed_on: Mapped[date] = mapped_column(Date)
