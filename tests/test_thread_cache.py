"""The per-process thread cache (community/web/thread_cache.py): the thread JSON and the anonymous
thread page are reused only while the thread has no new event, never go stale after a write,
and never hand one viewer's view of hidden or deleted content to another."""

from __future__ import annotations

import re

import pytest

from community.actions import answers as answer_actions
from community.actions import flags as flag_actions
from community.actions import moderation as moderation_actions
from community.actions import threads as thread_actions
from community.models import Role
from community.web.thread_cache import thread_cache
from tests.factories import accept, make_answer, make_thread, make_user, vote
from tests.support import ApiClient, AuthActions


@pytest.fixture
def app(make_app):
    return make_app(THREAD_CACHE_SECONDS=60)  # long enough that only versions end entries here


@pytest.fixture
def people(app):
    return {name: make_user(app, name) for name in ("asker", "ben", "cleo")} | {
        "mod": make_user(app, "mod", role=Role.MODERATOR)}


@pytest.fixture
def qa(app, people):
    thread = make_thread(app, people["asker"], "Why does the mesh solver diverge?", tags=["cfd"])
    answer = make_answer(app, people["ben"], thread, "Refine the boundary layer mesh.")
    return thread, answer


def json_of(app, thread_id, viewer=None) -> dict:
    client = ApiClient(app).as_user(viewer) if viewer else ApiClient(app)
    reply = client.get(f"threads/{thread_id}")
    assert reply.status_code == 200
    return reply.json


def page_of(app, thread_id) -> str:
    reply = app.test_client().get(f"/questions/{thread_id}")
    assert reply.status_code == 200
    return reply.get_data(as_text=True)


def warm(app, thread_id) -> None:
    """Store both entries, and prove they are served from the cache from now on."""
    json_of(app, thread_id)
    page_of(app, thread_id)
    kinds = [key[0] for key in thread_cache(app)._entries]
    assert kinds.count("json") == 1 and kinds.count("page") == 1  # (and the page's "aside")


def test_the_cached_json_is_byte_for_byte_what_it_was_built_as(app, make_app, qa, people):
    thread, _ = qa
    uncached = make_app(THREAD_CACHE_SECONDS=0)
    for viewer in (None, people["cleo"], people["ben"]):
        first, again = json_of(app, thread.id, viewer), json_of(app, thread.id, viewer)
        plain = json_of(uncached, thread.id, viewer)
        assert first == again == plain
        assert list(first) == list(plain) and list(first["answers"][0]) == list(plain["answers"][0])


@pytest.mark.parametrize("write", ["answer", "vote", "edit", "edit_question", "accept", "hide", "lock",
                                   "delete", "close"])
def test_every_kind_of_write_ends_the_cached_json_and_page(app, qa, people, write):
    thread, answer = qa
    warm(app, thread.id)
    with app.app_context():
        if write == "answer":
            answer_actions.post_answer(people["cleo"], thread.id, "Lower the CFL number instead.")
        elif write == "vote":
            vote(app, people["cleo"], answer, 1)
        elif write == "edit":
            answer_actions.edit_answer(people["ben"], answer.id, "Refine the wall mesh, then lower CFL.")
        elif write == "edit_question":
            thread_actions.edit_question(people["asker"], thread.id, thread_actions.QuestionChanges(
                title="Why does the mesh solver blow up?"))
        elif write == "accept":
            accept(app, people["asker"], thread, answer)
        elif write == "hide":
            flag_actions.flag_content(people["mod"], flag_actions.FlagDraft("post", answer.id, "spam"))
        elif write == "lock":
            moderation_actions.lock_thread(people["mod"], thread.id, "Heated discussion.")
        elif write == "delete":
            answer_actions.delete_post(people["ben"], answer.id)
        elif write == "close":
            moderation_actions.close_thread(people["mod"], thread.id, "Answered elsewhere.")
    body, page = json_of(app, thread.id), page_of(app, thread.id)
    expected = {
        "answer": lambda: "Lower the CFL number" in page and len(body["answers"]) == 2,
        "vote": lambda: body["answers"][0]["score"] == 1,
        "edit": lambda: "lower CFL" in page and "lower CFL" in body["answers"][0]["body"],
        "edit_question": lambda: "blow up" in page and body["title"].endswith("blow up?"),
        "accept": lambda: body["answers"][0]["accepted"] and body["solved"],
        "hide": lambda: body["answers"][0]["hidden"] and "Refine the boundary" not in page,
        "lock": lambda: body["locked"] and "Heated discussion." in page,
        "delete": lambda: body["answers"] == [] and "Refine the boundary" not in page,
        "close": lambda: body["closed"] and "Answered elsewhere." in page,
    }[write]
    assert expected(), write


def test_unhiding_ends_the_cached_placeholder(app, qa, people):
    thread, answer = qa
    with app.app_context():
        flag = flag_actions.flag_content(people["mod"], flag_actions.FlagDraft("post", answer.id, "spam"))
    warm(app, thread.id)
    assert json_of(app, thread.id)["answers"][0]["body"] == ""
    with app.app_context():
        flag_actions.resolve_flags(people["mod"], flag.id, "approve")
    assert json_of(app, thread.id)["answers"][0]["body"] == "Refine the boundary layer mesh."
    assert "Refine the boundary layer mesh." in page_of(app, thread.id)


