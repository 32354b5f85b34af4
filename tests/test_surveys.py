"""Surveys over the API: building and the open/close rules, targeting, answering once (also under
concurrency), validation, results, the CSV export, and anonymity."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from community.actions import survey_responses as response_actions
from community.errors import Conflict
from community.extensions import db
from community.models import (
    AuditEntry,
    Event,
    Notification,
    Role,
    Survey,
    SurveyAnswer,
    SurveyCompletion,
    SurveyResponse,
)
from community.models.base import utcnow
from community.scheduler import JOBS
from tests.factories import SURVEY_QUESTIONS, answer_survey, make_survey, make_user, set_department
from tests.support import assert_error, run_together

SURVEY_FIELDS = {"id", "title", "description", "anonymous", "audience", "departments", "status", "author",
                 "question_count", "questions", "created_at", "updated_at", "opened_at", "closes_at",
                 "closed_at", "completed", "completed_on", "url"}


@pytest.fixture
def people(app):
    users = {name: make_user(app, name) for name in ("ann", "ben", "cat", "dan")}
    users["mod"] = make_user(app, "mod", role=Role.MODERATOR)
    users["admin"] = make_user(app, "boss", role=Role.ADMIN)
    return users


def question_ids(app, survey_id: int) -> list[int]:
    with app.app_context():
        return [q.id for q in db.session.get(Survey, survey_id).questions]


def full_answers(app, survey_id: int, rating: int = 4, text: str = "Great") -> list[dict]:
    rating_q, single_q, multiple_q, text_q = question_ids(app, survey_id)
    return [{"question_id": rating_q, "rating": rating}, {"question_id": single_q, "choices": [1]},
            {"question_id": multiple_q, "choices": [0, 2]}, {"question_id": text_q, "text": text}]


def backdate_close(app, survey_id: int) -> None:
    """Move the survey's closing time into the past (as if time had passed)."""
    with app.app_context():
        db.session.execute(update(Survey).where(Survey.id == survey_id)
                           .values(closes_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()


# --- building ----------------------------------------------------------------------------------


def test_moderator_creates_a_draft_survey(api, people):
    response = api.as_user(people["mod"]).post("surveys", json={
        "title": "Onboarding pulse", "description": "Two minutes.", "anonymous": True,
        "audience": "departments", "departments": [" Finance ", "finance", "Sales"],
        "closes_at": (utcnow() + timedelta(days=7)).isoformat(), "questions": SURVEY_QUESTIONS})
    assert response.status_code == 201, response.json
    body = response.json
    assert set(body) >= SURVEY_FIELDS
    assert body["status"] == "draft" and body["opened_at"] is None
    assert body["departments"] == ["Finance", "Sales"]  # trimmed, one spelling per department
    assert [q["kind"] for q in body["questions"]] == ["rating", "single", "multiple", "text"]
    assert body["questions"][1]["options"] == ["North", "South"]
    assert body["questions"][3]["required"] is False
    assert body["url"] == f"/surveys/{body['id']}"


def test_members_cannot_build_surveys(api, people):
    body = {"title": "Mine", "questions": SURVEY_QUESTIONS}
    response = api.as_user(people["ann"]).post("surveys", json=body)
    assert_error(response, 403, "forbidden")


@pytest.mark.parametrize(("change", "field"), [
    ({"title": ""}, "title"),
    ({"questions": []}, "questions"),
    ({"questions": [{"kind": "slider", "prompt": "How?"}]}, "questions[1].kind"),
    ({"questions": [{"kind": "rating", "prompt": "   "}]}, "questions[1].prompt"),
    ({"questions": [SURVEY_QUESTIONS[0], {"kind": "single", "prompt": "Pick", "options": ["Only"]}]},
     "questions[2].options"),
    ({"questions": [{"kind": "multiple", "prompt": "Pick", "options": ["A", "a"]}]}, "questions[1].options"),
    ({"questions": [{"kind": "text", "prompt": "Why?", "options": ["A", "B"]}]}, "questions[1].options"),
    ({"questions": [{"kind": "text", "prompt": "Why?", "required": "yes"}]}, "questions[1].required"),
    ({"questions": ["not an object"]}, "questions[1]"),
    ({"audience": "departments", "departments": []}, "departments"),
    ({"audience": "teams"}, "audience"),
    ({"closes_at": "next week"}, "closes_at"),
    ({"closes_at": "2020-01-01T00:00:00Z"}, "closes_at"),
    ({"title": "Bad\x00title"}, "title"),
])
def test_invalid_surveys_are_refused_naming_the_field(api, people, change, field):
    body = {"title": "Onboarding pulse", "questions": SURVEY_QUESTIONS, **change}
    error = assert_error(api.as_user(people["mod"]).post("surveys", json=body), 422, "validation_error")
    assert field in error["fields"], error


def test_wrong_types_and_non_json_bodies_are_4xx(api, people):
    mod = api.as_user(people["mod"])
    wrong = {"title": 5, "questions": SURVEY_QUESTIONS}
    assert_error(mod.post("surveys", json=wrong), 422, "validation_error")
    assert_error(mod.post("surveys", json={"title": "Pulse", "questions": "all"}), 422, "validation_error")
    assert_error(mod.post("surveys", data="[1, 2]", content_type="application/json"), 400, "bad_request")


def test_patch_replaces_questions_while_draft_only(app, api, people):
    survey_id = make_survey(app, people["mod"], open_=False)
    mod = api.as_user(people["mod"])
    response = mod.patch(f"surveys/{survey_id}", json={
        "title": "Renamed pulse", "questions": [{"kind": "text", "prompt": "One thing to change?"}]})
    assert response.status_code == 200, response.json
    assert response.json["title"] == "Renamed pulse"
    assert [q["prompt"] for q in response.json["questions"]] == ["One thing to change?"]
    kept = mod.patch(f"surveys/{survey_id}", json={"description": "Hi"}).json
    assert kept["questions"][0]["kind"] == "text"
    assert mod.post(f"surveys/{survey_id}/open").status_code == 200
    assert_error(mod.patch(f"surveys/{survey_id}", json={"title": "Too late"}), 409, "survey_not_draft")


def test_open_and_close_rules(app, api, people):
    survey_id = make_survey(app, people["mod"], open_=False)
    mod = api.as_user(people["mod"])
    assert_error(mod.post(f"surveys/{survey_id}/close"), 409, "survey_not_open")
    assert_error(api.as_user(people["ann"]).post(f"surveys/{survey_id}/open"), 404, "not_found")
    opened = mod.post(f"surveys/{survey_id}/open")
    assert opened.status_code == 200 and opened.json["status"] == "open" and opened.json["opened_at"]
    assert_error(mod.post(f"surveys/{survey_id}/open"), 409, "survey_not_draft")
    assert_error(api.as_user(people["ann"]).post(f"surveys/{survey_id}/close"), 403, "forbidden")
    closed = mod.post(f"surveys/{survey_id}/close")
    assert closed.status_code == 200 and closed.json["status"] == "closed" and closed.json["closed_at"]
    assert_error(mod.post(f"surveys/{survey_id}/close"), 409, "survey_closed")
    assert_error(mod.post(f"surveys/{survey_id}/open"), 409, "survey_not_draft")


def test_open_notifies_only_the_audience(app, api, people):
    set_department(app, people["ann"], "Finance")
    set_department(app, people["ben"], "Sales")
    survey_id = make_survey(app, people["mod"], audience="departments", departments=["finance"])
    with app.app_context():
        notes = db.session.scalars(select(Notification).where(Notification.type == "survey")).all()
        assert [n.user_id for n in notes] == [people["ann"].id]
        assert notes[0].url == f"/surveys/{survey_id}"
    listed = api.as_user(people["ann"]).get("notifications").json["items"]
    assert listed[0]["type"] == "survey" and listed[0]["url"] == f"/surveys/{survey_id}"


def test_delete_drafts_by_moderators_and_opened_surveys_by_admins_only(app, api, people):
    draft = make_survey(app, people["mod"], open_=False)
    assert api.as_user(people["mod"]).delete(f"surveys/{draft}").status_code == 204
    assert_error(api.as_user(people["mod"]).get(f"surveys/{draft}"), 404, "not_found")
    opened = make_survey(app, people["mod"])
    answer_survey(app, people["ann"], opened, full_answers(app, opened))
    assert_error(api.as_user(people["mod"]).delete(f"surveys/{opened}"), 403, "forbidden")
    assert_error(api.as_user(people["ann"]).delete(f"surveys/{opened}"), 403, "forbidden")
    assert api.as_user(people["admin"]).delete(f"surveys/{opened}").status_code == 204
    with app.app_context():
        assert db.session.scalar(select(SurveyResponse.id)) is None
        assert db.session.scalar(select(SurveyCompletion.user_id)) is None
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "survey.delete")).one()
        assert entry.target_id == str(opened) and '"responses": 1' in entry.details


