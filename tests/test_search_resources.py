"""Search over shared resources (kind ``resource``), and threads found through the resources their
posts link: kept current by the indexer from resource events, checked against the database."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from community import search
from community.actions import resources as resource_actions
from community.actions import search_cursors
from community.actions.resource_previews import PreviewResult, record_preview
from community.models import Role
from community.search import cursors, storage
from community.search.schema import build_schema
from tests.browsing import source_of, text_of
from tests.factories import (
    accept,
    make_answer,
    make_thread,
    make_user,
    rate_resource,
    share_resource,
    vote,
)
from tests.searching import RESULT_FIELDS, found, hits, index
from tests.support import ISO_UTC, ApiClient, assert_error


def edit(app, actor, resource, **changes) -> None:
    with app.app_context():
        resource_actions.edit_resource(actor, resource.id, resource_actions.ResourceChanges(**changes))


def delete(app, actor, resource) -> None:
    with app.app_context():
        resource_actions.delete_resource(actor, resource.id)


def preview(app, resource, **page) -> None:
    with app.app_context():
        record_preview(resource.id, PreviewResult(**page))


@pytest.fixture
def people(app):
    return {name: make_user(app, name) for name in ("alice", "bob", "carol")}


def test_a_shared_resource_is_found_by_its_title_description_tags_and_kind(app, api, people):
    guide = share_resource(app, people["alice"], "https://www.khanacademy.org/statistics/regression",
                           title="Linear regression explained", kind="video", duration_minutes=12,
                           description="Fitting a trend line to noisy quarterly sales.",
                           tags=["excel", "statistics"])
    share_resource(app, people["bob"], "https://example.com/other", title="Unrelated cooking notes",
                   tags=["kitchen"])
    index(app)
    body = found(api, "regression")
    assert (body["total"], body["suggestion"]) == (1, None)
    (result,) = body["results"]
    assert set(result) >= RESULT_FIELDS
    assert (result["type"], result["id"], result["thread_id"]) == ("resource", guide.id, None)
    assert result["title"] == "Linear regression explained"
    assert result["title_html"] == "Linear <mark>regression</mark> explained"
    assert result["url"] == f"/resources/{guide.id}"  # the page here; the shared link is `link`
    assert result["link"] == "https://www.khanacademy.org/statistics/regression"
    assert result["host"] == "khanacademy.org"
    assert (result["kind"], result["tags"], result["duration_minutes"]) == (
        "video", ["excel", "statistics"], 12)
    assert (result["rating_avg"], result["rating_count"]) == (None, 0)
    assert result["shared_by"]["username"] == "alice"
    assert result["votes"] is None and result["score"] > 0 and ISO_UTC.match(result["created_at"])
    assert result["snippet_html"] == "Fitting a trend line to noisy quarterly sales."
    snippet = found(api, "quarterly sales")["results"][0]["snippet_html"]
    assert snippet == "Fitting a trend line to noisy <mark>quarterly</mark> <mark>sales</mark>."
    for q in ("trend line", "tag:excel", "tag:statistics regression", "video", "statistics",
              "user:alice", "khanacademy", '"linear regression"', "regress*",
              "regression after:2000-01-01 before:2999-01-01"):
        assert hits(api, q) == [("resource", guide.id)], q
    for q in ("tag:kitchen regression", "regression before:2000-01-01", "user:bob regression",
              "regression -trend"):
        assert hits(api, q) == [], q


def test_the_search_page_lists_resources_with_kind_rating_and_host(app, client, people):
    guide = share_resource(app, people["alice"], "https://www.exceljet.net/formulas/xlookup",
                           title="XLOOKUP formula walkthrough", kind="tip-sheet",
                           description="Every XLOOKUP argument on one page.", tags=["excel"])
    rate_resource(app, people["bob"], guide, 4)
    thread = make_thread(app, people["carol"], "XLOOKUP returns the wrong row",
                         body="My XLOOKUP picks the first match.")
    index(app)
    response = client.get("/search?q=xlookup")
    assert response.status_code == 200
    page, source = text_of(response), source_of(response)
    assert "2 results" in page
    assert "Resource · Tip sheet" in page and "exceljet.net" in page
    assert "4 out of 5 from 1 rating" in page
    assert f'href="/resources/{guide.id}"' in source and f'href="/questions/{thread.id}/' in source
    assert "<mark>XLOOKUP</mark> formula walkthrough" in source
    assert re.search(r">\s*Resources\s*</a>", source)
    assert "is:resource" in page  # the advanced-search panel explains it
    only = client.get("/search?q=xlookup&type=resource")
    assert "1 result" in text_of(only) and f'href="/resources/{guide.id}"' in source_of(only)
    assert f"/questions/{thread.id}" not in source_of(only)


def test_type_resource_and_is_resource_restrict_to_resources(app, api, people):
    alice, bob = people["alice"], people["bob"]
    thread = make_thread(app, alice, "Gantt chart template for a project plan",
                         body="Which Gantt template do you use?", tags=["planning"])
    answer = make_answer(app, bob, thread, "The Gantt chart in the PMO folder is fine.")
    accept(app, alice, thread, answer)
    vote(app, bob, thread, 1)
    guide = share_resource(app, bob, "https://example.com/gantt", title="Gantt charts in a spreadsheet",
                           tags=["planning"])
    index(app)
    assert sorted(hits(api, "gantt")) == sorted([("thread", thread.id), ("resource", guide.id)])
    assert hits(api, "gantt", type="resource") == [("resource", guide.id)]
    assert hits(api, "gantt is:resource") == [("resource", guide.id)]
    assert hits(api, "gantt is:resource", type="resource") == [("resource", guide.id)]
    assert hits(api, "gantt is:resource", type="thread") == []
    assert hits(api, "gantt", type="thread") == [("thread", thread.id)]
    assert hits(api, "gantt", type="answer") == [("answer", answer.id)]
    assert hits(api, "gantt is:question") == [("thread", thread.id)]
    assert hits(api, "is:resource") == [("resource", guide.id)]  # a filter alone lists them
    assert sorted(hits(api, "tag:planning")) == sorted([("thread", thread.id), ("resource", guide.id)])
    # accepted answers and votes are the posts': those filters leave resources out, never fail
    for q in ("gantt is:solved", "gantt score:1", "gantt score:-5"):
        assert hits(api, q) == [("thread", thread.id)], q
        assert hits(api, q, type="resource") == [] and hits(api, q + " is:resource") == [], q
    assert hits(api, "gantt is:unsolved") == []
    assert ("resource", guide.id) in hits(api, "gantt -tag:excel")  # an exclusion keeps them
    assert_error(api.get("search", query_string={"q": "is:resources"}), 422, "validation_error")


def test_a_deleted_resource_disappears(app, api, people):
    alice = people["alice"]
    gone = share_resource(app, alice, "https://example.com/old-okr", title="OKR worksheet, old version")
    kept = share_resource(app, alice, "https://example.com/okr", title="OKR worksheet")
    index(app)
    assert sorted(hits(api, "okr")) == sorted([("resource", gone.id), ("resource", kept.id)])
    delete(app, alice, gone)
    assert hits(api, "okr") == [("resource", kept.id)]  # before the indexer runs: the database hides it
    index(app)
    assert hits(api, "okr") == [("resource", kept.id)]
    assert found(api, "version")["total"] == 0
    moderator = make_user(app, "mod", role=Role.MODERATOR)
    assert hits(api.as_user(moderator), "okr") == [("resource", kept.id)]  # never shown, to anyone


def test_an_edited_resource_is_found_by_its_new_words_not_the_old(app, api, people):
    alice = people["alice"]
    guide = share_resource(app, alice, "https://example.com/onboarding", title="Onboarding checklist",
                           description="Day one tasks.", tags=["hr"])
    index(app)
    assert hits(api, "checklist") == [("resource", guide.id)]
    edit(app, alice, guide, title="Orientation playbook", description="First week agenda.",
         tags=["people-ops"], kind="course")
    index(app)
    for q in ("orientation", "playbook", "agenda", "tag:people-ops", "course"):
        assert hits(api, q) == [("resource", guide.id)], q
    for q in ("checklist", "onboarding", "tag:hr"):
        assert found(api, q)["total"] == 0, q


def test_a_fetched_page_is_searchable_and_finds_the_threads_linking_it(app, api, client, people):
    alice, bob = people["alice"], people["bob"]
    url = "https://example.com/forecasting-guide"
    guide = share_resource(app, alice, url, title="Forecasting guide", description="A primer.")
    thread = make_thread(app, bob, "How should I forecast next quarter?",
                         body=f"I started with [this guide]({url}).")
    make_answer(app, alice, thread, f"The same [guide]({url}) has a worked example; see section 3.")
    other = make_thread(app, bob, "Unrelated: conference room booking", body="Who books rooms?")
    index(app)
    assert found(api, "holt winters")["total"] == 0
    preview(app, guide, title="Forecasting: principles and practice",
            description="A free textbook on forecasting methods.",
            text="Holt-Winters exponential smoothing handles trend and seasonality together.")
    index(app)
    body = found(api, "holt winters")
    results = {(r["type"], r["id"]): r for r in body["results"]}
    assert sorted(results) == sorted([("resource", guide.id), ("thread", thread.id)])
    assert body["total"] == 2  # the thread appears once, though two of its posts link the guide
    assert "<mark>Holt</mark>-<mark>Winters</mark>" in results[("resource", guide.id)]["snippet_html"]
    assert "<mark>Holt</mark>-<mark>Winters</mark>" in results[("thread", thread.id)]["snippet_html"]
    assert hits(api, "exponential smoothing", type="thread") == [("thread", thread.id)]
    assert hits(api, "seasonality", type="resource") == [("resource", guide.id)]
    assert hits(api, "textbook") == [("resource", guide.id), ("thread", thread.id)]  # own text first
    assert hits(api, "seasonality is:question") == []  # the question's own words only
    assert f'href="/questions/{thread.id}/' in source_of(client.get("/search?q=seasonality"))
    assert ("thread", other.id) not in hits(api, "seasonality")
    delete(app, alice, guide)  # the threads stop carrying a deleted resource's text
    index(app)
    assert found(api, "seasonality")["total"] == 0
    assert hits(api, "forecast") == [("thread", thread.id)]


def test_a_thread_is_found_by_the_title_of_a_resource_its_answer_links(app, api, people):
    alice, bob = people["alice"], people["bob"]
    url = "https://example.com/stakeholder-map"
    guide = share_resource(app, alice, url, title="Stakeholder mapping canvas")
    thread = make_thread(app, bob, "Who should I involve in the rollout?", body="A big rollout.")
    index(app)
    assert hits(api, "canvas") == [("resource", guide.id)]
    answer = make_answer(app, alice, thread, f"Start with the [mapping template]({url}).")
    index(app)
    assert sorted(hits(api, "canvas")) == sorted([("resource", guide.id), ("thread", thread.id)])
    with app.app_context():  # the link taken out of the answer: the thread no longer carries it
        from community.actions import answers as answer_actions

        answer_actions.edit_answer(alice, answer.id, "Ask your sponsor first.")
    index(app)
    assert hits(api, "canvas") == [("resource", guide.id)]


def test_resource_text_is_escaped_in_snippets_and_titles(app, api, people):
    guide = share_resource(app, people["alice"], "https://example.com/xss",
                           title="<b>Bold</b> & <script>alert(1)</script> tricks",
                           description="Why <script>alert(2)</script> shows up in my cell")
    index(app)
    (result,) = found(api, "script")["results"]
    assert result["id"] == guide.id
    snippet = result["snippet_html"]
    assert "&lt;<mark>script</mark>&gt;alert(2)" in snippet
    assert set(re.findall(r"</?([a-zA-Z]+)", snippet)) == {"mark"}
    assert result["title"] == "<b>Bold</b> & <script>alert(1)</script> tricks"
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;<mark>script</mark>&gt;" in result["title_html"]
    page = source_of(app.test_client().get("/search?q=script"))
    assert "<script>alert" not in page and "<b>Bold" not in page
    assert "&lt;<mark>script</mark>&gt;alert(2)" in page


def test_better_rated_resources_rank_higher_but_not_above_an_upvoted_thread(app, api, people):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    poor = share_resource(app, alice, "https://example.com/a", title="Cohort analysis in SQL")
    good = share_resource(app, alice, "https://example.com/b", title="Cohort analysis in SQL!")
    for rater in (bob, carol):
        rate_resource(app, rater, good, 5)
        rate_resource(app, rater, poor, 1)
    thread = make_thread(app, carol, "Cohort analysis in SQL", body="Retention by signup month?")
    vote(app, bob, thread, 1)
    index(app)
    assert hits(api, "cohort analysis") == [("thread", thread.id), ("resource", good.id),
                                            ("resource", poor.id)]
    scores = [r["score"] for r in found(api, "cohort analysis")["results"]]
    assert scores == sorted(scores, reverse=True)
    for rater in (bob, carol):  # ratings change: the order follows after the indexer runs
        rate_resource(app, rater, good, 1)
        rate_resource(app, rater, poor, 5)
    index(app)
    assert hits(api, "cohort analysis", type="resource") == [("resource", poor.id), ("resource", good.id)]


def test_did_you_mean_knows_resource_titles(app, api, people):
    share_resource(app, people["alice"], "https://example.com/kanban", title="Kanban board basics")
    index(app)
    assert found(api, "kanban")["suggestion"] is None
    assert found(api, "kamban")["suggestion"] == "kanban"


def test_reindex_includes_resources(app, api, people):
    from flask.cli import ScriptInfo

    from community.cli import main

    alice = people["alice"]
    thread = make_thread(app, alice, "Which survey tool for the pulse check?", body="Options?")
    kept = share_resource(app, alice, "https://example.com/survey", title="Pulse survey tool guide")
    gone = share_resource(app, alice, "https://example.com/survey-old", title="Old survey notes")
    delete(app, alice, gone)
    with app.app_context():
        assert search.count_indexable() == 1 + 1
    result = app.test_cli_runner().invoke(main, ["reindex"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert "Indexed 1 threads, 0 room messages and 1 resources (2 documents)" in result.output
    assert "Indexing posts, room messages and resources" in result.output
    assert sorted(hits(api, "survey")) == sorted([("thread", thread.id), ("resource", kept.id)])
    with app.app_context():
        stats = search.rebuild()
    assert (stats.threads, stats.messages, stats.resources, stats.documents) == (1, 0, 1, 2)


def test_the_same_resource_events_applied_twice_change_nothing(app, api, people):
    alice, bob = people["alice"], people["bob"]
    url = "https://example.com/budget-template"
    first = share_resource(app, alice, url, title="Budget template")
    index(app)
    start = _cursor(app)
    second = share_resource(app, bob, "https://example.com/budget-howto", title="Budget how-to")
    thread = make_thread(app, bob, "Where is the team budget kept?", body=f"Is it [this one]({url})?")
    edit(app, alice, first, title="Budget workbook")  # the thread and the resource, in one batch
    rate_resource(app, bob, first, 5)
    preview(app, first, title="Budget workbook", text="Capital expenditure tab included.")
    index(app)
    expected = sorted([("resource", first.id), ("resource", second.id), ("thread", thread.id)])
    assert sorted(hits(api, "budget")) == expected
    for _ in range(2):  # replay the same events, as after a crash before the cursor was saved
        _set_cursor(app, start)
        index(app)
        body = found(api, "budget")
        assert sorted((r["type"], r["id"]) for r in body["results"]) == expected
        assert body["total"] == 3
        assert hits(api, "capital expenditure") == [("resource", first.id), ("thread", thread.id)]
    with app.app_context():  # no duplicate documents either
        every = search.find(search.parse_query("is:resource"), frozenset({"resource"}))
        assert sorted(hit.post_id for hit in every.hits) == sorted([first.id, second.id])
        assert every.total == 2
        threads = search.find(search.parse_query("capital"), frozenset({"thread"}))
        assert [hit.post_id for hit in threads.hits] == [thread.id] and threads.total == 1


def test_a_resource_is_searchable_within_two_seconds_of_sharing(make_app, people):
    app = make_app(INDEXER="thread")
    app.test_client().get("/")  # the first request starts the indexer
    indexer = search.indexer_thread(app)
    try:
        index(app)  # the index exists already (first build not timed)
        start = time.monotonic()
        guide = share_resource(app, people["alice"], "https://example.com/axolotl",
                               title="Axolotl care sheet")
        while time.monotonic() - start < 2 and hits(ApiClient(app), "axolotl") != [("resource", guide.id)]:
            time.sleep(0.05)
        assert hits(ApiClient(app), "axolotl") == [("resource", guide.id)]
        assert time.monotonic() - start < 2
    finally:
        indexer.stop()


def test_an_index_built_before_resources_were_indexed_is_rebuilt(app, api, people, monkeypatch):
    guide = share_resource(app, people["alice"], "https://example.com/legacy", title="Gazebo assembly")
    root = Path(app.config["SEARCH_DIR"])
    old_schema = build_schema()
    for name in ("r_title", "r_body", "r_tag_words", "r_links", "r_pairs", "r_page", "rating",
                 "linked_resources"):
        old_schema.remove(name)
    with app.app_context():
        monkeypatch.setattr(storage, "SCHEMA", old_schema)  # a generation of the previous release
        name, _ = storage.create_generation(root)
        monkeypatch.undo()
        storage.swap_in(root, name)
        search_cursors.write_cursor(name, cursors.latest_event_id())
    index(app)  # the indexer notices the older schema and rebuilds from the database
    assert _generation(app) != name
    assert hits(api, "gazebo") == [("resource", guide.id)]


def _generation(app) -> str:
    return storage.current_generation(Path(app.config["SEARCH_DIR"]))


def _cursor(app) -> int:
    with app.app_context():
        return cursors.read_cursor(_generation(app))


def _set_cursor(app, event_id: int) -> None:
    with app.app_context():
        search_cursors.write_cursor(_generation(app), event_id)
