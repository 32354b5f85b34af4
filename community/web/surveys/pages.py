"""The survey list, a survey's page (the answer form, or "thanks"), and the results page."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ... import charts
from ...actions import survey_responses as response_actions
from ...errors import Conflict, Forbidden, ValidationFailed
from ...models import QuestionKind, Survey
from ...queries import surveys as survey_queries
from ...queries.paging import parse_page
from ..forms import refusal_page, whole_number
from .blueprint import bp
from .builder import KIND_LABELS


@bp.get("/surveys")
@login_required
def index() -> ResponseReturnValue:
    page = parse_page(request.args.get("page"))
    status = survey_queries.check_status_filter(request.args.get("status"))
    surveys, total = survey_queries.list_surveys(current_user, status, page)
    done = survey_queries.completions_of(current_user, [s.id for s in surveys])
    return render_template("surveys/index.html", surveys=surveys, total=total, page=page, status=status,
                           done=done, statuses=survey_queries.STATUSES,
                           status_of=survey_queries.effective_status,
                           departments_of=survey_queries.survey_departments)


def _render(survey: Survey, status: int = 200, *, errors: dict[str, str] | None = None,
            message: str | None = None, values: dict[str, Any] | None = None) -> ResponseReturnValue:
    done = survey_queries.completions_of(current_user, [survey.id]).get(survey.id)
    state = survey_queries.effective_status(survey)
    page = render_template(
        "surveys/survey.html", survey=survey, state=state, completed_on=done, errors=errors or {},
        form_message=message, values=values or {}, kinds=KIND_LABELS,
        can_answer=state == "open" and done is None and survey_queries.in_audience(survey, current_user),
        in_audience=survey_queries.in_audience(survey, current_user),
        departments=survey_queries.survey_departments(survey), options_of=survey_queries.question_options)
    return page, status


@bp.get("/surveys/<int:survey_id>")
@login_required
def survey(survey_id: int) -> ResponseReturnValue:
    return _render(survey_queries.access_survey(current_user, survey_id))


def _form_answers(survey: Survey) -> list[dict[str, Any]]:
    """The answer form as the API's answers: a number that is not one stays as typed (a 422)."""
    answers = []
    for question in survey.questions:
        name = f"question_{question.id}"
        raw = request.form.getlist(name)
        if question.kind == QuestionKind.TEXT:
            answers.append({"question_id": question.id, "text": raw[0] if raw else ""})
            continue
        numbers: list[Any] = [whole_number(v.strip(), signed=True) for v in raw if v.strip()]
        if question.kind == QuestionKind.RATING:
            answers.append({"question_id": question.id, "rating": numbers[0] if numbers else None})
        else:
            answers.append({"question_id": question.id, "choices": numbers})
    return answers


@bp.post("/surveys/<int:survey_id>")
@login_required
def answer(survey_id: int) -> ResponseReturnValue:
    survey = survey_queries.access_survey(current_user, survey_id)
    try:
        response_actions.submit_response(current_user, survey.id, _form_answers(survey))
    except ValidationFailed as exc:
        values = {key: request.form.getlist(key) for key in request.form}
        return _render(survey, 422, errors=exc.fields, message=exc.message, values=values)
    except (Conflict, Forbidden) as exc:
        return refusal_page(exc, url_for(".survey", survey_id=survey.id))
    flash("Thank you: your answers are saved.", "success")
    return redirect(url_for(".survey", survey_id=survey.id))


def _question_chart(result: survey_queries.QuestionResult) -> Any:
    if result.question.kind == QuestionKind.TEXT:
        return None
    base = result.answered or 1
    bars = [charts.Bar(label, count, f"{count} ({charts.percent(count / base)})")
            for label, count in zip(result.labels, result.counts, strict=True)]
    return charts.bar_chart(f"question-{result.question.id}-chart", f"Answers to: {result.question.prompt}",
                            bars)


def _rate_chart(results: survey_queries.SurveyResults) -> Any:
    """Cumulative responses per day, as a share of the audience when there is one."""
    running, points = 0, []
    for day, count in results.per_day:
        running += count
        points.append((day, running / results.audience if results.audience else running))
    if results.audience:
        return charts.line_chart("response-rate-chart", "Response rate over time", points, top_value=1.0,
                                 fmt=charts.percent), points
    return charts.line_chart("response-rate-chart", "Responses over time", points,
                             top_value=max(1, running), fmt=charts.count), points


@bp.get("/surveys/<int:survey_id>/results")
@login_required
def results(survey_id: int) -> ResponseReturnValue:
    survey = survey_queries.access_results(current_user, survey_id)
    data = survey_queries.survey_results(survey)
    rate_chart, cumulative = _rate_chart(data)
    return render_template("surveys/results.html", survey=survey, results=data,
                           state=survey_queries.effective_status(survey), rate_chart=rate_chart,
                           cumulative=cumulative, percent=charts.percent, zip=zip,
                           survey_departments=survey_queries.survey_departments(survey),
                           question_charts={r.question.id: _question_chart(r) for r in data.questions})
