"""Threads and answers over the API, and the events each write records."""

from __future__ import annotations

import pytest

from community.models import Role
from tests.factories import accept, make_answer, make_thread, make_user, vote
from tests.support import ANSWER_FIELDS, ENVELOPE_FIELDS, ISO_UTC, THREAD_FIELDS, USER_FIELDS, assert_error

HUGE_ID = 99999999999999999999
TITLE = "How do I freeze the top row in a sheet?"


@pytest.fixture
def alice(app):
    return make_user(app, "alice")


@pytest.fixture
def bob(app):
    return make_user(app, "bob")


@pytest.fixture
def moderator(app):
    return make_user(app, "mod", role=Role.MODERATOR)


def ask(client, title=TITLE, body="I tried **everything**.", tags=None):
    return client.post("threads", {"title": title, "body": body, "tags": tags or []})


# --- creating ------------------------------------------------------------------------------

def test_create_thread_returns_201_and_the_bare_thread(api, alice):
    response = ask(api.as_user(alice), tags=["excel", "c++"])
    assert response.status_code == 201
    thread = response.json
    assert set(thread) >= THREAD_FIELDS
    assert thread["title"] == TITLE
    assert thread["body"] == "I tried **everything**."
    assert "<strong>everything</strong>" in thread["body_html"]
    assert thread["tags"] == ["c++", "excel"]  # the order every read returns
    assert set(thread["author"]) >= USER_FIELDS and thread["author"]["username"] == "alice"
    assert (thread["score"], thread["view_count"], thread["answer_count"]) == (0, 0, 0)
    assert thread["accepted_answer_id"] is None and thread["solved"] is False
    assert thread["url"] == f"/questions/{thread['id']}"
    for stamp in ("created_at", "updated_at", "last_activity_at"):
        assert ISO_UTC.match(thread[stamp]), thread[stamp]
    assert api.get(f"threads/{thread['id']}").json["title"] == TITLE


@pytest.mark.parametrize(("title", "ok"), [("x" * 9, False), ("x" * 10, True), ("x" * 200, True),
                                           ("x" * 201, False), (" " * 12, False)])
def test_title_must_be_10_to_200_characters(api, alice, title, ok):
    response = ask(api.as_user(alice), title=title)
    if ok:
        assert response.status_code == 201
    else:
        assert "title" in assert_error(response, 422, "validation_error")["fields"]


@pytest.mark.parametrize(("body", "ok"), [("", False), ("   \n", False), ("x", True),
                                          ("x" * 30_000, True), ("x" * 30_001, False)])
def test_body_must_be_1_to_30000_characters(api, alice, body, ok):
    response = ask(api.as_user(alice), body=body)
    if ok:
        assert response.status_code == 201
    else:
        assert "body" in assert_error(response, 422, "validation_error")["fields"]


def test_at_most_five_tags(api, alice):
    client = api.as_user(alice)
    assert ask(client, tags=["a", "b", "c", "d", "e"]).status_code == 201
    error = assert_error(ask(client, tags=["a", "b", "c", "d", "e", "f"]), 422, "validation_error")
    assert "tags" in error["fields"]


@pytest.mark.parametrize("tag", ["Excel", "-lead", "with space", "a" * 36, "", "ünï", "a_b", "a/b"])
def test_tag_names_outside_the_pattern_are_422(api, alice, tag):
    error = assert_error(ask(api.as_user(alice), tags=[tag]), 422, "validation_error")
    assert "tags" in error["fields"]


@pytest.mark.parametrize("tag", ["a", "c#", "c++", "net-core", "node.js", "x" * 35, "0-day"])
def test_tag_names_matching_the_pattern_are_accepted(api, alice, tag):
    response = ask(api.as_user(alice), tags=[tag])
    assert response.status_code == 201
    assert response.json["tags"] == [tag]


def test_tags_are_created_on_first_use_and_reused(api, alice, bob):
    ask(api.as_user(alice), tags=["power-bi"])
    ask(api.as_user(bob), title="Another question about dashboards", tags=["power-bi"])
    listed = api.get("tags", query_string={"q": "power"}).json["items"]
    assert [(t["name"], t["question_count"]) for t in listed] == [("power-bi", 2)]


