"""`community import stackexchange DIR`: a small hand-written dump, re-runs, and the real dump."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from community import create_app, search
from community.actions.stackexchange import import_stackexchange
from community.cli import main
from community.extensions import db
from community.models import ImportedObject, Post, ReputationEntry, Tag, User
from tests.support import ApiClient

SMALL = Path(__file__).parent / "fixtures" / "se_small"
# shared/ sits beside the checkout (here and in CI).
REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "relevance" / "se-dump"


def invoke(app, args: list[str]):
    return app.test_cli_runner().invoke(main, args, obj=ScriptInfo(create_app=lambda: app))


def counts(app) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(select(Post.post_type, func.count()).group_by(Post.post_type))
        result = {kind: n for kind, n in rows}
        result["users"] = db.session.scalar(select(func.count(User.id)))
        result["accepted"] = db.session.scalar(
            select(func.count(Post.id)).where(Post.accepted_answer_id.is_not(None)))
        return result


def run_import(app, directory: Path = SMALL, site: str = "small"):
    with app.app_context():
        return import_stackexchange(str(directory), site=site)


def thread_by_title(api, title: str) -> dict:
    listing = api.get("threads", query_string={"per_page": 100}).json["items"]
    (summary,) = [t for t in listing if t["title"] == title]
    return api.get(f"threads/{summary['id']}").json


def test_the_cli_imports_a_dump_with_users_tags_scores_and_acceptances(app):
    result = invoke(app, ["import", "stackexchange", str(SMALL), "--site", "small"])
    assert result.exit_code == 0, result.output
    assert "4 users" in result.output and "3 questions" in result.output
    assert "4 answers" not in result.output and "3 answers" in result.output  # one orphan
    assert "1 answers whose question is not in the dump" in result.output
    assert counts(app) == {"question": 3, "answer": 3, "users": 5, "accepted": 2}  # + a ghost
    api = ApiClient(app)
    vlookup = thread_by_title(api, "VLOOKUP returns N/A for keys that exist")
    assert vlookup["tags"] == ["excel", "pivot-tables"]
    assert vlookup["score"] == 7 and vlookup["view_count"] == 120
    assert vlookup["created_at"] == "2021-03-01T09:00:00.000Z"
    assert vlookup["answer_count"] == 2 and vlookup["solved"] is True
    accepted = vlookup["answers"][0]
    assert accepted["accepted"] and accepted["score"] == 9
    assert accepted["author"]["display_name"] == "Δημήτρης"
    assert "<script" not in vlookup["body_html"] and "<code>VLOOKUP</code>" in vlookup["body_html"]
    assert "`VLOOKUP`" in vlookup["body"]  # Markdown source, for later edits
    assert vlookup["author"]["username"] == "Ada_Lovelace" and vlookup["last_editor"]
    pivot = thread_by_title(api, "Pivot refresh loses number formats")
    assert pivot["score"] == 1  # +2 -1 from Votes.xml: the post row has no Score
    assert pivot["solved"] is True  # accepted according to Votes.xml
    assert pivot["author"]["display_name"] == "Deleted user"
    unanswered = thread_by_title(api, "Keyboard shortcut for filling a column down")
    assert unanswered["answer_count"] == 0 and unanswered["author"]["username"] == "Community"


def test_imported_users_keep_reputation_as_a_ledger_entry_and_cannot_log_in(app):
    run_import(app)
    with app.app_context():
        names = set(db.session.scalars(select(User.username).where(User.display_name == "Ada Lovelace")))
        assert names == {"Ada_Lovelace", "Ada_Lovelace-11"}
        ada = db.session.scalar(select(User).where(User.username == "Ada_Lovelace"))
        ledger = db.session.scalar(select(func.sum(ReputationEntry.delta))
                                   .where(ReputationEntry.user_id == ada.id))
        assert ada.reputation == 1510 == 1 + ledger
        assert "**notes**" in ada.bio
        tags = set(db.session.scalars(select(Tag.name)))
        assert tags == {"excel", "pivot-tables"}  # "Not A Valid Tag" is skipped
        excel = db.session.scalar(select(Tag).where(Tag.name == "excel"))
        assert excel.question_count == 3
    response = ApiClient(app).post("auth/tokens", {"login": "Ada_Lovelace", "password": "!imported"})
    assert response.status_code == 401


def test_running_the_import_again_adds_nothing(app):
    first = run_import(app)
    before = counts(app)
    second = run_import(app)
    assert counts(app) == before
    assert (second.users, second.questions, second.answers, second.accepted) == (0, 0, 0, 0)
    assert second.skipped == first.users + first.questions + first.answers
    with app.app_context():
        recorded = db.session.scalar(select(func.count()).select_from(ImportedObject))
    assert recorded == 4 + 1 + 3 + 3  # users, the ghost, questions, answers


def test_an_interrupted_import_finishes_on_the_next_run(app, monkeypatch):
    from community.actions import stackexchange

    monkeypatch.setattr(stackexchange.StackExchangeImport, "finish", _interrupt)
    with pytest.raises(KeyboardInterrupt):
        run_import(app)
    monkeypatch.undo()
    assert counts(app)["accepted"] == 0  # acceptances come last
    report = run_import(app)
    assert report.accepted == 2 and report.questions == 0
    assert counts(app) == {"question": 3, "answer": 3, "users": 5, "accepted": 2}


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def test_imported_threads_become_searchable_through_the_event_log(app):
    search.index_pending(app)  # an empty index exists before the import
    run_import(app)
    search.index_pending(app)
    api = ApiClient(app)
    results = api.get("search", query_string={"q": "text to columns"}).json["results"]
    assert [r["title"] for r in results] == ["VLOOKUP returns N/A for keys that exist"]
    solved = api.get("search", query_string={"q": "formats is:solved"}).json["results"]
    assert [r["title"] for r in solved] == ["Pivot refresh loses number formats"]


def test_a_directory_that_is_not_a_dump_is_refused_clearly(app, tmp_path):
    (tmp_path / "Posts.xml").write_text("<posts/>")
    result = invoke(app, ["import", "stackexchange", str(tmp_path)])
    assert result.exit_code != 0
    assert "Users.xml" in result.output and "Traceback" not in result.output


@pytest.mark.skipif(not REAL.is_dir(), reason="the shared relevance data is not available")
def test_the_real_quantum_computing_dump_imports_with_its_counts(database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the big fixture; the small one runs on both")
    from tests.conftest import _test_config

    app = create_app(_test_config(database_url, tmp_path))
    try:
        report = run_import(app, REAL, "quantumcomputing")
        assert (report.questions, report.answers, report.orphans) == (612, 1060, 0)
        assert report.users == 337 and report.tags == 154 and report.links == 305
        assert counts(app)["accepted"] == 389
        with app.app_context():
            answered = db.session.scalar(select(func.sum(Post.answer_count)))
            assert answered == 1060
    finally:
        with app.app_context():
            db.engine.dispose()
