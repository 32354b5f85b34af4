"""The /search page and the "may already answer your question" panel on the ask page."""

from __future__ import annotations

import re

from community import search
from tests.browsing import source_of, text_of
from tests.factories import accept, make_answer, make_thread, make_user
from tests.test_pages import assert_no_inline_script


def _forum(app):
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    thread = make_thread(app, alice, "Pivot table refresh loses number formats",
                         body="After a refresh <script>alert(1)</script> the format resets.",
                         tags=["excel"])
    answer = make_answer(app, bob, thread, "Tick preserve cell formatting in the pivot options.")
    accept(app, alice, thread, answer)
    make_thread(app, bob, "Expense tool rejects my hotel receipt", body="It says too large.")
    search.index_pending(app)
    return thread, answer


def test_the_search_page_shows_results_with_snippets_tabs_and_counts(app, client):
    thread, answer = _forum(app)
    response = client.get("/search?q=refresh")
    assert response.status_code == 200
    page, source = text_of(response), source_of(response)
    assert "Results for" in page and "1 result" in page
    assert "Pivot table refresh loses number formats" in page and "solved" in page
    assert "<mark>refresh</mark>" in source
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in source and "<script>alert" not in source
    for tab in ("All", "Questions", "Answers", "Relevance", "Newest", "Votes"):
        assert re.search(rf">\s*{tab}\s*</a>", source), tab
    assert f'href="/questions/{thread.id}/' in source
    assert "Advanced search" in page and "tag:excel" in page
    assert_no_inline_script(source)
    answers = client.get("/search?q=formatting&type=answer")
    assert "Answer" in text_of(answers) and f"#answer-{answer.id}" in source_of(answers)


def test_the_search_page_offers_a_correction_and_explains_operators(app, client):
    _forum(app)
    response = client.get("/search?q=recept")
    page = text_of(response)
    assert "Did you mean receipt" in page
    assert 'href="/search?q=receipt"' in source_of(response)
    empty = client.get("/search")
    assert empty.status_code == 200
    assert "Advanced search" in text_of(empty) and "<details class=\"card search-help\" open>" in \
        source_of(empty)


def test_a_bad_operator_is_explained_on_the_page(app, client):
    _forum(app)
    response = client.get("/search?q=score:lots")
    assert response.status_code == 422
    assert "score:lots — score must be a whole number" in text_of(response)
    nothing = client.get("/search?q=zzzzqqq")
    assert nothing.status_code == 200 and "Nothing matched" in text_of(nothing)


def test_the_ask_page_has_the_similar_questions_panel(app, client, auth):
    make_user(app, "carol")
    auth.login("carol")
    source = source_of(client.get("/questions/ask"))
    assert 'src="/static/js/similar.js"' in source
    assert "These may already answer your question" in source
    assert re.search(r'data-similar-questions[^>]*data-similar-for="title"', source)
    assert 'aria-live="polite" data-similar-status' in source
    assert_no_inline_script(source)