# --- listing -------------------------------------------------------------------------------

def test_list_is_paged_with_total(app, api, alice):
    for n in range(5):
        make_thread(app, alice, title=f"Question number {n} about macros")
    body = api.get("threads", query_string={"per_page": 2, "page": 2}).json
    assert set(body) == {"items", "total", "page", "per_page"}
    assert (body["total"], body["page"], body["per_page"], len(body["items"])) == (5, 2, 2, 2)
    assert "answers" not in body["items"][0]
    assert set(body["items"][0]) >= THREAD_FIELDS
    assert api.get("threads", query_string={"page": 3, "per_page": 2}).json["items"].__len__() == 1
    assert api.get("threads", query_string={"page": 9}).json["items"] == []


def test_per_page_defaults_to_20_and_is_clamped_to_100(api):
    assert api.get("threads").json["per_page"] == 20
    assert api.get("threads", query_string={"per_page": 1000}).json["per_page"] == 100


@pytest.mark.parametrize("query", [{"page": 0}, {"page": -1}, {"page": "two"}, {"per_page": "x"},
                                   {"status": "open"}, {"sort": "random"}])
def test_junk_list_parameters_are_422(api, query):
    error = assert_error(api.get("threads", query_string=query), 422, "validation_error")
    assert set(error["fields"]) == set(query)


def _titles(api, **query):
    return [t["title"] for t in api.get("threads", query_string=query).json["items"]]


def test_list_filters_by_status(app, api, alice, bob):
    make_thread(app, alice, title="Unanswered question here")
    answered = make_thread(app, alice, title="Answered but unsolved question")
    make_answer(app, bob, answered)
    solved = make_thread(app, alice, title="Solved question with accepted")
    accept(app, alice, solved, make_answer(app, bob, solved))
    assert _titles(api, status="unanswered") == ["Unanswered question here"]
    assert set(_titles(api, status="unsolved")) == {"Unanswered question here",
                                                    "Answered but unsolved question"}
    assert _titles(api, status="solved") == ["Solved question with accepted"]
    assert len(_titles(api)) == 3


def test_list_filters_by_tag_and_author(app, api, alice, bob):
    make_thread(app, alice, title="Alice asks about excel", tags=["excel"])
    make_thread(app, bob, title="Bob asks about excel too", tags=["excel", "vba"])
    make_thread(app, bob, title="Bob asks about python", tags=["python"])
    assert set(_titles(api, tag="excel")) == {"Alice asks about excel", "Bob asks about excel too"}
    assert _titles(api, tag="vba") == ["Bob asks about excel too"]
    assert set(_titles(api, author="BOB")) == {"Bob asks about excel too", "Bob asks about python"}
    assert _titles(api, author="bob", tag="python") == ["Bob asks about python"]
    assert _titles(api, tag="nothing") == [] and _titles(api, author="nobody") == []


def test_list_sorts_by_activity_newest_and_votes(app, api, alice, bob):
    first = make_thread(app, alice, title="First question asked")
    second = make_thread(app, alice, title="Second question asked")
    make_answer(app, bob, first)  # activity moves the first question to the top
    vote(app, bob, second, 1)
    assert _titles(api) == ["First question asked", "Second question asked"]
    assert _titles(api, sort="newest") == ["Second question asked", "First question asked"]
    assert _titles(api, sort="votes") == ["Second question asked", "First question asked"]


# --- reading -------------------------------------------------------------------------------

