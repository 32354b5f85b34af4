"""Surveys in the API (/api/v1/surveys): build, open, close and delete (moderators and admins),
list and answer (members of the audience), results and the CSV export (moderators and admins)."""

from __future__ import annotations

import csv
import io

from flask import Response
from flask_login import current_user, login_required
from marshmallow import fields

from ...actions import survey_responses as response_actions
from ...actions import surveys as survey_actions
from ...models import Survey
from ...payloads import page_payload, survey_payload, survey_results_payload
from ...queries import surveys as survey_queries
from ...queries.paging import parse_page
from .blueprint import ApiBlueprint
from .schemas import Input, one_of

bp = ApiBlueprint("surveys_api", __name__, url_prefix="/api/v1",
                  description="Surveys: questionnaires for everyone or chosen departments")


class SurveyPatch(Input):
    title = fields.String()
    description = fields.String(allow_none=True)
    anonymous = fields.Boolean(metadata={"description": "anonymous surveys never link an answer to a person"})
    audience = fields.String(metadata=one_of(survey_actions.AUDIENCES))
    departments = fields.List(fields.String(), metadata={"description": "for audience departments"})
    track_id = fields.Raw(allow_none=True, metadata={
        "type": "integer", "description": "for audience track: its enrolled members"})
    closes_at = fields.String(allow_none=True, metadata={"description": "ISO 8601 UTC time, optional"})
    questions = fields.List(fields.Raw(), metadata={
        "description": "[{kind: rating|single|multiple|text, prompt, options?: [label], required?: true}]"})


class SurveyIn(SurveyPatch):
    title = fields.String(required=True)
    questions = fields.List(fields.Raw(), required=True)


class SurveyListArgs(Input):
    status = fields.String(metadata=one_of(survey_queries.STATUSES))
    page = fields.Integer()
    per_page = fields.Integer()


class ResponseIn(Input):
    answers = fields.List(fields.Raw(), required=True, metadata={
        "description": "[{question_id, rating: 1-5 | choices: [option index] | text}]"})


def _with_completion(survey: Survey) -> dict:
    mine = survey_queries.completions_of(current_user, [survey.id])
    return survey_payload(survey, completed_on=mine.get(survey.id))


@bp.post("/surveys")
@login_required
@bp.arguments(SurveyIn)
def create_survey(data: dict):
    return survey_payload(survey_actions.create_survey(current_user, data)), 201


@bp.get("/surveys")
@login_required
@bp.arguments(SurveyListArgs, location="query")
def list_surveys(args: dict):
    page = parse_page(args.get("page"), args.get("per_page"))
    status = survey_queries.check_status_filter(args.get("status"))
    surveys, total = survey_queries.list_surveys(current_user, status, page)
    mine = survey_queries.completions_of(current_user, [s.id for s in surveys])
    items = [survey_payload(s, completed_on=mine.get(s.id), with_questions=False) for s in surveys]
    return page_payload(items, total, page.page, page.per_page)


@bp.get("/surveys/<int:survey_id>")
@login_required
def get_survey(survey_id: int):
    return _with_completion(survey_queries.access_survey(current_user, survey_id))


@bp.patch("/surveys/<int:survey_id>")
@login_required
@bp.arguments(SurveyPatch)
def update_survey(data: dict, survey_id: int):
    return _with_completion(survey_actions.update_survey(current_user, survey_id, data))


@bp.delete("/surveys/<int:survey_id>")
@login_required
def delete_survey(survey_id: int):
    survey_actions.delete_survey(current_user, survey_id)
    return "", 204


@bp.post("/surveys/<int:survey_id>/open")
@login_required
def open_survey(survey_id: int):
    return _with_completion(survey_actions.open_survey(current_user, survey_id))


@bp.post("/surveys/<int:survey_id>/close")
@login_required
def close_survey(survey_id: int):
    return _with_completion(survey_actions.close_survey(current_user, survey_id))


@bp.post("/surveys/<int:survey_id>/responses")
@login_required
@bp.arguments(ResponseIn)
def respond(data: dict, survey_id: int):
    response_actions.submit_response(current_user, survey_id, data["answers"])
    return _with_completion(survey_queries.access_survey(current_user, survey_id)), 201


@bp.get("/surveys/<int:survey_id>/results")
@login_required
def results(survey_id: int):
    survey = survey_queries.access_results(current_user, survey_id)
    return survey_results_payload(survey_queries.survey_results(survey))


@bp.get("/surveys/<int:survey_id>/results.csv")
@bp.doc(responses={"200": {"description": "The responses as CSV, one row each (an attachment)",
                           "content": {"text/csv": {"schema": {"type": "string"}}}}})
@login_required
def results_csv(survey_id: int):
    survey = survey_queries.access_results(current_user, survey_id)
    return csv_response(survey)


def csv_response(survey: Survey) -> Response:
    """The results table as an attachment (also served by the results page's download link)."""
    header, rows = survey_queries.csv_table(survey)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_defused(cell) for cell in row] for row in rows])
    name = f"survey-{survey.id}-results.csv"
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "private, no-store"})


def _defused(cell: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
