"""Certification tracks: optional upskilling programs built by moderators and admins.

A track has ordered steps: finish a resource from the library, or answer / ask a number of
questions in a tag. Members enroll once every prerequisite track is complete. Progress is never
typed in twice: a resource step is done when the member has finished that resource
(``ResourceCompletion``, whenever that was); an activity step counts the member's live questions or
answers in the tag since they enrolled. ``completed_at`` is stamped (and the track badge awarded)
by the write that completes the last step, and stays.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .users import User


class StepKind(enum.StrEnum):
    RESOURCE = "resource"  # finish this resource
    ANSWER_IN_TAG = "answer_in_tag"  # answer ``count`` questions tagged ``tag``
    ASK_IN_TAG = "ask_in_tag"  # ask ``count`` questions tagged ``tag``


class Track(db.Model):
    __tablename__ = "tracks"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    perk: Mapped[str] = mapped_column(String(300), default="")  # e.g. "priority for the Q3 project"
    departments: Mapped[str] = mapped_column(Text, default="[]")  # JSON list; [] = every department
    job_roles: Mapped[str] = mapped_column(Text, default="[]")  # JSON list; [] = every job role
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # None: a draft
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # no new enrollments

    created_by: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    steps: Mapped[list[TrackStep]] = relationship(lazy="selectin", order_by="TrackStep.position",
                                                  cascade="all, delete-orphan")


class TrackStep(db.Model):
    __tablename__ = "track_steps"
    __table_args__ = (UniqueConstraint("track_id", "position", name="uq_track_steps_track_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(String(16))  # StepKind
    title: Mapped[str] = mapped_column(String(200), default="")  # optional wording of the step
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resources.id", ondelete="SET NULL"),
                                                    nullable=True)
    tag_id: Mapped[int | None] = mapped_column(ForeignKey("tags.id", ondelete="SET NULL"), nullable=True)
    count: Mapped[int] = mapped_column(SmallInteger, default=1)


class TrackPrerequisite(db.Model):
    __tablename__ = "track_prerequisites"
    __table_args__ = (Index("ix_track_prerequisites_prerequisite_id", "prerequisite_id"),)

    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True)
    prerequisite_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"),
                                                 primary_key=True)


class TrackEnrollment(db.Model):
    __tablename__ = "track_enrollments"
    __table_args__ = (UniqueConstraint("track_id", "user_id", name="uq_track_enrollments_track_user"),
                      Index("ix_track_enrollments_user_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
