"""Notifications: who is told what, stored for later, and marked read."""

from __future__ import annotations

import pytest

from tests.factories import accept, make_answer, make_thread, make_user

pytestmark = pytest.mark.usefixtures("no_badges")  # badge notifications: tests/test_badges.py


def _types(api, user):
    body = api.as_user(user).get("notifications").json
    return [(n["type"], n["actor"]["username"] if n["actor"] else None) for n in body["items"]]


def test_an_answer_notifies_the_asker_once_and_not_the_answerer(app, api):
    asker, helper = make_user(app, "asker"), make_user(app, "helper")
    thread = make_thread(app, asker, title="How do I pass the escalation role-play?")
    answer = make_answer(app, helper, thread)
    body = api.as_user(asker).get("notifications").json
    assert body["unread_count"] == 1 and body["total"] == 1
    note = body["items"][0]
    assert note["type"] == "answer_on_your_thread"
    assert note["subject"] == "How do I pass the escalation role-play?"
    assert note["url"] == f"/questions/{thread.id}#answer-{answer.id}"
    assert note["read"] is False and note["actor"]["username"] == "helper"
    assert _types(api, helper) == []


def test_answering_your_own_question_notifies_nobody(app, api):
    asker = make_user(app, "asker")
    make_answer(app, asker, make_thread(app, asker))
    assert _types(api, asker) == []


def test_mentions_notify_the_named_users_but_not_code_or_unknown_names(app, api):
    asker, priya, tom = make_user(app, "asker"), make_user(app, "priya"), make_user(app, "tom")
    make_thread(app, asker, body="@Priya do you know this? Not `@tom` and not @nobody_here.")
    assert _types(api, priya) == [("mention", "asker")]
    assert _types(api, tom) == []


def test_a_mention_of_the_asker_in_an_answer_is_one_notification(app, api):
    asker, helper = make_user(app, "asker"), make_user(app, "helper")
    thread = make_thread(app, asker)
    make_answer(app, helper, thread, "@asker try the debrief screen")
    assert _types(api, asker) == [("mention", "helper")]


def test_editing_in_a_new_mention_notifies_only_the_new_name(app, api):
    asker, priya, tom = make_user(app, "asker"), make_user(app, "priya"), make_user(app, "tom")
    thread = make_thread(app, asker, body="cc @priya")
    reply = api.as_user(asker).patch(f"threads/{thread.id}", {"body": "cc @priya and @tom"})
    assert reply.status_code == 200
    assert _types(api, priya) == [("mention", "asker")]
    assert _types(api, tom) == [("mention", "asker")]


def test_other_answerers_are_told_about_new_answers(app, api):
    asker, first, second = make_user(app, "asker"), make_user(app, "first"), make_user(app, "second")
    thread = make_thread(app, asker)
    make_answer(app, first, thread)
    make_answer(app, second, thread)
    assert _types(api, first) == [("reply_in_watched_thread", "second")]
    assert [t for t, _ in _types(api, asker)] == ["answer_on_your_thread", "answer_on_your_thread"]


def test_acceptance_notifies_the_answerer(app, api):
    asker, helper = make_user(app, "asker"), make_user(app, "helper")
    thread = make_thread(app, asker)
    answer = make_answer(app, helper, thread)
    accept(app, asker, thread, answer)
    assert _types(api, helper) == [("answer_accepted", "asker")]


def test_mark_some_or_all_read_and_the_unread_count_follows(app, api):
    asker, helper = make_user(app, "asker"), make_user(app, "helper")
    for _ in range(3):
        make_answer(app, helper, make_thread(app, asker))
    client = api.as_user(asker)
    items = client.get("notifications").json["items"]
    assert client.get("me").json["unread_notifications"] == 3
    reply = client.post("notifications/read", {"ids": [items[0]["id"]]})
    assert reply.status_code == 200 and reply.json == {"unread_count": 2}
    assert [n["id"] for n in client.get("notifications?unread=1").json["items"]] == \
        [items[1]["id"], items[2]["id"]]
    assert client.post("notifications/read", {"all": True}).json == {"unread_count": 0}
    assert client.get("me").json["unread_notifications"] == 0


def test_marking_someone_elses_notification_changes_nothing(app, api):
    asker, helper, other = make_user(app, "asker"), make_user(app, "helper"), make_user(app, "other")
    make_answer(app, helper, make_thread(app, asker))
    note_id = api.as_user(asker).get("notifications").json["items"][0]["id"]
    assert api.as_user(other).post("notifications/read", {"ids": [note_id]}).json == {"unread_count": 0}
    assert api.as_user(asker).get("notifications").json["unread_count"] == 1


def test_notification_endpoints_need_login_and_valid_input(app, api):
    user = make_user(app, "someone")
    assert api.get("notifications").status_code == 401
    client = api.as_user(user)
    assert client.post("notifications/read", {"ids": "all"}).status_code == 422
    assert client.post("notifications/read", {}).status_code == 422
    assert client.post("notifications/read", [1, 2]).status_code == 400


@pytest.mark.parametrize("bad_id", [2**63, -(2**70), 2**31, 0])
def test_marking_read_an_id_no_notification_can_have_is_a_422_not_a_500(app, api, bad_id):
    """Found by tests/test_api_fuzz.py: an id past SQLite's 64-bit range reached the database."""
    client = api.as_user(make_user(app, "someone"))
    response = client.post("notifications/read", {"ids": [1, bad_id]})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.json["error"]["fields"] == {"ids": "must be a list of at most 500 notification ids"}
