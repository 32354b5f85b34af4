"""Shared learning resources: links with a kind and duration, their ratings, and the posts that
link to them.

``normalized_key`` (a hash of the normalized URL) is unique, so two people sharing the same link
at the same moment end up with one resource. Rating totals are kept on the resource (updated
under its row lock) so lists can rank by a Bayesian average without aggregating ratings.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
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


class ResourceKind(enum.StrEnum):
    ARTICLE = "article"
    VIDEO = "video"
    TUTORIAL = "tutorial"
    TIP_SHEET = "tip-sheet"
    INFOGRAPHIC = "infographic"
    COURSE = "course"
    SIMULATION = "simulation"
    TOOL = "tool"
    OTHER = "other"


class PreviewStatus(enum.StrEnum):
    OFF = "off"            # previews were disabled when it was shared
    PENDING = "pending"    # waiting for the background fetcher
    FETCHING = "fetching"  # claimed by a fetcher (claimed_at says since when)
    DONE = "done"
    FAILED = "failed"      # refused or unreachable; preview_error says why


resource_tags = Table(
    "resource_tags",
    db.metadata,
    Column("resource_id", ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Resource(db.Model):
    __tablename__ = "resources"
    __table_args__ = (
        Index("ix_resources_created", "created_at"),
        Index("ix_resources_preview_status", "preview_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    normalized_url: Mapped[str] = mapped_column(Text)
    normalized_key: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of normalized_url
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default=ResourceKind.OTHER.value)
    duration_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    shared_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    rating_sum: Mapped[int] = mapped_column(Integer, default=0)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    link_count: Mapped[int] = mapped_column(Integer, default=0)  # live threads whose posts link it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # by flags
    preview_status: Mapped[str] = mapped_column(String(10), default=PreviewStatus.OFF.value)
    preview_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    preview_title: Mapped[str] = mapped_column(String(300), default="")
    preview_description: Mapped[str] = mapped_column(Text, default="")
    preview_text: Mapped[str] = mapped_column(Text, default="")
    preview_error: Mapped[str] = mapped_column(String(200), default="")
    preview_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    shared_by: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    tags = relationship("Tag", secondary=resource_tags, lazy="select", order_by="Tag.name")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def rating_avg(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else None

    @property
    def tag_names(self) -> list[str]:
        return sorted(tag.name for tag in self.tags)

    def __repr__(self) -> str:
        return f"<Resource {self.id} {self.normalized_url}>"


class ResourceRating(db.Model):
    __tablename__ = "resource_ratings"
    __table_args__ = (
        UniqueConstraint("resource_id", "user_id", name="uq_resource_ratings_resource_user"),
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars"),
        Index("ix_resource_ratings_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    stars: Mapped[int] = mapped_column(SmallInteger)
    review: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class ResourceLink(db.Model):
    """A post whose body links to a resource (kept in step with the post's current body)."""

    __tablename__ = "resource_links"
    __table_args__ = (Index("ix_resource_links_thread", "thread_id"),)

    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"),
                                             primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResourceCompletion(db.Model):
    """A member finished a resource ("Mark as done"): what track steps and milestones count."""

    __tablename__ = "resource_completions"
    __table_args__ = (Index("ix_resource_completions_user_completed", "user_id", "completed_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
