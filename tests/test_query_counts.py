"""The main pages run a small, constant number of SQL statements: no query per answer, thread,
author or resource, so a thread of 20 answers costs what a thread of 5 does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from community import search
from community.extensions import db
from tests.browsing import text_of
from tests.factories import make_answer, make_thread, make_user, share_resource, vote

# Ceilings per request, steady state (the viewer's view of today is already counted). SQLite also
# counts its BEGIN statements, PostgreSQL does not, so the ceilings fit the larger of the two.
# "thread" 14 -> 15: a member's page reads their watch level for the Watch / Mute control (one
# statement, none for guests).
CEILINGS = {"thread": 15, "thread_json": 5, "home": 8, "library": 7, "search": 9}


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def steady_count(app: Flask, browser: FlaskClient, path: str) -> int:
    """Statements of a request for ``path`` once warm: the first request counts the view, and the
    fewer of the next two is taken because the site-settings cache reloads every few seconds."""
    assert browser.get(path).status_code == 200
    counts = []
    for _ in range(2):
        with statements(app) as seen:
            assert browser.get(path).status_code == 200
        counts.append(len(seen))
    return min(counts)


def grow_thread(app: Flask, thread, answers: int, voter=None) -> None:
    for _ in range(answers):
        answer = make_answer(app, make_user(app), thread, "Check the **mesh** first: `refine()`.")
        if voter is not None:
            vote(app, voter, answer, 1)


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "member"])
def test_the_thread_page_costs_the_same_with_5_or_20_answers(app, client, auth, logged_in):
    asker = make_user(app, "asker", reputation=500)
    thread = make_thread(app, asker, "Why does the mesh refinement diverge?", tags=["cfd", "mesh"])
    viewer = make_user(app, "viewer", reputation=500) if logged_in else None
    if logged_in:
        auth.login("viewer")
    path = f"/questions/{thread.id}"
    grow_thread(app, thread, 5, viewer)
    with_5 = steady_count(app, client, path)
    grow_thread(app, thread, 15, viewer)
    with_20 = steady_count(app, client, path)
    assert with_20 == with_5 <= CEILINGS["thread"]


@pytest.mark.parametrize("viewer", ["giver", "author", "moderator"])
def test_helpful_feedback_costs_the_same_with_5_or_20_answers(app, client, auth, viewer):
    """"Was this helpful?": the giver's own choices and the author's (or a moderator's) aggregates
    of every answer are read in a fixed number of statements, never one per answer."""
    from community.models import Role
    from tests.factories import give_feedback

    author = make_user(app, "author", reputation=500)
    giver = make_user(app, "giver")
    make_user(app, "moderator", role=Role.MODERATOR)
    thread = make_thread(app, make_user(app, "asker"), "Why does the mesh refinement diverge?")

    def grow(count: int) -> None:
        for _ in range(count):
            answer = make_answer(app, author, thread, "Check the **mesh** first: `refine()`.")
            give_feedback(app, giver, answer, False, "Which solver version?")
            give_feedback(app, make_user(app), answer, True)

    auth.login(viewer)
    path = f"/questions/{thread.id}"
    grow(5)
    with_5 = steady_count(app, client, path)
    grow(15)
    with_20 = steady_count(app, client, path)
    page = client.get(path).get_data(as_text=True)
    if viewer == "giver":
        assert page.count('data-helpful-mine="no"') == 20
    else:
        assert page.count("found this helpful") == 20 and page.count("Which solver version?") == 20
    # A moderator's pages also count the open flags (the review queue link): one statement more.
    assert with_20 == with_5 <= CEILINGS["thread"] + (1 if viewer == "moderator" else 0)


def test_thread_json_costs_the_same_with_5_or_20_answers(app, client):
    thread = make_thread(app, make_user(app), "Why does the solver stop early?")
    path = f"/api/v1/threads/{thread.id}"
    grow_thread(app, thread, 5)
    with_5 = steady_count(app, client, path)
    grow_thread(app, thread, 15)
    with_20 = steady_count(app, client, path)
    assert with_20 == with_5 <= CEILINGS["thread_json"]


def test_the_home_page_costs_the_same_with_5_or_20_threads(app, client):
    def ask(count: int) -> None:
        for n in range(count):
            thread = make_thread(app, make_user(app), tags=[f"tag{n % 4}", "shared"])
            make_answer(app, make_user(app), thread)

    ask(5)
    with_5 = steady_count(app, client, "/")
    ask(15)
    with_20 = steady_count(app, client, "/")
    assert with_20 == with_5 <= CEILINGS["home"]


def test_the_resource_library_costs_the_same_with_5_or_20_resources(app, client):
    def share(count: int) -> None:
        for _ in range(count):
            share_resource(app, make_user(app), tags=["cfd"])

    share(5)
    with_5 = steady_count(app, client, "/resources")
    share(15)
    with_20 = steady_count(app, client, "/resources")
    assert with_20 == with_5 <= CEILINGS["library"]


def test_the_search_page_costs_the_same_with_5_or_20_hits(app, client):
    def ask(count: int) -> None:
        for _ in range(count):
            thread = make_thread(app, make_user(app), "How do I refine the mesh near the wall?")
            make_answer(app, make_user(app), thread, "Refine the mesh with inflation layers.")
        search.index_pending(app)

    ask(5)
    with_5 = steady_count(app, client, "/search?q=mesh")
    ask(15)
    with_20 = steady_count(app, client, "/search?q=mesh")
    assert with_20 == with_5 <= CEILINGS["search"]


def test_a_repeat_view_on_the_same_day_writes_nothing(app, client):
    thread = make_thread(app, make_user(app), "Why does the licence server refuse me?")
    path = f"/questions/{thread.id}"
    with statements(app) as first:
        assert "Viewed 1 time" in text_of(client.get(path))
    with statements(app) as again:
        assert "Viewed 1 time" in text_of(client.get(path))
    assert any(s.lstrip().upper().startswith("INSERT INTO THREAD_VIEWS") for s in first)
    assert not any(s.lstrip().upper().startswith(("INSERT", "UPDATE", "BEGIN IMMEDIATE")) for s in again)
    other_browser = app.test_client()
    assert "Viewed 2 times" in text_of(other_browser.get(path, headers={"User-Agent": "Other/1.0"}))
