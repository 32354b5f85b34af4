"""Reading surveys: who may see one, who is in its audience, the lists, and the results.

A survey's audience is everyone, or the members whose department matches one of its departments
(ignoring case and surrounding spaces). Departments are free text, so matching is done in Python
(casefold works for every alphabet; SQLite's lower() only folds ASCII).

A survey whose ``closes_at`` has passed counts as closed everywhere, even before the scheduled
job (or a moderator) stores the change: ``effective_status`` is what every layer shows and obeys.

Results never say who gave which answer for an anonymous survey: they are counts, averages and
text answers ordered by the response's random id, never by when they were given.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import lazyload

from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyCompletion,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
    TrackEnrollment,
    User,
)
from ..models.base import is_row_id, utcnow
from ..text.validation import name_key
from .paging import Page

STATUSES = tuple(status.value for status in SurveyStatus)
HOME_BOX_LIMIT = 5


def can_manage_surveys(user: User | None) -> bool:
    """Build, open, close and delete surveys and read their results: moderators and admins."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_moderator)


def normalize_department(name: str) -> str:
    return name_key(name)


def survey_departments(survey: Survey) -> list[str]:
    try:
        names = json.loads(survey.departments or "[]")
    except ValueError:
        return []
    return [name for name in names if isinstance(name, str)]


def question_options(question: SurveyQuestion) -> list[str]:
    try:
        options = json.loads(question.options or "[]")
    except ValueError:
        return []
    return [str(option) for option in options]


def answer_choices(answer: SurveyAnswer) -> list[int]:
    try:
        return [int(index) for index in json.loads(answer.choices or "[]")]
    except (TypeError, ValueError):
        return []


def effective_status(survey: Survey, now: datetime | None = None) -> str:
    """Open surveys past their closing time are closed, whether or not the job has run yet."""
    if survey.status == SurveyStatus.OPEN and survey.closes_at is not None \
            and survey.closes_at <= (now or utcnow()):
        return SurveyStatus.CLOSED.value
    return survey.status


def department_matches(survey: Survey, department: str | None) -> bool:
    """The member's department is one of the survey's (an empty department never matches)."""
    mine = normalize_department(department or "")
    return bool(mine) and mine in {normalize_department(name) for name in survey_departments(survey)}