def test_answers_come_accepted_first_then_by_score_then_oldest(app, api, alice, bob):
    voters = [make_user(app, f"voter{n}") for n in range(2)]
    carol = make_user(app, "carol")
    thread = make_thread(app, alice)
    oldest = make_answer(app, bob, thread, "oldest, no votes")
    newer = make_answer(app, carol, thread, "newer, no votes")
    top = make_answer(app, bob, thread, "two upvotes")
    chosen = make_answer(app, carol, thread, "accepted, one downvote")
    for voter in voters:
        vote(app, voter, top, 1)
    vote(app, make_user(app, "critic", reputation=100), chosen, -1)
    accept(app, alice, thread, chosen)
    body = api.get(f"threads/{thread.id}").json
    assert [a["id"] for a in body["answers"]] == [chosen.id, top.id, oldest.id, newer.id]
    first = body["answers"][0]
    assert set(first) >= ANSWER_FIELDS
    assert first["accepted"] is True and first["score"] == -1
    assert first["url"] == f"/questions/{thread.id}#answer-{chosen.id}"
    assert [a["accepted"] for a in body["answers"][1:]] == [False, False, False]
    assert body["accepted_answer_id"] == chosen.id and body["solved"] is True
    assert body["answer_count"] == 4


@pytest.mark.parametrize("path", [f"threads/{HUGE_ID}", "threads/0", "threads/123456", "threads/2147483648",
                                  f"threads/{HUGE_ID}/events", "threads/abc"])
def test_reading_a_missing_thread_is_404(api, path):
    assert_error(api.get(path), 404, "not_found")


@pytest.mark.parametrize(("method", "path", "body"), [
    ("patch", f"threads/{HUGE_ID}", {"title": "A perfectly fine title"}),
    ("delete", f"threads/{HUGE_ID}", None),
    ("post", f"threads/{HUGE_ID}/answers", {"body": "hello"}),
    ("post", f"threads/{HUGE_ID}/accept", {"answer_id": None}),
    ("patch", f"posts/{HUGE_ID}", {"body": "hello"}),
    ("delete", f"posts/{HUGE_ID}", None),
    ("post", f"posts/{HUGE_ID}/vote", {"value": 1}),
    ("post", "posts/2147483648/vote", {"value": 1}),
])
def test_writing_to_a_missing_post_is_404(api, alice, method, path, body):
    client = api.as_user(alice)
    kwargs = {} if body is None else {"json": body}
    assert_error(getattr(client, method)(path, **kwargs), 404, "not_found")


def test_an_answer_id_is_not_a_thread(app, api, alice, bob):
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread)
    assert_error(api.get(f"threads/{answer.id}"), 404, "not_found")


# --- editing -------------------------------------------------------------------------------

def test_author_edits_own_thread(app, api, alice):
    thread = make_thread(app, alice, tags=["excel"])
    response = api.as_user(alice).patch(f"threads/{thread.id}", {
        "title": "A clearer title for my question", "body": "*New* body", "tags": ["vba"]})
    assert response.status_code == 200
    body = response.json
    assert body["title"] == "A clearer title for my question"
    assert body["body"] == "*New* body" and "<em>New</em>" in body["body_html"]
    assert body["tags"] == ["vba"]
    assert api.get(f"threads/{thread.id}").json["tags"] == ["vba"]
    assert api.get("threads", query_string={"tag": "excel"}).json["total"] == 0


def test_moderator_edits_any_thread(app, api, alice, moderator):
    thread = make_thread(app, alice)
    response = api.as_user(moderator).patch(f"threads/{thread.id}", {"body": "Tidied up."})
    assert response.status_code == 200 and response.json["body"] == "Tidied up."


def test_other_members_may_not_edit(app, api, alice, bob):
    thread = make_thread(app, alice, title="The original title stays")
    error = assert_error(api.as_user(bob).patch(f"threads/{thread.id}", {"body": "Vandalism"}),
                         403, "forbidden")
    assert "1,000" in error["message"]
    assert api.get(f"threads/{thread.id}").json["body"] == "Body text."


def test_members_with_1000_reputation_may_edit_others_posts(app, api, alice, bob):
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread)
    editor = api.as_user(make_user(app, "veteran", reputation=1000))
    assert editor.patch(f"threads/{thread.id}", {"body": "Clarified."}).status_code == 200
    response = editor.patch(f"posts/{answer.id}", {"body": "Fixed a typo."})
    assert response.status_code == 200 and response.json["body"] == "Fixed a typo."
    assert response.json["author"]["username"] == "bob"
    almost = api.as_user(make_user(app, "almost", reputation=999))
    assert_error(almost.patch(f"posts/{answer.id}", {"body": "Nope."}), 403, "forbidden")


