"""Polls: a question with options, attached to exactly one question thread, live room or live
training session (its after-session feedback poll).

A member has at most one ballot per poll (a unique constraint, so concurrent votes cannot make
two); the ballot's choices are one option (single choice) or several (multiple choice). Changing a
vote rewrites the ballot's choices; withdrawing deletes the ballot. Results are counted from the
ballots, never stored twice. An anonymous poll still keeps who voted (so each member can change
or withdraw their own vote), but never shows it to anyone else, moderators included.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .users import User

_ONE_HOME = " + ".join(f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"
                       for column in ("thread_id", "room_id", "live_session_id")) + " = 1"


class Poll(db.Model):
    __tablename__ = "polls"
    __table_args__ = (
        CheckConstraint(_ONE_HOME, name="one_home"),
        Index("ix_polls_thread_id", "thread_id"),
        Index("ix_polls_room_id", "room_id"),
        Index("ix_polls_live_session_id", "live_session_id"),
        Index("ix_polls_closes_at", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), nullable=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), nullable=True)
    live_session_id: Mapped[int | None] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"),
                                                        nullable=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    question: Mapped[str] = mapped_column(String(300))
    multiple: Mapped[bool] = mapped_column(Boolean, default=False)  # several options per ballot
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)  # voters are never shown
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # set by the author
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # closed by hand or job
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    options: Mapped[list[PollOption]] = relationship(lazy="selectin", order_by="PollOption.position",
                                                     cascade="all, delete-orphan")

    def is_closed(self, now: datetime | None = None) -> bool:
        """Closed by hand (or by the closing job), or past its closing time."""
        if self.closed_at is not None:
            return True
        return self.closes_at is not None and self.closes_at <= (now or utcnow())

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PollOption(db.Model):
    __tablename__ = "poll_options"
    __table_args__ = (UniqueConstraint("poll_id", "position", name="uq_poll_options_poll_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger)
    label: Mapped[str] = mapped_column(String(200))


class PollBallot(db.Model):
    """One member's vote in one poll (the unique constraint is the one-vote-per-member rule)."""

    __tablename__ = "poll_ballots"
    __table_args__ = (UniqueConstraint("poll_id", "user_id", name="uq_poll_ballots_poll_user"),
                      Index("ix_poll_ballots_user_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="select")
    choices: Mapped[list[PollChoice]] = relationship(lazy="selectin", cascade="all, delete-orphan")


class PollChoice(db.Model):
    __tablename__ = "poll_choices"
    __table_args__ = (Index("ix_poll_choices_option_id", "option_id"),)

    ballot_id: Mapped[int] = mapped_column(ForeignKey("poll_ballots.id", ondelete="CASCADE"),
                                           primary_key=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("poll_options.id", ondelete="CASCADE"),
                                           primary_key=True)
