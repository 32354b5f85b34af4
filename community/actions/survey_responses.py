"""Answering a survey, once (the anonymity and once-only rules are in the docstring of surveys.py).
Nothing here records an event, a notification, an audit row or a log line."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError

from ..db import atomic
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyCompletion,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
    User,
)
from ..models.base import utcnow
from ..permissions import require_active_account
from ..queries import surveys as survey_queries
from ..text.validation import text_problem

TEXT_ANSWER_MAX = 5000


def _refuse(question: SurveyQuestion, reason: str) -> ValidationFailed:
    label = question.prompt if len(question.prompt) <= 80 else question.prompt[:79] + "…"
    return ValidationFailed({f"question_{question.id}": reason},
                            f"Question {question.position + 1} (“{label}”) {reason}.")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _rating(question: SurveyQuestion, value: object) -> SurveyAnswer | None:
    if value is None:
        return None
    if not _is_int(value) or not 1 <= value <= 5:
        raise _refuse(question, "needs a rating from 1 to 5 (a whole number)")
    return SurveyAnswer(question_id=question.id, rating=value, choices="[]", text="")


def _text(question: SurveyQuestion, value: object) -> SurveyAnswer | None:
    if value is not None and not isinstance(value, str):
        raise _refuse(question, "needs text")
    if value is not None and len(value) > TEXT_ANSWER_MAX:
        raise _refuse(question, f"takes at most {TEXT_ANSWER_MAX:,} characters")
    text = value or ""
    problem = text_problem(text)
    if problem:
        raise _refuse(question, problem)
    if not text.strip():
        return None
    return SurveyAnswer(question_id=question.id, rating=None, choices="[]", text=text)


def _choices(question: SurveyQuestion, value: object) -> SurveyAnswer | None:
    count = len(survey_queries.question_options(question))
    if value is not None and (not isinstance(value, list) or not all(_is_int(i) for i in value)
                              or any(not 0 <= i < count for i in value) or len(set(value)) != len(value)):
        raise _refuse(question, f"takes choices given as option indexes from 0 to {count - 1}, each once")
    if not value:
        return None
    if question.kind == QuestionKind.SINGLE and len(value) != 1:
        raise _refuse(question, "takes exactly one choice")
    return SurveyAnswer(question_id=question.id, rating=None, choices=json.dumps(sorted(value)), text="")


def check_answer(question: SurveyQuestion, answer: Mapping[str, Any] | None) -> SurveyAnswer | None:
    """The stored answer to one question, None when an optional question is left blank."""
    answer = answer or {}
    if question.kind == QuestionKind.RATING:
        stored = _rating(question, answer.get("rating"))
    elif question.kind == QuestionKind.TEXT:
        stored = _text(question, answer.get("text"))
    else:
        stored = _choices(question, answer.get("choices"))
    if stored is None and question.required:
        raise _refuse(question, "needs an answer")
    return stored


def check_answers(survey: Survey, answers: object) -> list[SurveyAnswer]:
    if not isinstance(answers, list) or not all(isinstance(a, Mapping) for a in answers):
        raise ValidationFailed({"answers": "must be a list of {question_id, rating | choices | text}"})
    by_id: dict[int, Mapping[str, Any]] = {}
    known = {q.id for q in survey.questions}
    for answer in answers:
        question_id = answer.get("question_id")
        if not _is_int(question_id) or question_id not in known:
            raise ValidationFailed(
                {"answers": f"question_id {str(question_id)[:20]} is not a question of this survey"})
        if question_id in by_id:
            raise ValidationFailed({"answers": f"answer question {question_id} only once"})
        by_id[question_id] = answer
    checked = [check_answer(q, by_id.get(q.id)) for q in survey.questions]
    return [answer for answer in checked if answer is not None]


def _refuse_closed(actor: User, survey: Survey) -> None:
    status = survey_queries.effective_status(survey)
    if status == SurveyStatus.CLOSED:
        raise Conflict("This survey is closed; it no longer takes answers.", code="survey_closed")
    if status == SurveyStatus.DRAFT:
        raise Conflict("This survey is not open yet.", code="survey_not_open")
    if not survey_queries.in_audience(survey, actor):
        raise Forbidden("This survey is not meant for you.")


def submit_response(actor: User, survey_id: object, answers: object) -> date:
    """Answer a survey once; returns the day the completion was recorded."""
    require_active_account(actor)
    if not getattr(actor, "is_authenticated", False):
        raise NotFound("No such survey.")
    with atomic():
        survey = survey_queries.access_survey(actor, survey_id, for_share=True)
        _refuse_closed(actor, survey)
        if survey_queries.completions_of(actor, [survey.id]):
            raise Conflict("You already answered this survey.", code="already_answered")
        rows = check_answers(survey, answers)
        now = utcnow()
        today = now.date()
        db.session.add(SurveyCompletion(survey_id=survey.id, user_id=actor.id, completed_on=today))
        try:
            db.session.flush()
        except IntegrityError:  # a concurrent submission by the same member won the race
            raise Conflict("You already answered this survey.", code="already_answered") from None
        named = not survey.anonymous
        response = SurveyResponse(id=secrets.token_hex(16), survey_id=survey.id,
                                  respondent_id=actor.id if named else None, submitted_on=today,
                                  submitted_at=now if named else None)
        response.answers.extend(rows)
        db.session.add(response)
        db.session.flush()
    return today