# --- targeting ---------------------------------------------------------------------------------


def test_department_targeting_ignores_case_and_spaces(app, api, people):
    set_department(app, people["ann"], "  FINANCE ")
    set_department(app, people["ben"], "Sales")
    survey_id = make_survey(app, people["mod"], audience="departments", departments=["Finance"])
    ann, ben, cat = (api.as_user(people[n]) for n in ("ann", "ben", "cat"))
    assert ann.get(f"surveys/{survey_id}").status_code == 200
    assert [s["id"] for s in ann.get("surveys").json["items"]] == [survey_id]
    assert_error(ben.get(f"surveys/{survey_id}"), 404, "not_found")
    assert_error(cat.get(f"surveys/{survey_id}"), 404, "not_found")  # no department at all
    assert ben.get("surveys").json == {"items": [], "total": 0, "page": 1, "per_page": 20}
    assert_error(ben.post(f"surveys/{survey_id}/responses", json={"answers": full_answers(app, survey_id)}),
                 404, "not_found")


def test_everyone_surveys_reach_every_member_and_drafts_none(app, api, people):
    draft = make_survey(app, people["mod"], open_=False)
    opened = make_survey(app, people["mod"])
    ann = api.as_user(people["ann"])
    assert_error(ann.get(f"surveys/{draft}"), 404, "not_found")
    items = ann.get("surveys").json["items"]
    assert [(s["id"], s["completed"]) for s in items] == [(opened, False)]
    answer_survey(app, people["ann"], opened, full_answers(app, opened))
    assert [(s["id"], s["completed"]) for s in ann.get("surveys").json["items"]] == [(opened, True)]
    mod = api.as_user(people["mod"])
    assert {s["id"] for s in mod.get("surveys").json["items"]} == {draft, opened}
    assert [s["id"] for s in mod.get("surveys", query_string={"status": "draft"}).json["items"]] == [draft]
    assert_error(mod.get("surveys", query_string={"status": "finished"}), 422, "validation_error")


