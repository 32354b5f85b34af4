"""Survey pages: the list, the builder as a plain form, answering, the results with charts and
tables, the home page box, and the account menu link."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from community.extensions import db
from community.models import Role, Survey, SurveyCompletion
from tests.factories import answer_survey, make_survey, make_user, set_department
from tests.support import csrf_token_from


@pytest.fixture
def people(app):
    users = {name: make_user(app, name) for name in ("ann", "ben")}
    users["mod"] = make_user(app, "mod", role=Role.MODERATOR)
    return users


def question_ids(app, survey_id: int) -> list[int]:
    with app.app_context():
        return [q.id for q in db.session.get(Survey, survey_id).questions]


def form_post(client, path: str, data: dict, page: str | None = None):
    token = csrf_token_from(client.get(page or path).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def test_pages_need_a_login(client, app, people):
    survey_id = make_survey(app, people["mod"])
    for path in ("/surveys", "/surveys/new", f"/surveys/{survey_id}", f"/surveys/{survey_id}/results"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_members_get_no_builder_and_no_results(client, auth, app, people):
    survey_id = make_survey(app, people["mod"])
    auth.login("ann")
    assert client.get("/surveys/new").status_code == 403
    assert client.get(f"/surveys/{survey_id}/results").status_code == 403
    assert "New survey" not in client.get("/surveys").get_data(as_text=True)


def test_builder_works_as_a_plain_form(client, auth, app, people):
    auth.login("mod")
    page = client.get("/surveys/new").get_data(as_text=True)
    assert 'name="q-0-prompt"' in page and 'src="/static/js/surveys.js"' in page
    # "Add a question" without JavaScript: the form comes back with one more question, nothing saved
    more = form_post(client, "/surveys/new", {"title": "Team pulse", "q-0-kind": "rating",
                                              "q-0-prompt": "How is it going?", "add_question": "1"})
    assert more.status_code == 200
    html = more.get_data(as_text=True)
    assert 'name="q-1-prompt"' in html and 'value="How is it going?"' in html
    response = form_post(client, "/surveys/new", {
        "title": "Team pulse", "description": "Quick one.", "anonymous": "1", "audience": "departments",
        "departments": "Finance, Sales ", "closes_at": "2099-01-01T17:00",
        "q-0-kind": "rating", "q-0-prompt": "How is it going?", "q-0-required": "1",
        "q-1-kind": "text", "q-1-prompt": "", "q-1-options": "",  # an empty question is left out
        "q-2-kind": "single", "q-2-prompt": "Office?", "q-2-options": "North\r\n\r\nSouth\r\n",
        "q-2-required": "1"},
        page="/surveys/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        survey = db.session.scalars(select(Survey)).one()
        assert (survey.title, survey.status, survey.anonymous, survey.audience) == (
            "Team pulse", "draft", True, "departments")
        assert survey.departments == '["Finance", "Sales"]' and survey.closes_at.year == 2099
        assert [(q.kind, q.prompt, q.options) for q in survey.questions] == [
            ("rating", "How is it going?", "[]"), ("single", "Office?", '["North", "South"]')]
        survey_id = survey.id
    assert response.headers["Location"].endswith(f"/surveys/{survey_id}")
    # edit: questions are replaced; an invalid question is marked on its own row
    bad = form_post(client, f"/surveys/{survey_id}/edit", {
        "title": "Team pulse", "audience": "everyone", "q-0-kind": "text", "q-0-prompt": "Fine?",
        "q-3-kind": "single", "q-3-prompt": "Pick one", "q-3-options": "Only one"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'id="q-1-options-error"' in html  # the rows come back renumbered in order
    assert "must be a list of 2-20 choices" in html
    ok = form_post(client, f"/surveys/{survey_id}/edit", {
        "title": "Team pulse", "audience": "everyone", "q-0-kind": "text", "q-0-prompt": "Fine?"})
    assert ok.status_code == 302
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        assert [q.prompt for q in survey.questions] == ["Fine?"] and survey.anonymous is False


def test_open_close_and_delete_buttons(client, auth, app, people):
    survey_id = make_survey(app, people["mod"], open_=False)
    auth.login("mod")
    page = client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    assert "Open and notify the audience" in page
    here = f"/surveys/{survey_id}"
    assert form_post(client, f"{here}/open", {}, page=here).status_code == 302
    assert client.get(f"/surveys/{survey_id}/edit").status_code == 409
    assert form_post(client, f"{here}/close", {}, page=here).status_code == 302
    assert "This survey is closed" in client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    refused = form_post(client, f"/surveys/{survey_id}/delete", {}, page=f"/surveys/{survey_id}")
    assert refused.status_code == 403  # only admins delete a survey that was opened
    draft = make_survey(app, people["mod"], open_=False)
    gone = form_post(client, f"/surveys/{draft}/delete", {}, page=f"/surveys/{draft}")
    assert gone.status_code == 302 and client.get(f"/surveys/{draft}").status_code == 404


def test_forms_need_the_csrf_token(client, auth, app, people):
    survey_id = make_survey(app, people["mod"])
    auth.login("ann")
    response = client.post(f"/surveys/{survey_id}", data={f"question_{question_ids(app, survey_id)[0]}": "4"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(SurveyCompletion.user_id)) is None


def test_member_answers_through_the_form_and_sees_thanks(client, auth, app, people):
    survey_id = make_survey(app, people["mod"])
    rating_q, single_q, multiple_q, text_q = question_ids(app, survey_id)
    auth.login("ann")
    page = client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    assert f'name="question_{rating_q}"' in page and "Send my answers" in page
    missing = form_post(client, f"/surveys/{survey_id}", {f"question_{rating_q}": "4"})
    assert missing.status_code == 422
    html = missing.get_data(as_text=True)
    assert f'id="question_{single_q}-error"' in html and "needs an answer" in html
    assert re.search(rf'name="question_{rating_q}" value="4"[^>]*checked', html)  # what was chosen stays
    bad = form_post(client, f"/surveys/{survey_id}",
                    {f"question_{rating_q}": "nine", f"question_{single_q}": "0"})
    assert bad.status_code == 422
    done = form_post(client, f"/surveys/{survey_id}", {
        f"question_{rating_q}": "4", f"question_{single_q}": "1", f"question_{multiple_q}": ["0", "2"],
        f"question_{text_q}": "All good"})
    assert done.status_code == 302
    thanks = client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    assert "You answered this survey on" in thanks and "Send my answers" not in thanks
    again = form_post(client, f"/surveys/{survey_id}",
                      {f"question_{rating_q}": "4", f"question_{single_q}": "1"}, page="/surveys")
    assert again.status_code == 409
    listing = client.get("/surveys").get_data(as_text=True)
    assert "Answered" in listing and "You answered on" in listing


def test_outsiders_get_404_pages(client, auth, app, people):
    set_department(app, people["ann"], "Finance")
    survey_id = make_survey(app, people["mod"], audience="departments", departments=["finance"])
    draft = make_survey(app, people["mod"], open_=False)
    auth.login("ben")
    assert client.get(f"/surveys/{survey_id}").status_code == 404
    assert client.get(f"/surveys/{draft}").status_code == 404
    assert "No surveys for you right now" in client.get("/surveys").get_data(as_text=True)


def test_results_page_has_charts_tables_and_the_csv_link(client, auth, app, people):
    survey_id = make_survey(app, people["mod"])
    rating_q, single_q, _multiple_q, text_q = question_ids(app, survey_id)
    answers = [{"question_id": rating_q, "rating": 5}, {"question_id": single_q, "choices": [0]},
               {"question_id": text_q, "text": "<b>bold</b> & honest"}]
    answer_survey(app, people["ann"], survey_id, answers)
    auth.login("mod")
    html = client.get(f"/surveys/{survey_id}/results").get_data(as_text=True)
    assert html.count('role="img"') == 4  # the response rate and the three charted questions
    title = f'<title id="question-{rating_q}-chart-title">Answers to: How useful was onboarding?</title>'
    assert title in html
    assert "<desc" in html and "1: 0 (0%); 2: 0 (0%); 3: 0 (0%); 4: 0 (0%); 5: 1 (100%)." in html
    assert "<caption" in html and "Responses per UTC day" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; honest" in html and "<b>bold</b>" not in html
    assert f'href="/api/v1/surveys/{survey_id}/results.csv"' in html
    assert "average 5.00 out of 5" in html
    csv_response = client.get(f"/api/v1/surveys/{survey_id}/results.csv")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"


def test_home_page_box_lists_pending_surveys_for_members_only(client, auth, app, people):
    survey_id = make_survey(app, people["mod"], title="Quarterly pulse")
    anonymous = client.get("/").get_data(as_text=True)
    assert "Surveys for you" not in anonymous
    auth.login("ann")
    home = client.get("/").get_data(as_text=True)
    assert "Surveys for you" in home and f'href="/surveys/{survey_id}"' in home
    assert 'href="/surveys">Surveys</a>' in home  # the account menu link
    answer_survey(app, people["ann"], survey_id, [
        {"question_id": question_ids(app, survey_id)[0], "rating": 3},
        {"question_id": question_ids(app, survey_id)[1], "choices": [0]}])
    assert "Surveys for you" not in client.get("/").get_data(as_text=True)


def test_home_page_box_costs_one_query(client, auth, app, people):
    from sqlalchemy import event

    for _ in range(3):
        make_survey(app, people["mod"])
    auth.login("ann")
    client.get("/")
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert "Surveys for you" in client.get("/").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    survey_reads = [s for s in statements if "survey" in s.lower()]
    assert len(survey_reads) == 1, survey_reads
