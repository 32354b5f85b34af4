"""The search index: the indexer tailing the event log, rebuilds, crash recovery, deletions.

Every test gets its own temporary index (SEARCH_DIR under tmp_path) and drives the single writer
explicitly with search.index_pending(); TestConfig turns the in-process indexer thread off.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from community import search
from community.actions import answers as answer_actions
from community.actions import search_cursors
from community.actions import threads as thread_actions
from community.extensions import db
from community.models import Role, SearchCursor
from community.search import storage
from tests.factories import make_answer, make_thread, make_user
from tests.support import ApiClient


def index(app) -> int:
    return search.index_pending(app)


def found(app, q: str, **params) -> dict:
    response = ApiClient(app).get("search", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def ids(app, q: str, **params) -> list[int]:
    return [result["id"] for result in found(app, q, **params)["results"]]


@pytest.fixture
def alice(app):
    return make_user(app, "alice")


@pytest.fixture
def bob(app):
    return make_user(app, "bob")


def test_a_new_question_is_searchable_once_the_indexer_has_run(app, alice):
    thread = make_thread(app, alice, "Forecast template missing from the finance share",
                         body="The quarterly forecast workbook vanished.", tags=["excel"])
    assert ids(app, "forecast") == []  # nothing indexed yet: search reads only the index
    index(app)
    assert ids(app, "forecast") == [thread.id]
    assert ids(app, "quarterly workbook") == [thread.id]  # body words
    assert ids(app, "forecasting") == [thread.id]  # stemming


def test_words_only_in_answers_find_the_thread_once(app, alice, bob):
    thread = make_thread(app, alice, "Our deployment keeps failing at night", body="No clue why.")
    first = make_answer(app, bob, thread, "Kubernetes evicts the pod when memory runs out.")
    second = make_answer(app, alice, thread, "Raising the kubernetes memory limit fixed it.")
    index(app)
    result = found(app, "kubernetes")
    assert result["total"] == 1
    assert [(r["type"], r["id"]) for r in result["results"]] == [("thread", thread.id)]
    assert "<mark>" in result["results"][0]["snippet_html"]  # the snippet comes from an answer
    answers = found(app, "kubernetes", type="answer")["results"]
    assert sorted(r["id"] for r in answers) == sorted([first.id, second.id])
    assert {r["url"] for r in answers} == {f"/questions/{thread.id}#answer-{first.id}",
                                           f"/questions/{thread.id}#answer-{second.id}"}
    assert {r["title"] for r in answers} == {"Our deployment keeps failing at night"}


def test_edits_replace_what_the_index_knows(app, alice, bob):
    thread = make_thread(app, alice, "Spreadsheet crashes when I open it", body="Old body words.")
    answer = make_answer(app, bob, thread, "Try safe mode first.")
    index(app)
    with app.app_context():
        thread_actions.edit_question(alice, thread.id, thread_actions.QuestionChanges(
            title="Workbook crashes when macros are enabled"))
        answer_actions.edit_answer(bob, answer.id, "Disable the broken add-in.")
    index(app)
    assert ids(app, "spreadsheet") == []
    assert ids(app, "macros") == [thread.id]
    assert ids(app, "add-in", type="answer") == [answer.id]
    assert ids(app, "safe mode", type="answer") == []


def test_deleted_posts_never_appear_for_anyone(app, alice, bob):
    moderator = make_user(app, "mod", role=Role.MODERATOR)
    thread = make_thread(app, alice, "Which badge printer do visitors use?", body="Reception asks.")
    answer = make_answer(app, bob, thread, "The zebra printer behind reception.")
    other = make_thread(app, bob, "Printer driver for the third floor", body="Needs a driver.")
    index(app)
    with app.app_context():
        answer_actions.delete_post(bob, answer.id)
    index(app)
    assert ids(app, "zebra") == []
    assert ids(app, "zebra", type="answer") == []
    with app.app_context():
        thread_actions.delete_thread(moderator, thread.id)
    index(app)
    as_moderator = ApiClient(app).as_user(moderator)
    response = as_moderator.get("search", query_string={"q": "printer"})
    assert [r["id"] for r in response.json["results"]] == [other.id]
    assert ids(app, "reception") == []


def test_a_post_deleted_before_the_indexer_runs_is_already_hidden(app, alice):
    thread = make_thread(app, alice, "Temporary question about parking permits", body="Where?")
    index(app)
    with app.app_context():
        thread_actions.delete_thread(alice, thread.id)
    # the index still has it until the indexer runs, but the database has the last word
    result = found(app, "parking")
    assert result["results"] == [] and result["total"] == 0


def test_a_rolled_back_write_never_reaches_the_index(app, alice, monkeypatch):
    from community.actions import threads as module

    def fail(*args, **kwargs):
        raise RuntimeError("crash in the middle of the transaction")

    monkeypatch.setattr(module, "notify_mentions", fail)
    with app.app_context(), pytest.raises(RuntimeError):
        module.ask_question(alice, module.QuestionDraft(
            title="This question was rolled back", body="Phantom text.", tags=[]))
    monkeypatch.undo()
    kept = make_thread(app, alice, "This question was committed", body="Real text.")
    index(app)
    assert ids(app, "question") == [kept.id]
    assert ids(app, "phantom") == []


def test_the_indexer_resumes_from_its_cursor_after_a_crash(app, alice, monkeypatch):
    first = make_thread(app, alice, "Alpha question about holiday rotas", body="First.")
    index(app)
    second = make_thread(app, alice, "Bravo question about holiday rotas", body="Second.")
    # the process dies after the index committed but before the cursor was saved
    monkeypatch.setattr(search_cursors, "write_cursor", _crash)
    with pytest.raises(SystemExit):
        index(app)
    monkeypatch.undo()
    third = make_thread(app, alice, "Charlie question about holiday rotas", body="Third.")
    index(app)  # re-applies the second thread's events: no duplicates, nothing missing
    result = found(app, "holiday rotas")
    assert sorted(r["id"] for r in result["results"]) == sorted([first.id, second.id, third.id])
    assert result["total"] == 3


def test_a_failed_index_write_leaves_the_cursor_and_is_retried(app, alice, monkeypatch):
    from community.search import indexer

    index(app)  # the index exists; from now on changes arrive through the event log
    thread = make_thread(app, alice, "Question the first attempt fails to index", body="Retry.")
    monkeypatch.setattr(indexer, "write_threads", _crash)
    with pytest.raises(SystemExit):
        index(app)
    monkeypatch.undo()
    assert ids(app, "attempt") == []
    index(app)
    assert ids(app, "attempt") == [thread.id]


def _crash(*args, **kwargs):
    raise SystemExit("killed")


def _generation(app) -> str:
    return storage.current_generation(Path(app.config["SEARCH_DIR"]))


def test_rebuild_swaps_in_a_new_generation_and_events_continue(app, alice):
    thread = make_thread(app, alice, "Onboarding checklist for new hires", body="Where is it?")
    index(app)
    before = _generation(app)
    with app.app_context():
        stats = search.rebuild()
    assert stats.generation != before
    assert _generation(app) == stats.generation
    assert (stats.threads, stats.documents) == (1, 1)
    assert ids(app, "onboarding") == [thread.id]
    later = make_thread(app, alice, "Onboarding buddy programme sign-up", body="How?")
    index(app)
    assert sorted(ids(app, "onboarding")) == sorted([thread.id, later.id])
    with app.app_context():
        search.rebuild()
    kept = storage.generations(Path(app.config["SEARCH_DIR"]))
    assert len(kept) == 2 and before not in kept  # the live one and the one it replaced


def test_a_lost_cursor_or_a_reset_database_rebuilds_the_index(app, alice):
    thread = make_thread(app, alice, "Question that survives a lost cursor", body="Text.")
    index(app)
    with app.app_context():
        db.session.query(SearchCursor).delete()
        db.session.commit()
    index(app)
    assert ids(app, "survives") == [thread.id]
    with app.app_context():
        name = storage.current_generation(Path(app.config["SEARCH_DIR"]))
        search_cursors.write_cursor(name, 10**9)  # ahead of the log: the database was restored
    index(app)
    assert ids(app, "survives") == [thread.id]


def test_votes_and_acceptance_reach_the_index(app, alice, bob):
    thread = make_thread(app, alice, "Which VPN profile for the Berlin office?", body="Two exist.")
    answer = make_answer(app, bob, thread, "Use the berlin-staff profile.")
    index(app)
    assert ids(app, "vpn is:solved") == []
    with app.app_context():
        answer_actions.accept_answer(alice, thread.id, answer.id)
    index(app)
    assert ids(app, "vpn is:solved") == [thread.id]
    assert ids(app, "vpn is:unsolved") == []


def test_the_indexer_thread_indexes_new_posts_by_itself(make_app, alice):
    app = make_app(INDEXER="thread")
    app.test_client().get("/")  # the first request starts the indexer
    indexer = search.indexer_thread(app)
    try:
        assert indexer.running
        thread = make_thread(app, alice, "Live indexing picks this question up", body="Soon.")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and ids(app, "live indexing") != [thread.id]:
            time.sleep(0.05)
        assert ids(app, "live indexing") == [thread.id]
    finally:
        indexer.stop()
    assert not indexer.running


def test_the_best_match_wins_even_when_it_comes_last(app, alice):
    """Whoosh's early-termination shortcuts must never drop a top hit found late in the index."""
    for n in range(30):
        make_thread(app, alice, f"Routine question number {n} about printers",
                    body="Mentions toner once.")
    index(app)
    best = make_thread(app, alice, "Toner toner toner: which toner cartridge fits?",
                       body="Toner for the toner-hungry printer.")
    index(app)
    assert ids(app, "toner")[0] == best.id
    response = ApiClient(app).get("threads/similar", query_string={"title": "toner cartridge"})
    assert response.json["results"][0]["id"] == best.id
