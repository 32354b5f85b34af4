"""Catching up from the event log shows content as it is now (community/realtime/replay.py):
what was hidden or deleted since it was published does not come back through the events
endpoints or the socket catch-up, except to those who may still see it."""

from __future__ import annotations

import pytest

from community.actions import answers as answer_actions
from community.actions import flags as flag_actions
from community.models import Role
from tests.factories import make_answer, make_message, make_room, make_thread, make_user
from tests.support import ApiClient
from tests.test_sockets import connect

SECRET = "Buy cheap licences at spam.example.com"


@pytest.fixture
def people(app):
    return {name: make_user(app, name) for name in ("asker", "ben", "cleo")} | {
        "mod": make_user(app, "mod", role=Role.MODERATOR)}


def hide(app, people, kind: str, target_id: int) -> None:
    with app.app_context():
        flag_actions.flag_content(people["mod"], flag_actions.FlagDraft(kind, target_id, "spam"))


def thread_events(app, viewer, thread_id: int) -> dict:
    reply = ApiClient(app).as_user(viewer).get(f"threads/{thread_id}/events?after=0")
    assert reply.status_code == 200
    return reply.json


def test_a_hidden_answer_is_withheld_from_the_thread_log_but_not_from_its_author_or_moderators(
        app, people):
    thread = make_thread(app, people["asker"], "Why does the mesh solver diverge?")
    answer = make_answer(app, people["ben"], thread, SECRET)
    hide(app, people, "post", answer.id)
    body = thread_events(app, people["cleo"], thread.id)
    about = [e for e in body["events"] if e["data"].get("id") == answer.id]
    assert [e["type"] for e in about] == ["answer_created", "answer_updated"]
    assert SECRET not in str(body)
    assert all(e["data"]["body"] == "" and e["data"]["hidden"] for e in about)
    for insider in ("ben", "mod"):
        assert SECRET in str(thread_events(app, people[insider], thread.id)), insider


def test_a_deleted_answer_leaves_the_log_for_members_and_the_cursor_still_moves(app, people):
    thread = make_thread(app, people["asker"], "Why does the mesh solver diverge?")
    answer = make_answer(app, people["ben"], thread, SECRET)
    with app.app_context():
        answer_actions.delete_post(people["ben"], answer.id)
    body = thread_events(app, people["cleo"], thread.id)
    assert SECRET not in str(body)
    assert [e["type"] for e in body["events"] if e["type"] != "thread_updated"] == ["post_deleted"]
    everything = thread_events(app, people["mod"], thread.id)
    assert SECRET in str(everything)
    assert body["last_id"] == everything["last_id"] == everything["events"][-1]["id"]


def test_the_socket_catch_up_withholds_a_hidden_answer(app, people):
    thread = make_thread(app, people["asker"], "Why does the mesh solver diverge?")
    answer = make_answer(app, people["ben"], thread, SECRET)
    hide(app, people, "post", answer.id)
    ack = connect(app, people["cleo"]).emit("join", {"channel": f"thread:{thread.id}", "after": 0},
                                           callback=True)
    assert ack["ok"] and [e["type"] for e in ack["missed"]] == ["answer_created", "answer_updated"]
    assert SECRET not in str(ack)
    ack = connect(app, people["ben"]).emit("join", {"channel": f"thread:{thread.id}", "after": 0},
                                          callback=True)
    assert SECRET in str(ack)


def test_a_hidden_question_leaves_the_question_list_catch_up(app, people):
    kept = make_thread(app, people["asker"], "How do I restart a stopped simulation?")
    hidden = make_thread(app, people["ben"], "Cheap licences for every solver", body=SECRET)
    hide(app, people, "post", hidden.id)
    ack = connect(app, people["cleo"]).emit("join", {"channel": "threads", "after": 0}, callback=True)
    created = [e["data"]["id"] for e in ack["missed"] if e["type"] == "thread_created"]
    assert created == [kept.id] and SECRET not in str(ack)
    ack = connect(app, people["mod"]).emit("join", {"channel": "threads", "after": 0}, callback=True)
    assert [e["data"]["id"] for e in ack["missed"] if e["type"] == "thread_created"] == [kept.id, hidden.id]


def test_a_hidden_room_message_is_withheld_from_the_room_log(app, people):
    room = make_room(app, people["asker"], "Solver help")
    message = make_message(app, people["ben"], room, SECRET)
    make_message(app, people["cleo"], room, "Has anyone tried a smaller time step?")
    hide(app, people, "message", message.id)
    reply = ApiClient(app).as_user(people["cleo"]).get(f"rooms/{room.slug}/events?after=0")
    assert reply.status_code == 200
    assert SECRET not in str(reply.json) and "smaller time step" in str(reply.json)
    owner_view = ApiClient(app).as_user(people["ben"]).get(f"rooms/{room.slug}/events?after=0").json
    assert SECRET in str(owner_view)


def test_a_deleted_poll_comes_back_only_as_deleted(app, people):
    thread = make_thread(app, people["asker"], "Which mesher do you use?")
    asker = ApiClient(app).as_user(people["asker"])
    poll = asker.post("polls", {"question": "Secret ballot on licences?", "options": ["Yes", "No"],
                                "thread_id": thread.id}).json
    assert asker.delete(f"polls/{poll['id']}").status_code == 204
    for viewer in ("cleo", "mod"):
        body = thread_events(app, people[viewer], thread.id)
        assert "Secret ballot" not in str(body)
        about = [e for e in body["events"] if e["type"].startswith("poll_")]
        gone = {"id": poll["id"], "deleted": True}
        assert [(e["type"], e["data"]) for e in about] == [("poll_updated", gone)]


def test_a_live_sessions_catch_up_leaves_out_a_resource_deleted_since(app, people):
    from tests.factories import schedule_live_session, share_resource

    guide = share_resource(app, people["ben"], title="Spammy licence guide")
    session = schedule_live_session(app, people["mod"], resources=[guide.id])
    ApiClient(app).as_user(people["cleo"]).put(f"live-sessions/{session.id}/rsvp")
    assert ApiClient(app).as_user(people["ben"]).delete(f"resources/{guide.id}").status_code == 204
    ack = connect(app, people["cleo"]).emit("join", {"channel": f"live_session:{session.id}", "after": 0},
                                           callback=True)
    assert ack["ok"] and ack["missed"] and "Spammy licence guide" not in str(ack)
    assert all(e["data"]["resources"] == [] for e in ack["missed"])
