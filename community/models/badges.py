"""Recognition: badge awards, kudos between colleagues, and vote-pair flags for moderators.

The badge rules themselves are data in community/badges/; only the awards are rows here.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .users import User


class BadgeAward(db.Model):
    """One badge earned by one user. ``subject`` tells repeatable awards apart ("post:12",
    "tag:excel"); it is "" for badges earned once. The unique constraint is what makes two
    concurrent evaluations unable to award the same badge twice."""

    __tablename__ = "badge_awards"
    __table_args__ = (
        UniqueConstraint("user_id", "badge_slug", "subject", name="uq_badge_awards_user_badge_subject"),
        Index("ix_badge_awards_badge_awarded", "badge_slug", "awarded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    badge_slug: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(80), default="")
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"),
                                                nullable=True)
    reason_url: Mapped[str] = mapped_column(String(300), default="")
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Revocable rules clear an award by setting this; qualifying again restores the same row.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Kudos(db.Model):
    """A "thank you" from one colleague to another, optionally for a post."""

    __tablename__ = "kudos"
    __table_args__ = (
        Index("ix_kudos_to_created", "to_user_id", "created_at"),
        Index("ix_kudos_from_created", "from_user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    to_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"),
                                                nullable=True)
    message: Mapped[str] = mapped_column(String(280))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    giver: Mapped[User] = relationship(foreign_keys=[from_user_id], lazy="joined", innerjoin=True)
    recipient: Mapped[User] = relationship(foreign_keys=[to_user_id], lazy="joined", innerjoin=True)


class VoteFlag(db.Model):
    """Two users who exchanged more votes in one UTC day than the threshold allows.

    The pair is stored in id order (user_a_id < user_b_id): votes either way count together.
    """

    __tablename__ = "vote_flags"
    __table_args__ = (UniqueConstraint("user_a_id", "user_b_id", "day",
                                       name="uq_vote_flags_pair_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_a_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    user_b_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    vote_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                       nullable=True)

    user_a: Mapped[User] = relationship(foreign_keys=[user_a_id], lazy="joined", innerjoin=True)
    user_b: Mapped[User] = relationship(foreign_keys=[user_b_id], lazy="joined", innerjoin=True)