def test_anonymous_may_not_edit(app, api, alice):
    thread = make_thread(app, alice)
    assert_error(api.patch(f"threads/{thread.id}", {"body": "Anonymous edit"}), 401, "unauthorized")


def test_invalid_edit_is_422_and_changes_nothing(app, api, alice):
    thread = make_thread(app, alice, title="The original title stays")
    response = api.as_user(alice).patch(f"threads/{thread.id}", {"title": "short", "body": "ok"})
    assert "title" in assert_error(response, 422, "validation_error")["fields"]
    assert api.get(f"threads/{thread.id}").json["body"] == "Body text."


def test_patch_post_edits_an_answer_or_a_question(app, api, alice, bob):
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread)
    response = api.as_user(bob).patch(f"posts/{answer.id}", {"body": "Better answer"})
    assert response.status_code == 200
    assert set(response.json) >= ANSWER_FIELDS and response.json["body"] == "Better answer"
    response = api.as_user(alice).patch(f"posts/{thread.id}", {"body": "Better question"})
    assert response.status_code == 200
    assert set(response.json) >= THREAD_FIELDS and response.json["body"] == "Better question"
    assert_error(api.as_user(alice).patch(f"posts/{answer.id}", {"body": "Not mine"}),
                 403, "forbidden")


# --- deleting ------------------------------------------------------------------------------

def test_author_deletes_an_unanswered_thread(app, api, alice):
    thread = make_thread(app, alice)
    response = api.as_user(alice).delete(f"threads/{thread.id}")
    assert response.status_code == 204 and response.get_data() == b""


def test_author_may_not_delete_a_thread_once_answered(app, api, alice, bob):
    thread = make_thread(app, alice)
    make_answer(app, bob, thread)
    assert_error(api.as_user(alice).delete(f"threads/{thread.id}"), 403, "forbidden")
    assert api.get(f"threads/{thread.id}").status_code == 200


def test_others_may_not_delete_a_thread(app, api, alice, bob):
    thread = make_thread(app, alice)
    assert_error(api.as_user(bob).delete(f"threads/{thread.id}"), 403, "forbidden")
    assert_error(api.delete(f"threads/{thread.id}"), 401, "unauthorized")


def test_deleted_thread_is_hidden_from_everyone_but_moderators(app, api, alice, bob, moderator):
    thread = make_thread(app, alice, title="Soon to be deleted question")
    answer = make_answer(app, bob, thread)
    assert api.as_user(moderator).delete(f"threads/{thread.id}").status_code == 204
    for client in (api, api.as_user(alice), api.as_user(bob)):
        assert_error(client.get(f"threads/{thread.id}"), 404, "not_found")
        assert_error(client.get(f"threads/{thread.id}/events"), 404, "not_found")
        assert client.get("threads").json["total"] == 0
    bob_client = api.as_user(bob)
    assert_error(bob_client.post(f"threads/{thread.id}/answers", {"body": "x"}), 404, "not_found")
    assert_error(bob_client.patch(f"posts/{answer.id}", {"body": "edit"}), 404, "not_found")
    assert_error(api.as_user(alice).post(f"posts/{answer.id}/vote", {"value": 1}), 404, "not_found")
    seen = api.as_user(moderator).get(f"threads/{thread.id}")
    assert seen.status_code == 200 and seen.json["deleted"] is True


def test_deleted_answer_is_hidden_and_uncounted(app, api, alice, bob, moderator):
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread)
    assert api.as_user(bob).delete(f"posts/{answer.id}").status_code == 204
    body = api.get(f"threads/{thread.id}").json
    assert body["answers"] == [] and body["answer_count"] == 0
    assert_error(api.as_user(alice).post(f"posts/{answer.id}/vote", {"value": 1}), 404, "not_found")
    assert_error(api.as_user(bob).delete(f"posts/{answer.id}"), 404, "not_found")
    assert [a["id"] for a in api.as_user(moderator).get(f"threads/{thread.id}").json["answers"]] \
        == [answer.id]
    # Once its only answer is gone, the author may delete the question again.
    assert api.as_user(alice).delete(f"threads/{thread.id}").status_code == 204


