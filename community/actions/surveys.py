"""Surveys: moderators and admins build one (a draft), open it to its audience, close it; members
of the audience answer it once (answering is survey_responses.py).

Anonymity (see community/models/surveys.py): answering an anonymous survey stores a completion
(member + day) and, apart from it, a response with a random id, the day and no respondent. The
answer records no event, no notification, no audit row and no log line, so nothing links the
two. Named surveys also store the respondent and the time on the response.

The completion and the response are written in one transaction; the completion's primary key
(survey, member) makes "once only" hold under concurrent submissions on every database.

Deleting: moderators and admins delete drafts; only admins delete a survey that was opened (its
responses go with it, and an audit row records the deletion).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update

from ..db import atomic
from ..errors import Conflict, Forbidden, ValidationFailed
from ..extensions import db
from ..models import (
    QuestionKind,
    Survey,
    SurveyAudience,
    SurveyQuestion,
    SurveyStatus,
    Track,
    User,
)
from ..models.base import is_row_id, utcnow
from ..payloads.surveys import survey_url
from ..permissions import require_active_account
from ..queries import surveys as survey_queries
from ..text.validation import check_moment, check_name_list, check_text
from .audit import record_audit
from .notifications import notify

TITLE_MAX, DESCRIPTION_MAX, PROMPT_MAX, OPTION_MAX = 200, 5000, 500, 200
MAX_QUESTIONS, MAX_OPTIONS, MAX_DEPARTMENTS, DEPARTMENT_MAX = 50, 20, 50, 80
KINDS = tuple(kind.value for kind in QuestionKind)
AUDIENCES = tuple(audience.value for audience in SurveyAudience)
CHOICE_KINDS = (QuestionKind.SINGLE.value, QuestionKind.MULTIPLE.value)


@dataclass(frozen=True)
class QuestionDraft:
    kind: str
    prompt: str
    options: list[str]
    required: bool


@dataclass(frozen=True)
class SurveyDraft:
    """Validated survey fields (see check_survey_fields); any may be left out of a PATCH."""

    title: str
    description: str
    anonymous: bool
    audience: str
    departments: list[str]
    closes_at: datetime | None
    questions: list[QuestionDraft]
    track_id: int | None = None  # for audience "track"


# --- validation --------------------------------------------------------------------------------


def _check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed({name: "must be true or false"})
    return value


def check_closes_at(value: object, now: datetime) -> datetime | None:
    """In the future; without an offset it is UTC (the builder's field says so)."""
    if value in (None, ""):
        return None
    moment = check_moment("closes_at", value, naive_is_utc=True)
    if moment <= now:
        raise ValidationFailed({"closes_at": "must be in the future"})
    return moment


def check_departments(value: object) -> list[str]:
    return check_name_list("departments", value, max_count=MAX_DEPARTMENTS, max_len=DEPARTMENT_MAX)


def check_question(n: int, value: object) -> QuestionDraft:
    """One question; errors are named ``questions[n].field`` (n counts from 1)."""
    where = f"questions[{n}]"
    if not isinstance(value, Mapping):
        raise ValidationFailed({where: "must be an object with kind, prompt, options and required"})
    kind = value.get("kind")
    if kind not in KINDS:
        raise ValidationFailed({f"{where}.kind": "must be one of " + ", ".join(KINDS)})
    prompt = check_text(f"{where}.prompt", value.get("prompt"), min_len=1, max_len=PROMPT_MAX).strip()
    required = _check_bool(f"{where}.required", value.get("required", True))
    options: list[str] = []
    if kind in CHOICE_KINDS:
        raw = value.get("options")
        if not isinstance(raw, list):
            raise ValidationFailed({f"{where}.options": f"must be a list of 2-{MAX_OPTIONS} choices"})
        options = [check_text(f"{where}.options", o, min_len=1, max_len=OPTION_MAX).strip() for o in raw]
        if not 2 <= len(options) <= MAX_OPTIONS:
            raise ValidationFailed({f"{where}.options": f"must be a list of 2-{MAX_OPTIONS} choices"})
        if len({o.casefold() for o in options}) != len(options):
            raise ValidationFailed({f"{where}.options": "must all be different"})
    elif value.get("options") not in (None, []):
        raise ValidationFailed({f"{where}.options": f"are only for single and multiple choice, not {kind}"})
    return QuestionDraft(str(kind), prompt, options, required)


def check_questions(value: object) -> list[QuestionDraft]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_QUESTIONS:
        raise ValidationFailed({"questions": f"must be a list of 1-{MAX_QUESTIONS} questions"})
    return [check_question(n, item) for n, item in enumerate(value, start=1)]


def check_survey_fields(data: Mapping[str, Any], *, base: Survey | None = None) -> SurveyDraft:
    """The survey fields of a create (every field) or a PATCH (missing fields keep ``base``)."""
    now = utcnow()

    def given(name: str) -> bool:
        return base is None or name in data

    title = (check_text("title", data.get("title"), min_len=3, max_len=TITLE_MAX).strip()
             if given("title") else base.title)
    description = (check_text("description", data.get("description"), max_len=DESCRIPTION_MAX,
                              required=False).strip() if given("description") else base.description)
    anonymous = (_check_bool("anonymous", data.get("anonymous", True)) if given("anonymous")
                 else base.anonymous)
    audience = data.get("audience", SurveyAudience.EVERYONE.value) if given("audience") else base.audience
    if audience not in AUDIENCES:
        raise ValidationFailed({"audience": "must be one of " + ", ".join(AUDIENCES)})
    departments = (check_departments(data.get("departments")) if given("departments")
                   else survey_queries.survey_departments(base))
    track_id = check_track_id(data.get("track_id")) if given("track_id") else base.track_id
    if audience == SurveyAudience.TRACK:
        departments = []
        if track_id is None:
            raise ValidationFailed({"track_id": "must name the track whose members answer"})
    elif audience == SurveyAudience.EVERYONE:
        departments, track_id = [], None
    else:
        track_id = None
        if not departments:
            raise ValidationFailed({"departments": "must name at least one department"})
    closes_at = check_closes_at(data.get("closes_at"), now) if given("closes_at") else base.closes_at
    questions = check_questions(data.get("questions")) if given("questions") else None
    return SurveyDraft(title, description, anonymous, str(audience), departments, closes_at,
                       questions if questions is not None else [], track_id)


def check_track_id(value: object) -> int | None:
    """A certification track that exists (drafts too: a survey can be prepared with its track)."""
    if value in (None, ""):
        return None
    if not is_row_id(value) or db.session.get(Track, value) is None:
        raise ValidationFailed({"track_id": "must be an existing track"})
    return int(value)


# --- building, opening and closing -------------------------------------------------------------


def _require_manager(actor: User) -> None:
    require_active_account(actor)
    if not survey_queries.can_manage_surveys(actor):
        raise Forbidden("Only moderators and admins build and run surveys.")


def _set_questions(survey: Survey, questions: list[QuestionDraft]) -> None:
    survey.questions.clear()
    db.session.flush()  # the old rows go before the new ones take their positions
    for position, q in enumerate(questions):
        survey.questions.append(SurveyQuestion(position=position, kind=q.kind, prompt=q.prompt,
                                               options=json.dumps(q.options), required=q.required))


def _apply(survey: Survey, draft: SurveyDraft) -> None:
    survey.title, survey.description, survey.anonymous = draft.title, draft.description, draft.anonymous
    survey.audience, survey.departments = draft.audience, json.dumps(draft.departments)
    survey.closes_at = draft.closes_at
    # The relationship too, so the payload names the track without loading it lazily.
    survey.track = db.session.get(Track, draft.track_id) if draft.track_id is not None else None


def create_survey(actor: User, data: Mapping[str, Any]) -> Survey:
    """A new draft survey from the API fields (title, description, anonymous, audience,
    departments, closes_at, questions)."""
    _require_manager(actor)
    draft = check_survey_fields(data)
    with atomic():
        now = utcnow()
        survey = Survey(author_id=actor.id, status=SurveyStatus.DRAFT.value, created_at=now, updated_at=now)
        _apply(survey, draft)
        db.session.add(survey)
        _set_questions(survey, draft.questions)
        db.session.flush()
    return survey


def _managed(actor: User, survey_id: object) -> Survey:
    """The survey for a manager's change, locked against concurrent changes (404 first for a
    survey the actor may not see, so a member learns nothing about drafts)."""
    survey = survey_queries.access_survey(actor, survey_id)
    if not survey_queries.can_manage_surveys(actor):
        raise Forbidden("Only moderators and admins build and run surveys.")
    db.session.refresh(survey, with_for_update=True)
    return survey


def update_survey(actor: User, survey_id: object, data: Mapping[str, Any]) -> Survey:
    """Change a draft; ``questions``, when given, replace the old ones wholesale."""
    require_active_account(actor)
    with atomic():
        survey = _managed(actor, survey_id)
        if survey.status != SurveyStatus.DRAFT:
            raise Conflict("Only a draft can be edited; this survey was already opened.",
                           code="survey_not_draft")
        draft = check_survey_fields(data, base=survey)
        _apply(survey, draft)
        if "questions" in data:
            _set_questions(survey, draft.questions)
        survey.updated_at = utcnow()
        db.session.flush()
    return survey


def delete_survey(actor: User, survey_id: object) -> None:
    """Drafts: moderators and admins. A survey that was opened (it has responses): admins only."""
    require_active_account(actor)
    with atomic():
        survey = _managed(actor, survey_id)
        if survey.status != SurveyStatus.DRAFT:
            if not actor.is_admin:
                raise Forbidden("Only admins delete a survey that was opened; close it instead.")
            record_audit(actor, "survey.delete", "survey", survey.id, label=survey.title,
                         details={"status": survey_queries.effective_status(survey),
                                  "responses": survey_queries.count_responses(survey.id)})
        db.session.delete(survey)


def open_survey(actor: User, survey_id: object) -> Survey:
    """Open a draft to its audience and notify every member of it."""
    require_active_account(actor)
    with atomic():
        survey = _managed(actor, survey_id)
        if survey.status != SurveyStatus.DRAFT:
            raise Conflict("This survey was already opened.", code="survey_not_draft")
        if not survey.questions:
            raise ValidationFailed({"questions": "must hold at least one question before opening"})
        now = utcnow()
        if survey.closes_at is not None and survey.closes_at <= now:
            raise ValidationFailed({"closes_at": "has passed: set a later closing time first"})
        survey.status, survey.opened_at, survey.updated_at = SurveyStatus.OPEN.value, now, now
        db.session.flush()
        notify(survey_queries.audience_user_ids(survey), "survey", actor, survey.title, survey_url(survey.id))
    return survey


def close_survey(actor: User, survey_id: object) -> Survey:
    require_active_account(actor)
    with atomic():
        survey = _managed(actor, survey_id)
        if survey.status == SurveyStatus.DRAFT:
            raise Conflict("This survey was never opened.", code="survey_not_open")
        if survey.status == SurveyStatus.CLOSED:
            raise Conflict("This survey is already closed.", code="survey_closed")
        now = utcnow()
        # Past its closing time it is closed already: keep that time, which is when it ended.
        ended = survey.closes_at if survey.closes_at is not None and survey.closes_at <= now else now
        survey.status, survey.closed_at, survey.updated_at = SurveyStatus.CLOSED.value, ended, now
        db.session.flush()
    return survey


def close_due_surveys(now: datetime) -> int:
    """The scheduled job: store the close of open surveys whose closing time has passed (a
    conditional UPDATE, so several processes may run it at once)."""
    with atomic():
        result = db.session.execute(
            update(Survey).where(Survey.status == SurveyStatus.OPEN.value, Survey.closes_at.is_not(None),
                                 Survey.closes_at <= now)
            .values(status=SurveyStatus.CLOSED.value, closed_at=Survey.closes_at, updated_at=now)
            .execution_options(synchronize_session=False))
    return result.rowcount or 0
