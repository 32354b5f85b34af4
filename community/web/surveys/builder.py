"""The survey builder (new and edit) and the moderators' buttons: open, close, delete.

The builder is a plain form: each question is a group of fields named ``q-<n>-kind``,
``q-<n>-prompt``, ``q-<n>-options`` (one choice per line) and ``q-<n>-required``, taken in the
order of ``n``; a question with an empty prompt is left out. Without JavaScript, "Add a
question" posts the form back with one more empty question; static/js/surveys.js adds, removes
and reorders questions in place and renumbers the fields before sending.
"""

from __future__ import annotations

import re
from typing import Any

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import surveys as survey_actions
from ...errors import Conflict, Forbidden, ValidationFailed
from ...models import Survey, SurveyStatus
from ...queries import surveys as survey_queries
from ...queries import tracks as track_queries
from ..forms import button_press, form_text, refusal_page, render_form, whole_number_or_none
from .blueprint import bp

_QUESTION_FIELD = re.compile(r"^q-(\d{1,3})-(kind|prompt|options|required)$")
_QUESTION_ERROR = re.compile(r"^questions\[(\d+)\](?:\.(\w+))?$")
TEMPLATE = "surveys/builder.html"


def _form_questions() -> list[dict[str, Any]]:
    """The question groups of the posted form, in field-number order (empty prompts included)."""
    numbers = sorted({int(m.group(1)) for name in request.form if (m := _QUESTION_FIELD.match(name))})
    return [{"kind": form_text(f"q-{n}-kind"), "prompt": form_text(f"q-{n}-prompt"),
             "options": form_text(f"q-{n}-options"), "required": bool(request.form.get(f"q-{n}-required"))}
            for n in numbers]


def _closes_at(raw: str) -> str | None:
    """<input type=datetime-local> sends "2026-12-01T17:00", read as UTC like every time here."""
    raw = raw.strip()
    return f"{raw}Z" if raw and not raw.endswith("Z") and "+" not in raw else (raw or None)


def _survey_fields(rows: list[dict[str, Any]]) -> tuple[dict[str, Any], list[int]]:
    """The action's fields from the form, and which form row each kept question came from."""
    kept = [n for n, row in enumerate(rows) if row["prompt"].strip()]
    questions = []
    for n in kept:
        row = rows[n]
        options = [line.strip() for line in row["options"].splitlines() if line.strip()]
        questions.append({"kind": row["kind"], "prompt": row["prompt"], "required": row["required"],
                          "options": options if row["kind"] in survey_actions.CHOICE_KINDS else []})
    departments = [name.strip() for name in form_text("departments").split(",") if name.strip()]
    return {"title": form_text("title"), "description": form_text("description"),
            "anonymous": bool(request.form.get("anonymous")), "audience": form_text("audience"),
            "departments": departments, "closes_at": _closes_at(form_text("closes_at")),
            "track_id": whole_number_or_none(form_text("track_id")),
            "questions": questions}, kept


def _row_errors(fields: dict[str, str], kept: list[int]) -> dict[str, str]:
    """Action errors (``questions[2].prompt``) renamed after the form's rows (``q-5-prompt``)."""
    errors = {}
    for name, reason in fields.items():
        match = _QUESTION_ERROR.match(name)
        if match and 1 <= int(match.group(1)) <= len(kept):
            errors[f"q-{kept[int(match.group(1)) - 1]}-{match.group(2) or 'prompt'}"] = reason
        else:
            errors[name] = reason
    return errors


def _blank_question() -> dict[str, Any]:
    return {"kind": "rating", "prompt": "", "options": "", "required": True}


def _values_of(survey: Survey | None) -> dict[str, Any]:
    if survey is None:
        return {"title": "", "description": "", "anonymous": True, "audience": "everyone", "departments": "",
                "closes_at": "", "track_id": "", "questions": [_blank_question()]}
    closes = survey.closes_at.strftime("%Y-%m-%dT%H:%M") if survey.closes_at else ""
    return {"title": survey.title, "description": survey.description, "anonymous": survey.anonymous,
            "audience": survey.audience, "departments": ", ".join(survey_queries.survey_departments(survey)),
            "closes_at": closes, "track_id": str(survey.track_id or ""),
            "questions": [{"kind": q.kind, "prompt": q.prompt, "required": q.required,
                           "options": "\n".join(survey_queries.question_options(q))}
                          for q in survey.questions]}