def test_deleting_again_is_idempotent_for_moderators(app, api, alice, bob, moderator,
                                                     captured_events):
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread)
    client = api.as_user(moderator)
    captured_events.clear()
    for path in (f"posts/{answer.id}", f"posts/{answer.id}", f"threads/{thread.id}",
                 f"threads/{thread.id}"):
        assert client.delete(path).status_code == 204
    deleted = [e["data"]["post_id"] for e in captured_events if e["type"] == "post_deleted"]
    assert deleted == [answer.id, thread.id]


def test_others_may_not_delete_an_answer(app, api, alice, bob, moderator):
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread)
    assert_error(api.as_user(alice).delete(f"posts/{answer.id}"), 403, "forbidden")
    assert api.as_user(moderator).delete(f"posts/{answer.id}").status_code == 204


def test_deleting_the_accepted_answer_unsolves_the_thread(app, api, alice, bob):
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread)
    accept(app, alice, thread, answer)
    api.as_user(bob).delete(f"posts/{answer.id}")
    body = api.get(f"threads/{thread.id}").json
    assert body["accepted_answer_id"] is None and body["solved"] is False
    assert api.get("users/bob").json["reputation"] == 1


# --- answering and accepting ---------------------------------------------------------------

def test_post_answer_returns_201_and_the_answer(app, api, alice, bob):
    thread = make_thread(app, alice)
    response = api.as_user(bob).post(f"threads/{thread.id}/answers", {"body": "Use `F4`."})
    assert response.status_code == 201
    answer = response.json
    assert set(answer) >= ANSWER_FIELDS
    assert answer["thread_id"] == thread.id and answer["accepted"] is False
    assert answer["body"] == "Use `F4`." and "<code>F4</code>" in answer["body_html"]
    assert answer["author"]["username"] == "bob" and answer["score"] == 0
    assert answer["url"] == f"/questions/{thread.id}#answer-{answer['id']}"
    assert api.get(f"threads/{thread.id}").json["answer_count"] == 1


def test_accept_returns_the_thread_and_moves_and_clears(app, api, alice, bob):
    thread = make_thread(app, alice)
    first, second = make_answer(app, bob, thread), make_answer(app, bob, thread)
    client = api.as_user(alice)
    response = client.post(f"threads/{thread.id}/accept", {"answer_id": first.id})
    assert response.status_code == 200 and set(response.json) >= THREAD_FIELDS
    assert response.json["accepted_answer_id"] == first.id
    moved = client.post(f"threads/{thread.id}/accept", {"answer_id": second.id}).json
    assert moved["accepted_answer_id"] == second.id
    assert [a["accepted"] for a in moved["answers"]] == [True, False]
    cleared = client.post(f"threads/{thread.id}/accept", {"answer_id": None}).json
    assert cleared["accepted_answer_id"] is None and cleared["solved"] is False


def test_only_the_asker_may_accept(app, api, alice, bob, moderator):
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread)
    for user in (bob, moderator):
        assert_error(api.as_user(user).post(f"threads/{thread.id}/accept",
                                            {"answer_id": answer.id}), 403, "forbidden")
    assert_error(api.post(f"threads/{thread.id}/accept", {"answer_id": answer.id}), 401,
                 "unauthorized")


def test_accepting_an_answer_of_another_thread_is_422(app, api, alice, bob):
    thread, other = make_thread(app, alice), make_thread(app, alice)
    stray = make_answer(app, bob, other)
    for answer_id in (stray.id, other.id, HUGE_ID, 2**31, 0, -1, "1"):
        response = api.as_user(alice).post(f"threads/{thread.id}/accept", {"answer_id": answer_id})
        assert "answer_id" in assert_error(response, 422, "validation_error")["fields"]