def in_audience(survey: Survey, user: User | None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if survey.audience == SurveyAudience.EVERYONE:
        return True
    if survey.audience == SurveyAudience.TRACK:
        return user.id in track_member_ids(survey)
    return department_matches(survey, user.department)


def track_member_ids(survey: Survey) -> set[int]:
    """The members enrolled in the survey's track (completed or not)."""
    if survey.track_id is None:
        return set()
    return set(db.session.scalars(select(TrackEnrollment.user_id)
                                  .where(TrackEnrollment.track_id == survey.track_id)))


def get_survey(survey_id: object, *, for_share: bool = False) -> Survey | None:
    if not is_row_id(survey_id):
        return None
    stmt = select(Survey).where(Survey.id == survey_id)
    if for_share:
        # Submissions hold a shared lock so a concurrent close (an UPDATE) waits for them.
        stmt = stmt.with_for_update(read=True, of=Survey)
    return db.session.scalars(stmt).unique().one_or_none()


def can_view_survey(user: User | None, survey: Survey) -> bool:
    """Managers see every survey; members see surveys past draft that are meant for them."""
    if can_manage_surveys(user):
        return True
    return survey.status != SurveyStatus.DRAFT and in_audience(survey, user)


def access_survey(actor: User | None, survey_id: object, *, for_share: bool = False) -> Survey:
    survey = get_survey(survey_id, for_share=for_share)
    if survey is None or not can_view_survey(actor, survey):
        raise NotFound("No such survey.")
    return survey


def access_results(actor: User | None, survey_id: object) -> Survey:
    survey = access_survey(actor, survey_id)
    if not can_manage_surveys(actor):
        raise Forbidden("Only moderators and admins see survey results.")
    return survey


def check_status_filter(value: object) -> str | None:
    if value in (None, ""):
        return None
    if value not in STATUSES:
        raise ValidationFailed({"status": "must be one of " + ", ".join(STATUSES)})
    return str(value)


def _with_status(stmt: Select, status: str, now: datetime) -> Select:
    not_due = or_(Survey.closes_at.is_(None), Survey.closes_at > now)
    if status == SurveyStatus.OPEN:
        return stmt.where(Survey.status == SurveyStatus.OPEN.value, not_due)
    if status == SurveyStatus.CLOSED:
        return stmt.where(or_(Survey.status == SurveyStatus.CLOSED.value,
                              (Survey.status == SurveyStatus.OPEN.value) & ~not_due))
    return stmt.where(Survey.status == status)


def list_surveys(actor: User, status: str | None, page: Page) -> tuple[list[Survey], int]:
    """Managers: every survey (newest first), optionally by status. Members: the open surveys
    meant for them (open surveys are few, so the audience is filtered here in Python)."""
    now = utcnow()
    if can_manage_surveys(actor):
        stmt = select(Survey)
        if status:
            stmt = _with_status(stmt, status, now)
        total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = db.session.scalars(stmt.order_by(Survey.created_at.desc(), Survey.id.desc())
                                  .offset(page.offset).limit(page.per_page)).unique().all()
        return list(rows), total
    if status not in (None, SurveyStatus.OPEN.value):
        return [], 0
    stmt = _with_status(select(Survey), SurveyStatus.OPEN.value, now)
    mine = [s for s in db.session.scalars(stmt.order_by(Survey.opened_at.desc(), Survey.id.desc())).unique()
            if in_audience(s, actor)]
    return mine[page.offset:page.offset + page.per_page], len(mine)


def completions_of(user: User | None, survey_ids: list[int]) -> dict[int, date]:
    """survey id -> the day the user answered it (their own completions only)."""
    if user is None or not getattr(user, "is_authenticated", False) or not survey_ids:
        return {}
    rows = db.session.execute(select(SurveyCompletion.survey_id, SurveyCompletion.completed_on)
                              .where(SurveyCompletion.user_id == user.id,
                                     SurveyCompletion.survey_id.in_(survey_ids)))
    return {row.survey_id: row.completed_on for row in rows}


def pending_surveys(user: User | None, limit: int = HOME_BOX_LIMIT) -> list[Survey]:
    """Open surveys meant for the user that they have not answered yet, in one query (the home
    page box); nothing, and no query, for anonymous visitors."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    answered = exists().where(SurveyCompletion.survey_id == Survey.id, SurveyCompletion.user_id == user.id)
    stmt = (_with_status(select(Survey), SurveyStatus.OPEN.value, utcnow()).where(~answered)
            .options(lazyload(Survey.questions)))  # the box shows titles only
    rows = db.session.scalars(stmt.order_by(Survey.closes_at.is_(None), Survey.closes_at,
                                            Survey.opened_at.desc())).unique()
    return [survey for survey in rows if in_audience(survey, user)][:limit]


def audience_user_ids(survey: Survey) -> list[int]:
    if survey.audience == SurveyAudience.TRACK:
        return sorted(track_member_ids(survey))
    rows = db.session.execute(select(User.id, User.department).order_by(User.id))
    if survey.audience == SurveyAudience.EVERYONE:
        return [row.id for row in rows]
    return [row.id for row in rows if department_matches(survey, row.department)]


def audience_size(survey: Survey) -> int:
    if survey.audience == SurveyAudience.TRACK:
        return len(track_member_ids(survey))
    if survey.audience == SurveyAudience.EVERYONE:
        return db.session.scalar(select(func.count(User.id))) or 0
    rows = db.session.execute(select(User.department, func.count(User.id)).group_by(User.department))
    return sum(count for department, count in rows if department_matches(survey, department))


def known_departments() -> list[str]:
    """The departments members have entered (for the builder's hint), one spelling each."""
    names: dict[str, str] = {}
    for name in db.session.scalars(select(User.department).distinct()):
        key = normalize_department(name or "")
        if key:
            names.setdefault(key, " ".join(name.split()))
    return sorted(names.values(), key=str.casefold)


def count_responses(survey_id: int) -> int:
    return db.session.scalar(select(func.count(SurveyResponse.id))
                             .where(SurveyResponse.survey_id == survey_id)) or 0


# --- results -----------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: SurveyQuestion
    options: list[str]
    answered: int = 0
    counts: list[int] = field(default_factory=list)  # per option, or per rating 1..5
    average: float | None = None
    texts: list[str] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        if self.question.kind == QuestionKind.RATING:
            return [str(n) for n in range(1, 6)]
        return self.options


@dataclass
class SurveyResults:
    survey: Survey
    audience: int
    responses: int
    questions: list[QuestionResult]
    per_day: list[tuple[date, int]]  # responses given each day, oldest first

    @property
    def response_rate(self) -> float | None:
        if not self.audience:
            return None
        return min(1.0, self.responses / self.audience)


def _responses(survey: Survey) -> list[SurveyResponse]:
    """Every response with its answers, ordered by the random id (never by submission)."""
    return list(db.session.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
                                   .order_by(SurveyResponse.id)))


def _tally(result: QuestionResult, answer: SurveyAnswer) -> None:
    kind = result.question.kind
    if kind == QuestionKind.RATING and answer.rating is not None and 1 <= answer.rating <= 5:
        result.counts[answer.rating - 1] += 1
    elif kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        for index in answer_choices(answer):
            if 0 <= index < len(result.counts):
                result.counts[index] += 1
    elif kind == QuestionKind.TEXT and answer.text.strip():
        result.texts.append(answer.text)
    else:
        return
    result.answered += 1


def survey_results(survey: Survey) -> SurveyResults:
    responses = _responses(survey)
    results = {}
    for question in survey.questions:
        options = question_options(question)
        size = 5 if question.kind == QuestionKind.RATING else len(options)
        results[question.id] = QuestionResult(question, options, counts=[0] * size)
    for response in responses:
        for answer in response.answers:
            if answer.question_id in results:
                _tally(results[answer.question_id], answer)
    for result in results.values():
        if result.question.kind == QuestionKind.RATING and result.answered:
            total = sum((n + 1) * count for n, count in enumerate(result.counts))
            result.average = round(total / result.answered, 2)
    per_day = sorted(Counter(response.submitted_on for response in responses).items())
    return SurveyResults(survey, audience_size(survey), len(responses),
                         [results[q.id] for q in survey.questions], per_day)


def csv_table(survey: Survey) -> tuple[list[str], list[list[str]]]:
    """The results as a table: one row per response, a column per question, the day, and (named
    surveys only) the respondent. Anonymous rows are in random-id order; named ones by time."""
    questions = list(survey.questions)
    header = [f"Q{q.position + 1}. {q.prompt}" for q in questions] + ["submitted_on"]
    if not survey.anonymous:
        header.append("respondent")
    responses = _responses(survey)
    if not survey.anonymous:
        last = utcnow()
        responses.sort(key=lambda r: (r.submitted_at or last, r.id))
        names = _usernames([r.respondent_id for r in responses if r.respondent_id is not None])
    rows = []
    for response in responses:
        by_question = {answer.question_id: answer for answer in response.answers}
        row = [_cell(q, by_question.get(q.id)) for q in questions] + [response.submitted_on.isoformat()]
        if not survey.anonymous:
            row.append(names.get(response.respondent_id, "") if response.respondent_id else "")
        rows.append(row)
    return header, rows


def _usernames(user_ids: list[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = db.session.execute(select(User.id, User.username).where(User.id.in_(set(user_ids))))
    return {row.id: row.username for row in rows}


def _cell(question: SurveyQuestion, answer: SurveyAnswer | None) -> str:
    if answer is None:
        return ""
    if question.kind == QuestionKind.RATING:
        return "" if answer.rating is None else str(answer.rating)
    if question.kind == QuestionKind.TEXT:
        return answer.text
    options = question_options(question)
    return "; ".join(options[i] for i in answer_choices(answer) if 0 <= i < len(options))