# --- answering ---------------------------------------------------------------------------------


def test_member_answers_once(app, api, people):
    survey_id = make_survey(app, people["mod"])
    ann = api.as_user(people["ann"])
    response = ann.post(f"surveys/{survey_id}/responses", json={"answers": full_answers(app, survey_id)})
    assert response.status_code == 201, response.json
    assert response.json["completed"] is True and response.json["completed_on"] == utcnow().date().isoformat()
    again = ann.post(f"surveys/{survey_id}/responses", json={"answers": full_answers(app, survey_id)})
    assert_error(again, 409, "already_answered")
    assert ann.get(f"surveys/{survey_id}").json["completed"] is True


def test_closed_surveys_take_no_answers(app, api, people):
    survey_id = make_survey(app, people["mod"])
    api.as_user(people["mod"]).post(f"surveys/{survey_id}/close")
    answers = {"answers": full_answers(app, survey_id)}
    assert_error(api.as_user(people["ann"]).post(f"surveys/{survey_id}/responses", json=answers),
                 409, "survey_closed")


def test_a_passed_closing_time_counts_as_closed_before_the_job_runs(app, api, people):
    survey_id = make_survey(app, people["mod"], closes_at=(utcnow() + timedelta(hours=1)).isoformat())
    backdate_close(app, survey_id)
    ann = api.as_user(people["ann"])
    assert ann.get(f"surveys/{survey_id}").json["status"] == "closed"
    assert ann.get("surveys").json["total"] == 0
    assert_error(ann.post(f"surveys/{survey_id}/responses", json={"answers": full_answers(app, survey_id)}),
                 409, "survey_closed")
    assert api.as_user(people["mod"]).get("surveys", query_string={"status": "closed"}).json["total"] == 1
    # the scheduled job stores the close, with the closing time as the end
    job = next(job for job in JOBS if job.name == "surveys.close_due")
    with app.app_context():
        assert job.function()(utcnow()) == 1
        assert job.function()(utcnow()) == 0
        survey = db.session.get(Survey, survey_id)
        assert survey.status == "closed" and survey.closed_at == survey.closes_at