# --- events --------------------------------------------------------------------------------

def test_each_write_publishes_its_events_after_commit(app, api, alice, bob, captured_events):
    client_a, client_b = api.as_user(alice), api.as_user(bob)
    thread_id = ask(client_a).json["id"]
    answer_id = client_b.post(f"threads/{thread_id}/answers", {"body": "Try this."}).json["id"]
    client_b.patch(f"posts/{answer_id}", {"body": "Try this instead."})
    client_a.post(f"posts/{answer_id}/vote", {"value": 1})
    client_a.post(f"threads/{thread_id}/accept", {"answer_id": answer_id})
    client_a.post(f"threads/{thread_id}/accept", {"answer_id": None})
    client_b.delete(f"posts/{answer_id}")
    channel = f"thread:{thread_id}"
    events = [e for e in captured_events if e["channel"] in ("threads", channel)]
    assert [(e["type"], e["channel"]) for e in events] == [
        ("thread_created", "threads"), ("answer_created", channel), ("answer_updated", channel),
        ("vote_changed", channel), ("answer_accepted", channel), ("answer_accepted", channel),
        ("post_deleted", channel)]
    for event in captured_events:
        assert set(event) == ENVELOPE_FIELDS and ISO_UTC.match(event["created_at"])
    ids = [e["id"] for e in captured_events]
    assert ids == sorted(set(ids))
    data = [e["data"] for e in events]
    assert data[0]["id"] == thread_id and set(data[0]) >= THREAD_FIELDS
    assert data[1]["id"] == answer_id and set(data[1]) >= ANSWER_FIELDS
    assert data[2]["body"] == "Try this instead."
    assert data[3] == {"post_id": answer_id, "score": 1}
    assert data[4] == {"thread_id": thread_id, "answer_id": answer_id}
    assert data[5] == {"thread_id": thread_id, "answer_id": None}
    assert data[6] == {"post_id": answer_id}


def test_editing_and_deleting_a_thread_publish_thread_updated(app, api, alice, captured_events):
    thread = make_thread(app, alice)
    captured_events.clear()
    api.as_user(alice).patch(f"threads/{thread.id}", {"title": "An edited title here"})
    api.as_user(alice).delete(f"threads/{thread.id}")
    captured_events[:] = [e for e in captured_events if e["channel"] == f"thread:{thread.id}"]
    assert [e["type"] for e in captured_events] == ["thread_updated", "thread_updated", "post_deleted"]
    assert captured_events[0]["data"]["title"] == "An edited title here"
    assert captured_events[2]["data"] == {"post_id": thread.id}


def test_nothing_is_published_when_a_write_fails(app, api, alice, bob, captured_events):
    thread = make_thread(app, alice)
    captured_events.clear()
    assert ask(api.as_user(alice), title="short").status_code == 422
    assert api.as_user(alice).post(f"posts/{thread.id}/vote", {"value": 1}).status_code == 403
    assert api.as_user(bob).delete(f"threads/{thread.id}").status_code == 403
    assert api.as_user(bob).post(f"threads/{thread.id}/answers", {"body": ""}).status_code == 422
    assert captured_events == []
    assert api.get(f"threads/{thread.id}/events").json["events"] == []


def test_a_rolled_back_write_leaves_no_event_behind(app, captured_events):
    from community.db import atomic
    from community.realtime.events import record_event

    with app.app_context():
        with pytest.raises(RuntimeError), atomic():
            record_event("thread:1", "answer_created", {"id": 1})
            raise RuntimeError("the write failed after recording its event")
        with atomic():
            record_event("thread:2", "post_deleted", {"post_id": 2})
    assert [(e["channel"], e["type"]) for e in captured_events] == [("thread:2", "post_deleted")]


def test_repeating_a_vote_publishes_nothing(app, api, alice, bob, captured_events):
    thread = make_thread(app, alice)
    client = api.as_user(bob)
    client.post(f"posts/{thread.id}/vote", {"value": 1})
    captured_events.clear()
    client.post(f"posts/{thread.id}/vote", {"value": 1})
    assert captured_events == []


