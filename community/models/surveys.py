"""Surveys: questions (a rating from 1 to 5, single or multiple choice, free text) sent to everyone, to
chosen departments or to a track's enrollees, answered once per member.

Who answered and what they answered are kept apart. ``SurveyCompletion`` says that a member has
answered (so they are asked only once) and on which day; ``SurveyResponse`` holds the answers.
For an anonymous survey the response has no respondent, a random id (so its id does not follow
insertion order) and only the day it was given, and completions are kept in user order (a
WITHOUT ROWID table on SQLite), so nothing stored lets anyone, admins included, match a response
to a person. For a named survey the response also names its respondent.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .users import User


class SurveyStatus(enum.StrEnum):
    DRAFT = "draft"  # being written: only moderators see it; questions may change
    OPEN = "open"  # taking responses from its audience
    CLOSED = "closed"  # results only


class SurveyAudience(enum.StrEnum):
    EVERYONE = "everyone"
    DEPARTMENTS = "departments"
    TRACK = "track"  # the members enrolled in ``track_id``


class QuestionKind(enum.StrEnum):
    RATING = "rating"  # 1 to 5
    SINGLE = "single"  # one of the options
    MULTIPLE = "multiple"  # any of the options
    TEXT = "text"  # free text


class Survey(db.Model):
    __tablename__ = "surveys"
    __table_args__ = (Index("ix_surveys_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    audience: Mapped[str] = mapped_column(String(12), default=SurveyAudience.EVERYONE.value)
    departments: Mapped[str] = mapped_column(Text, default="[]")  # JSON list, for DEPARTMENTS
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"),
                                                 nullable=True)  # for TRACK
    status: Mapped[str] = mapped_column(String(8), default=SurveyStatus.DRAFT.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    # For TRACK: the payload names it. Loaded in its own query: a joined outer load would stop
    # the FOR UPDATE of survey changes on PostgreSQL.
    track = relationship("Track", lazy="selectin")
    questions: Mapped[list[SurveyQuestion]] = relationship(
        lazy="selectin", order_by="SurveyQuestion.position", cascade="all, delete-orphan")


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("survey_id", "position", name="uq_survey_questions_survey_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(String(8))  # QuestionKind
    prompt: Mapped[str] = mapped_column(String(500))
    options: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of labels (choice kinds)
    required: Mapped[bool] = mapped_column(Boolean, default=True)


class SurveyCompletion(db.Model):
    """That a member answered a survey, and on which day; never which response is theirs."""

    __tablename__ = "survey_completions"
    __table_args__ = (Index("ix_survey_completions_user_id", "user_id"), {"sqlite_with_rowid": False})

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    completed_on: Mapped[date] = mapped_column(Date)


class SurveyResponse(db.Model):
    __tablename__ = "survey_responses"
    __table_args__ = (Index("ix_survey_responses_survey_id", "survey_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random hex, not a sequence
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                      nullable=True)  # named surveys only
    submitted_on: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # named surveys only

    respondent: Mapped[User | None] = relationship(lazy="select")
    answers: Mapped[list[SurveyAnswer]] = relationship(lazy="selectin", cascade="all, delete-orphan")


class SurveyAnswer(db.Model):
    __tablename__ = "survey_answers"
    __table_args__ = (Index("ix_survey_answers_question_id", "question_id"),)

    response_id: Mapped[str] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"),
                                             primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"),
                                             primary_key=True)
    rating: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    choices: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of chosen option indexes
    text: Mapped[str] = mapped_column(Text, default="")