def test_moderator_outside_the_audience_reads_but_cannot_answer(app, api, people):
    survey_id = make_survey(app, people["mod"], audience="departments", departments=["Finance"])
    mod = api.as_user(people["mod"])
    assert mod.get(f"surveys/{survey_id}").status_code == 200
    assert_error(mod.post(f"surveys/{survey_id}/responses", json={"answers": full_answers(app, survey_id)}),
                 403, "forbidden")


def _answer_error(app, api, people, survey_id, answers) -> dict:
    response = api.as_user(people["ann"]).post(f"surveys/{survey_id}/responses", json={"answers": answers})
    return assert_error(response, 422, "validation_error")


@pytest.mark.parametrize(("index", "answer"), [
    (0, {"rating": 6}), (0, {"rating": 0}), (0, {"rating": "4"}), (0, {"rating": True}), (0, {"rating": 3.5}),
    (1, {"choices": [0, 1]}), (1, {"choices": [2]}), (1, {"choices": "0"}), (1, {"choices": [-1]}),
    (2, {"choices": [0, 0]}), (3, {"text": "x" * 5001}), (3, {"text": 12}), (3, {"text": "nul\x00"}),
])
def test_invalid_answers_are_refused_naming_the_question(app, api, people, index, answer):
    survey_id = make_survey(app, people["mod"])
    answers = full_answers(app, survey_id)
    answers[index] = {"question_id": answers[index]["question_id"], **answer}
    error = _answer_error(app, api, people, survey_id, answers)
    assert f"question_{answers[index]['question_id']}" in error["fields"]
    assert f"Question {index + 1} (“{SURVEY_QUESTIONS[index]['prompt']}”)" in error["message"]
    with app.app_context():
        assert db.session.scalar(select(SurveyCompletion.user_id)) is None  # nothing stored


def test_required_questions_need_answers_and_optional_ones_may_be_skipped(app, api, people):
    survey_id = make_survey(app, people["mod"])
    rating_q, single_q, _multiple_q, _text_q = question_ids(app, survey_id)
    error = _answer_error(app, api, people, survey_id, [{"question_id": rating_q, "rating": 3}])
    assert error["fields"] == {f"question_{single_q}": "needs an answer"}
    assert error["message"] == "Question 2 (“Which office?”) needs an answer."
    ok = api.as_user(people["ann"]).post(f"surveys/{survey_id}/responses", json={"answers": [
        {"question_id": rating_q, "rating": 3}, {"question_id": single_q, "choices": [0]},
        {"question_id": _text_q, "text": "   "}]})
    assert ok.status_code == 201, ok.json
    with app.app_context():
        assert len(db.session.scalars(select(SurveyAnswer)).all()) == 2  # blanks are not stored


def test_answers_must_name_questions_of_the_survey(app, api, people):
    survey_id = make_survey(app, people["mod"])
    other = make_survey(app, people["mod"])
    answers = full_answers(app, survey_id)
    foreign = {"question_id": question_ids(app, other)[0], "rating": 3}
    assert "answers" in _answer_error(app, api, people, survey_id, [*answers, foreign])["fields"]
    assert "answers" in _answer_error(app, api, people, survey_id, [*answers, answers[0]])["fields"]
    assert "answers" in _answer_error(app, api, people, survey_id, [{"question_id": "1"}])["fields"]
    ann = api.as_user(people["ann"])
    not_a_list = {"answers": "all good"}
    assert_error(ann.post(f"surveys/{survey_id}/responses", json=not_a_list), 422, "validation_error")
    assert_error(ann.post(f"surveys/{survey_id}/responses", json={}), 422, "validation_error")
    assert_error(ann.post("surveys/99999999999/responses", json={"answers": []}), 404, "not_found")