def test_thread_events_endpoint_returns_events_after_a_cursor(app, api, alice, bob):
    thread = make_thread(app, alice)
    answers = [make_answer(app, bob, thread, f"answer {n}") for n in range(3)]
    everything = api.get(f"threads/{thread.id}/events").json
    events = everything["events"]
    assert [e["type"] for e in events] == ["answer_created"] * 3
    assert [e["data"]["id"] for e in events] == [a.id for a in answers]
    assert set(events[0]) == ENVELOPE_FIELDS and events[0]["channel"] == f"thread:{thread.id}"
    assert everything["last_id"] == events[-1]["id"]
    later = api.get(f"threads/{thread.id}/events", query_string={"after": events[0]["id"]}).json
    assert [e["id"] for e in later["events"]] == [e["id"] for e in events[1:]]
    none = api.get(f"threads/{thread.id}/events", query_string={"after": events[-1]["id"]}).json
    assert none == {"events": [], "last_id": events[-1]["id"]}
    far = api.get(f"threads/{thread.id}/events", query_string={"after": HUGE_ID}).json
    assert far["events"] == [] and far["last_id"] == HUGE_ID


def test_thread_events_endpoint_returns_at_most_500(app, api, alice):
    from community.db import atomic
    from community.realtime.events import record_event

    thread = make_thread(app, alice)
    with app.app_context(), atomic():
        for n in range(501):
            record_event(f"thread:{thread.id}", "vote_changed", {"post_id": thread.id, "score": n})
    first = api.get(f"threads/{thread.id}/events").json
    assert len(first["events"]) == 500
    assert first["last_id"] == first["events"][-1]["id"]
    rest = api.get(f"threads/{thread.id}/events", query_string={"after": first["last_id"]}).json
    assert [e["data"]["score"] for e in rest["events"]] == [500]


def test_thread_events_are_per_thread_and_reject_junk_cursors(app, api, alice, bob):
    thread, other = make_thread(app, alice), make_thread(app, alice)
    make_answer(app, bob, other)
    assert api.get(f"threads/{thread.id}/events").json == {"events": [], "last_id": 0}
    error = assert_error(api.get(f"threads/{thread.id}/events", query_string={"after": "x"}),
                         422, "validation_error")
    assert "after" in error["fields"]


def test_nul_in_query_or_path_parameters_is_a_clear_422_on_every_database(app, api, client):
    for path in ("/api/v1/threads?tag=ex%00cel", "/api/v1/threads?author=a%00b",
                 "/api/v1/users/a%00b", "/api/v1/tags?q=%00"):
        response = api.get(path)
        assert response.status_code == 422, path
        assert "NUL" in response.json["error"]["message"]
    page = client.get("/tags/ex%00cel")
    assert page.status_code == 422 and "NUL" in page.get_data(as_text=True)


def test_an_answer_counts_in_sql_and_leaves_the_loaded_thread_current(app, alice, bob):
    """The counter is bumped in SQL, counting an answer committed by someone else, and the thread
    already loaded in the session then reads as its row does, without a reload or a change left
    to flush."""
    from sqlalchemy import text

    from community.actions.answers import post_answer
    from community.extensions import db
    from community.queries.threads import get_post

    thread = make_thread(app, alice)
    with app.app_context():
        loaded = get_post(thread.id)
        # Another process's answer, committed behind this session's back.
        db.session.execute(text("UPDATE posts SET answer_count = answer_count + 1 WHERE id = :id"),
                           {"id": thread.id})
        db.session.commit()
        answer = post_answer(bob, thread.id, "Counted in SQL.")
        assert get_post(thread.id) is loaded  # the same object, not reloaded
        assert loaded not in db.session.dirty
        assert loaded.answer_count == 2 and loaded.last_activity_at == answer.created_at
        stored = db.session.execute(text("SELECT answer_count FROM posts WHERE id = :id"),
                                    {"id": thread.id}).scalar_one()
        assert stored == 2
        assert answer.author.username == "bob"