def _posted_values(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"title": form_text("title"), "description": form_text("description"),
            "anonymous": bool(request.form.get("anonymous")), "audience": form_text("audience") or "everyone",
            "departments": form_text("departments"), "closes_at": form_text("closes_at"),
            "track_id": form_text("track_id"), "questions": rows}


def _builder(values: dict[str, Any], survey: Survey | None, status: int = 200,
             errors: dict[str, str] | None = None, message: str | None = None) -> ResponseReturnValue:
    return render_form(TEMPLATE, status, values=values, errors=errors, message=message, survey=survey,
                       kinds=KIND_LABELS, known_departments=survey_queries.known_departments(),
                       tracks=track_queries.list_tracks(current_user, status="all"))


KIND_LABELS = {"rating": "Rating from 1 to 5", "single": "Single choice", "multiple": "Multiple choice",
               "text": "Free text"}


def _save(survey: Survey | None) -> ResponseReturnValue:
    rows = _form_questions()
    if request.form.get("add_question") is not None:  # no JavaScript: one more empty question
        rows.append(_blank_question())
        return _builder(_posted_values(rows), survey)
    data, kept = _survey_fields(rows)
    try:
        if survey is None:
            survey = survey_actions.create_survey(current_user, data)
            flash("Your survey is saved as a draft. Check it, then open it to its audience.", "success")
        else:
            survey = survey_actions.update_survey(current_user, survey.id, data)
            flash("Your changes are saved.", "success")
    except ValidationFailed as exc:
        return _builder(_posted_values(rows), survey, 422, _row_errors(exc.fields, kept), exc.message)
    except Conflict as exc:
        return refusal_page(exc, url_for(".survey", survey_id=survey.id if survey else 0))
    return redirect(url_for(".survey", survey_id=survey.id))


def _manager_or_refuse() -> None:
    if not survey_queries.can_manage_surveys(current_user):
        raise Forbidden("Only moderators and admins build surveys.")


@bp.route("/surveys/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    _manager_or_refuse()
    if request.method == "GET":
        return _builder(_values_of(None), None)
    return _save(None)


@bp.route("/surveys/<int:survey_id>/edit", methods=["GET", "POST"])
@login_required
def edit(survey_id: int) -> ResponseReturnValue:
    survey = survey_queries.access_survey(current_user, survey_id)
    _manager_or_refuse()
    if survey.status != SurveyStatus.DRAFT:
        return refusal_page(Conflict("Only a draft can be edited; this survey was already opened.",
                                     code="survey_not_draft"), url_for(".survey", survey_id=survey.id))
    if request.method == "GET":
        return _builder(_values_of(survey), survey)
    return _save(survey)


def _button(survey_id: int, change: Any, message: str) -> ResponseReturnValue:
    return button_press(lambda: change(current_user, survey_id), url_for(".survey", survey_id=survey_id),
                        message)


@bp.post("/surveys/<int:survey_id>/open")
@login_required
def open_(survey_id: int) -> ResponseReturnValue:
    return _button(survey_id, survey_actions.open_survey, "The survey is open: its audience was notified.")


@bp.post("/surveys/<int:survey_id>/close")
@login_required
def close(survey_id: int) -> ResponseReturnValue:
    return _button(survey_id, survey_actions.close_survey, "The survey is closed; its results stay here.")


@bp.post("/surveys/<int:survey_id>/delete")
@login_required
def delete(survey_id: int) -> ResponseReturnValue:
    try:
        survey_actions.delete_survey(current_user, survey_id)
    except (Conflict, Forbidden) as exc:
        return refusal_page(exc, url_for(".survey", survey_id=survey_id))
    flash("The survey is deleted.", "success")
    return redirect(url_for(".index"))
