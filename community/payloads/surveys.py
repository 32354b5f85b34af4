"""Surveys, their questions and their results.

No payload here carries a response id, a respondent or a submission time for an anonymous survey:
results are counts, averages and text answers only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..models import Survey, SurveyQuestion
from ..queries.surveys import (
    SurveyResults,
    effective_status,
    question_options,
    survey_departments,
)
from .common import iso, user_payload


def survey_url(survey_id: int) -> str:
    return f"/surveys/{survey_id}"


def survey_question_payload(question: SurveyQuestion) -> dict[str, Any]:
    return {"id": question.id, "position": question.position, "kind": question.kind,
            "prompt": question.prompt, "options": question_options(question), "required": question.required}


def survey_payload(survey: Survey, *, completed_on: date | None = None,
                   with_questions: bool = True) -> dict[str, Any]:
    """A survey; ``completed``/``completed_on`` are the caller's own (never anyone else's)."""
    payload: dict[str, Any] = {
        "id": survey.id,
        "title": survey.title,
        "description": survey.description,
        "anonymous": survey.anonymous,
        "audience": survey.audience,
        "departments": survey_departments(survey),
        "track": {"id": survey.track.id, "title": survey.track.title} if survey.track is not None else None,
        "status": effective_status(survey),
        "author": user_payload(survey.author),
        "question_count": len(survey.questions),
        "created_at": iso(survey.created_at),
        "updated_at": iso(survey.updated_at),
        "opened_at": iso(survey.opened_at),
        "closes_at": iso(survey.closes_at),
        "closed_at": iso(survey.closed_at),
        "completed": completed_on is not None,
        "completed_on": completed_on.isoformat() if completed_on else None,
        "url": survey_url(survey.id),
    }
    if with_questions:
        payload["questions"] = [survey_question_payload(q) for q in survey.questions]
    return payload


def survey_results_payload(results: SurveyResults) -> dict[str, Any]:
    questions = []
    for result in results.questions:
        item: dict[str, Any] = {**survey_question_payload(result.question), "answered": result.answered}
        if result.question.kind == "rating":
            item["counts"] = {str(n + 1): count for n, count in enumerate(result.counts)}
            item["average"] = result.average
        elif result.question.kind == "text":
            item["texts"] = list(result.texts)
        else:
            pairs = zip(result.options, result.counts, strict=True)
            item["counts"] = [{"index": n, "label": label, "count": count}
                              for n, (label, count) in enumerate(pairs)]
        questions.append(item)
    rate = results.response_rate
    return {
        "survey": survey_payload(results.survey, with_questions=False),
        "audience_size": results.audience,
        "response_count": results.responses,
        "response_rate": None if rate is None else round(rate, 4),
        "responses_per_day": [{"day": day.isoformat(), "count": count} for day, count in results.per_day],
        "questions": questions,
    }
