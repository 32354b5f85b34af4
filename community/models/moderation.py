"""Trust and safety: member flags on content, the moderators' audit log, and site settings.

A flag names its target by kind and id (a post, a room message or a resource), so one review
queue covers all three. The audit log keeps a snapshot of what was acted on (``target_label``), so
an entry still reads well after the target is deleted or renamed. Site settings are admin-edited
overrides of the configuration (registration, email domains, thresholds, limits).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .users import User


class FlagTarget(enum.StrEnum):
    POST = "post"
    MESSAGE = "message"
    RESOURCE = "resource"


class FlagReason(enum.StrEnum):
    SPAM = "spam"
    OFFENSIVE = "offensive"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


class FlagStatus(enum.StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # a moderator agreed: the content was hidden or deleted, or its author warned
    DISMISSED = "dismissed"  # a moderator found nothing wrong: the content stays (and is shown again)


class Flag(db.Model):
    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id", "reporter_id"),  # one flag per member per target
        Index("ix_flags_status_target", "status", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[int]
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=FlagStatus.OPEN.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    resolution: Mapped[str] = mapped_column(String(12), default="")  # approve|hide|delete|warn

    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id], lazy="joined", innerjoin=True)
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id], lazy="select")


class AuditEntry(db.Model):
    """One moderator or admin action: who, what, on which object, why."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_target", "target_type", "target_id"),
        Index("ix_audit_log_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(40))  # e.g. thread.lock, user.suspend, flag.resolve
    target_type: Mapped[str] = mapped_column(String(20))  # post|message|resource|user|room|setting|flag
    target_id: Mapped[str] = mapped_column(String(64))  # an id, a username or a setting name
    target_label: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="{}")  # JSON: before/after values and such
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="joined")


class SiteSetting(db.Model):
    """An admin's override of one configuration value; the value is stored as JSON."""

    __tablename__ = "site_settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