def test_concurrent_submissions_by_one_member_store_one_response(app, people):
    survey_id = make_survey(app, people["mod"])
    answers = full_answers(app, survey_id)

    def submit() -> str:
        try:
            response_actions.submit_response(people["ann"], survey_id, answers)
        except Conflict as exc:
            return exc.code
        return "ok"

    outcomes = run_together(app, [submit] * 6)
    assert sorted(outcomes) == ["already_answered"] * 5 + ["ok"], outcomes
    with app.app_context():
        assert len(db.session.scalars(select(SurveyCompletion.user_id)).all()) == 1
        assert len(db.session.scalars(select(SurveyResponse.id)).all()) == 1


# --- results and CSV ---------------------------------------------------------------------------


def test_results_count_average_and_rate(app, api, people):
    survey_id = make_survey(app, people["mod"])
    answer_survey(app, people["ann"], survey_id, full_answers(app, survey_id, rating=5, text="Loved it"))
    answer_survey(app, people["ben"], survey_id, full_answers(app, survey_id, rating=2, text="Too long"))
    assert_error(api.as_user(people["ann"]).get(f"surveys/{survey_id}/results"), 403, "forbidden")
    body = api.as_user(people["mod"]).get(f"surveys/{survey_id}/results").json
    assert body["audience_size"] == 6 and body["response_count"] == 2
    assert body["response_rate"] == round(2 / 6, 4)
    assert body["responses_per_day"] == [{"day": utcnow().date().isoformat(), "count": 2}]
    rating, single, multiple, text = body["questions"]
    assert rating["counts"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1} and rating["average"] == 3.5
    assert [c["count"] for c in single["counts"]] == [0, 2] and single["counts"][1]["label"] == "South"
    assert [c["count"] for c in multiple["counts"]] == [2, 0, 2] and multiple["answered"] == 2
    assert sorted(text["texts"]) == ["Loved it", "Too long"]


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))


def test_csv_of_a_named_survey_names_respondents_and_quotes_text(app, api, people):
    survey_id = make_survey(app, people["mod"], anonymous=False)
    tricky = 'Fine, mostly.\nBut "the wiki" is, well, old'
    answer_survey(app, people["ann"], survey_id, full_answers(app, survey_id, text=tricky))
    answer_survey(app, people["ben"], survey_id, full_answers(app, survey_id, rating=1, text="=SUM(A1)"))
    response = api.as_user(people["mod"]).get(f"surveys/{survey_id}/results.csv")
    header, *rows = _csv(response)
    assert header == ["Q1. How useful was onboarding?", "Q2. Which office?", "Q3. Which tools do you use?",
                      "Q4. Anything else?", "submitted_on", "respondent"]
    assert rows[0] == ["4", "South", "Excel; Slack", tricky, utcnow().date().isoformat(), "ann"]
    assert rows[1][3] == "'=SUM(A1)" and rows[1][5] == "ben"  # a formula is not run by spreadsheets
    assert '"Fine, mostly.\nBut ""the wiki"" is, well, old"' in response.get_data().decode("utf-8-sig")


def test_csv_of_an_anonymous_survey_has_no_respondent_column(app, api, people):
    survey_id = make_survey(app, people["mod"])
    for name in ("ann", "ben", "cat"):
        answer_survey(app, people[name], survey_id, full_answers(app, survey_id, text=f"from {name}"))
    header, *rows = _csv(api.as_user(people["mod"]).get(f"surveys/{survey_id}/results.csv"))
    assert header[-1] == "submitted_on" and "respondent" not in header
    assert len(rows) == 3 and all(len(row) == 5 for row in rows)
    with app.app_context():
        ids = list(db.session.scalars(select(SurveyResponse.id).order_by(SurveyResponse.id)))
        by_id = {r.id: r.answers for r in db.session.scalars(select(SurveyResponse))}
    texts = [next(a.text for a in by_id[i] if a.text) for i in ids]
    assert [row[3] for row in rows] == texts  # ordered by the random response id
    assert_error(api.as_user(people["ann"]).get(f"surveys/{survey_id}/results.csv"), 403, "forbidden")