def test_a_hidden_answer_is_shown_only_to_its_author_and_moderators_whatever_was_cached(app, qa, people):
    thread, answer = qa
    with app.app_context():
        flag_actions.flag_content(people["mod"], flag_actions.FlagDraft("post", answer.id, "spam"))
    order = [None, people["ben"], people["mod"], people["cleo"], None, people["ben"], people["cleo"]]
    for viewer in order:  # the author's and the moderator's views are built between public ones
        shown = json_of(app, thread.id, viewer)["answers"][0]
        revealed = viewer is not None and viewer.username in ("ben", "mod")
        assert (shown["body"] == "Refine the boundary layer mesh.") is revealed, viewer
    assert "Refine the boundary layer mesh." not in page_of(app, thread.id)


def test_deleted_answers_seen_by_a_moderator_never_reach_other_readers(app, qa, people):
    thread, answer = qa
    with app.app_context():
        answer_actions.delete_post(people["ben"], answer.id)
    assert [a["id"] for a in json_of(app, thread.id, people["mod"])["answers"]] == [answer.id]
    for viewer in (None, people["cleo"], people["ben"]):
        assert json_of(app, thread.id, viewer)["answers"] == []


def test_a_hidden_question_is_never_stored_or_shown_to_others(app, qa, people):
    thread, _ = qa
    warm(app, thread.id)
    with app.app_context():
        flag_actions.flag_content(people["mod"], flag_actions.FlagDraft("post", thread.id, "spam"))
    assert json_of(app, thread.id, people["asker"])["body"] == "Body text."
    assert ApiClient(app).get(f"threads/{thread.id}").status_code == 404
    assert app.test_client().get(f"/questions/{thread.id}").status_code == 404
    assert ApiClient(app).as_user(people["cleo"]).get(f"threads/{thread.id}").status_code == 404


def test_each_viewer_gets_their_own_votes_on_the_shared_payload(app, qa, people):
    thread, answer = qa
    vote(app, people["cleo"], answer, 1)
    json_of(app, thread.id)  # stored by an anonymous reader
    assert json_of(app, thread.id, people["cleo"])["answers"][0]["my_vote"] == 1
    assert json_of(app, thread.id, people["asker"])["answers"][0]["my_vote"] == 0
    assert json_of(app, thread.id)["answers"][0]["my_vote"] == 0


def test_logged_in_pages_are_never_stored_and_anonymous_pages_get_fresh_nonce_and_token(app, qa, people):
    thread, _ = qa
    client = app.test_client()
    AuthActions(client).login("cleo")
    personal = client.get(f"/questions/{thread.id}").get_data(as_text=True)
    assert "cleo" in personal
    assert not [key for key in thread_cache(app)._entries if key[0] == "page"]
    first, second = page_of(app, thread.id), page_of(app, thread.id)
    assert [key for key in thread_cache(app)._entries if key[0] == "page"]
    assert "\x00" not in second
    nonce = re.compile(r'nonce="([^"]+)"')
    token = re.compile(r'name="csrf-token" content="([^"]+)"')
    assert nonce.search(first).group(1) != nonce.search(second).group(1)
    assert token.search(first).group(1) != token.search(second).group(1)
    assert nonce.sub("", token.sub("", first)) == nonce.sub("", token.sub("", second))


def test_a_stored_page_still_accepts_its_forms_csrf_token(app, qa, people):
    """The token put into a reused page is valid for the session it is sent with."""
    thread, _ = qa
    page_of(app, thread.id)
    client = app.test_client()
    page = client.get(f"/questions/{thread.id}").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    reply = client.post("/login", data={"login": "cleo", "password": "correct horse", "csrf_token": token})
    assert reply.status_code in (302, 303)


def test_a_reused_payload_or_page_costs_one_statement_whatever_the_answers(app, qa, people):
    """Reading the thread's gate (visibility and version) is all a reused entry needs; a reader
    who counted their view of the thread today adds nothing."""
    from tests.test_query_counts import steady_count

    thread, _ = qa
    for n in range(19):
        make_answer(app, people["cleo"], thread, f"Answer {n}: check the **mesh** first.")
    browser = app.test_client()
    for path in (f"/api/v1/threads/{thread.id}", f"/questions/{thread.id}"):
        count = steady_count(app, browser, path)
        assert count <= 2, (path, count)  # SQLite adds its BEGIN


def test_view_counts_are_current_in_reused_pages_and_json(app, qa):
    """Page views change no thread version, yet every reader sees the count as it stands."""
    thread, _ = qa
    path = f"/questions/{thread.id}"
    for n, agent in enumerate(["First/1.0", "Second/1.0", "Third/1.0"], start=1):
        page = app.test_client().get(path, headers={"User-Agent": agent}).get_data(as_text=True)
        assert f"<span data-view-count>{n} time{'s' if n > 1 else ''}</span>" in page
        assert json_of(app, thread.id)["view_count"] == n
    again = app.test_client().get(path, headers={"User-Agent": "First/1.0"})  # counted already today
    assert "<span data-view-count>3 times</span>" in again.get_data(as_text=True)