# --- anonymity ---------------------------------------------------------------------------------


def test_nothing_pairs_an_anonymous_response_with_its_respondent(app, api, auth, client, people):
    """As an admin, after several members answer: no API answer, page, CSV, event, notification,
    audit row or stored column links a response to the member who gave it."""
    survey_id = make_survey(app, people["mod"])
    members = [make_user(app, f"respondent_{n}_qx") for n in range(4)]
    with app.app_context():
        events_before = db.session.scalar(select(db.func.max(Event.id))) or 0
        notes_before = db.session.scalar(select(db.func.count(Notification.id)))
        audits_before = db.session.scalar(select(db.func.count(AuditEntry.id)))
    for n, member in enumerate(members):
        response = api.as_user(member).post(f"surveys/{survey_id}/responses", json={
            "answers": full_answers(app, survey_id, rating=n + 1, text=f"opinion number {n}")})
        assert response.status_code == 201
        assert not {"response_id", "respondent", "submitted_at"} & set(response.json), response.json
    with app.app_context():
        responses = db.session.scalars(select(SurveyResponse)).all()
        assert len(responses) == 4
        assert all(r.respondent_id is None and r.submitted_at is None for r in responses)
        assert all(len(r.id) == 32 and int(r.id, 16) >= 0 for r in responses)
        assert len({r.id for r in responses}) == 4
        completions = db.session.scalars(select(SurveyCompletion)).all()
        assert sorted(c.user_id for c in completions) == sorted(m.id for m in members)
        assert {c.completed_on for c in completions} == {utcnow().date()}
        # the stored columns: completions carry only member + day; responses no one and no time
        assert set(SurveyCompletion.__table__.columns.keys()) == {"survey_id", "user_id", "completed_on"}
        assert set(SurveyResponse.__table__.columns.keys()) == {"id", "survey_id", "respondent_id",
                                                                 "submitted_on", "submitted_at"}
        assert set(SurveyAnswer.__table__.columns.keys()) == {"response_id", "question_id", "rating",
                                                               "choices", "text"}
        # answering wrote no event, notification or audit row
        assert (db.session.scalar(select(db.func.max(Event.id))) or 0) == events_before
        assert db.session.scalar(select(db.func.count(Notification.id))) == notes_before
        assert db.session.scalar(select(db.func.count(AuditEntry.id))) == audits_before
    admin = api.as_user(people["admin"])
    assert auth.login("boss").status_code == 302
    seen = " ".join([
        admin.get(f"surveys/{survey_id}/results").get_data(as_text=True),
        admin.get(f"surveys/{survey_id}").get_data(as_text=True),
        admin.get("surveys").get_data(as_text=True),
        admin.get(f"surveys/{survey_id}/results.csv").get_data(as_text=True),
        admin.get("audit-log").get_data(as_text=True),
        admin.get("notifications").get_data(as_text=True),
        client.get(f"/surveys/{survey_id}/results").get_data(as_text=True),
        client.get(f"/surveys/{survey_id}").get_data(as_text=True),
        client.get("/surveys").get_data(as_text=True),
    ])
    assert "opinion number 3" in seen  # the answers are there ...
    for member in members:
        assert member.username not in seen  # ... their authors never are


def test_responses_are_ordered_by_their_random_id_not_by_submission(app, api, people, monkeypatch):
    """Ids come from secrets.token_hex; with ids handed out in descending order, every listing
    shows the last submission first: nothing follows the order in which members answered."""
    descending = iter(f"{n:032x}" for n in (9, 8, 7))
    monkeypatch.setattr(response_actions.secrets, "token_hex", lambda size: next(descending))
    survey_id = make_survey(app, people["mod"])
    for name in ("ann", "ben", "cat"):
        answer_survey(app, people[name], survey_id, full_answers(app, survey_id, text=f"from {name}"))
    mod = api.as_user(people["mod"])
    assert mod.get(f"surveys/{survey_id}/results").json["questions"][3]["texts"] == [
        "from cat", "from ben", "from ann"]
    _header, *rows = _csv(mod.get(f"surveys/{survey_id}/results.csv"))
    assert [row[3] for row in rows] == ["from cat", "from ben", "from ann"]
