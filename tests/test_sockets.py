"""The Socket.IO protocol of shared/API.md, through python-socketio's test client."""

from __future__ import annotations

import time

import pytest

from community.realtime.hub import hub_for
from tests.factories import (
    accept,
    make_answer,
    make_thread,
    make_user,
    rate_resource,
    share_resource,
    vote,
)
from tests.support import ApiClient


def connect(app, user=None, **kwargs):
    auth = {"token": ApiClient(app).as_user(user).token} if user is not None else None
    return app.extensions["socketio"].test_client(app, auth=auth, **kwargs)


def received(client, name=None):
    packets = client.get_received()
    return [p["args"][0] for p in packets if name is None or p["name"] == name]


def wait_for(client, name, timeout=3.0):
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        seen += received(client, name)
        if seen:
            return seen
        time.sleep(0.05)
    return seen


@pytest.fixture
def people(app):
    return make_user(app, "asker"), make_user(app, "helper"), make_user(app, "bystander")


def test_unauthenticated_connection_is_refused(app):
    client = connect(app)
    assert not client.is_connected()


def test_bad_token_is_refused(app):
    client = app.extensions["socketio"].test_client(app, auth={"token": "not-a-token"})
    assert not client.is_connected()


def test_session_cookie_connects_a_logged_in_browser(app, client, people):
    from tests.support import AuthActions

    AuthActions(client).login("asker")
    sock = app.extensions["socketio"].test_client(app, flask_test_client=client)
    assert sock.is_connected()
    ack = sock.emit("join", {"channel": f"user:{people[0].id}"}, callback=True)
    assert ack["ok"] is True


def test_answer_reaches_thread_subscribers_only(app, people):
    asker, helper, bystander = people
    thread = make_thread(app, asker)
    other = make_thread(app, asker)
    watching, elsewhere = connect(app, asker), connect(app, bystander)
    assert watching.emit("join", {"channel": f"thread:{thread.id}"}, callback=True)["ok"]
    assert elsewhere.emit("join", {"channel": f"thread:{other.id}"}, callback=True)["ok"]
    received(watching), received(elsewhere)

    answer = make_answer(app, helper, thread, "Try resetting the scenario.")

    events = received(watching, "answer_created")
    assert [e["data"]["id"] for e in events] == [answer.id]
    assert events[0]["channel"] == f"thread:{thread.id}" and isinstance(events[0]["id"], int)
    assert events[0]["data"]["body"] == "Try resetting the scenario."
    assert received(elsewhere, "answer_created") == []


def test_author_receives_their_own_event_too(app, people):
    asker, helper, _ = people
    thread = make_thread(app, asker)
    sock = connect(app, helper)
    sock.emit("join", {"channel": f"thread:{thread.id}"}, callback=True)
    make_answer(app, helper, thread)
    assert len(received(sock, "answer_created")) == 1


def test_votes_and_acceptance_are_broadcast(app, people):
    asker, helper, bystander = people
    thread = make_thread(app, asker)
    answer = make_answer(app, helper, thread)
    sock = connect(app, bystander)
    sock.emit("join", {"channel": f"thread:{thread.id}"}, callback=True)
    vote(app, asker, answer, 1)
    accept(app, asker, thread, answer)
    got = {e["type"]: e["data"] for e in received(sock)
           if e["type"] in ("vote_changed", "answer_accepted")}
    assert got["vote_changed"] == {"post_id": answer.id, "score": 1}
    assert got["answer_accepted"] == {"thread_id": thread.id, "answer_id": answer.id}


def test_join_with_after_returns_missed_events_in_order_without_duplicates(app, people):
    asker, helper, bystander = people
    thread = make_thread(app, asker)
    first = make_answer(app, helper, thread, "first")
    sock = connect(app, bystander)
    ack = sock.emit("join", {"channel": f"thread:{thread.id}", "after": 0}, callback=True)
    assert [e["data"]["id"] for e in ack["missed"]] == [first.id]
    last_seen = ack["missed"][-1]["id"]
    sock.disconnect()

    second = make_answer(app, helper, thread, "second")
    vote(app, asker, second, 1)
    again = connect(app, bystander)
    ack = again.emit("join", {"channel": f"thread:{thread.id}", "after": last_seen}, callback=True)
    assert [e["type"] for e in ack["missed"]] == ["answer_created", "vote_changed"]
    ids = [e["id"] for e in ack["missed"]]
    assert ids == sorted(ids) and ids[0] > last_seen
    assert ack["resync"] is False


def test_an_event_committed_while_joining_is_caught_up_not_lost(app, people, monkeypatch):
    """An answer committed after the join handler first read the database but before it subscribed
    was published to nobody, so the catch-up read must see it (no stale SQLite read snapshot)."""
    import threading

    from community.sockets import live

    asker, helper, bystander = people
    thread = make_thread(app, asker)
    posted = []
    subscribe = live.join_room

    def answer_then_subscribe(channel):
        if channel != f"thread:{thread.id}":
            return subscribe(channel)
        worker = threading.Thread(target=lambda: posted.append(make_answer(app, helper, thread, "raced")))
        worker.start()
        worker.join()
        return subscribe(channel)

    monkeypatch.setattr(live, "join_room", answer_then_subscribe)
    sock = connect(app, bystander)
    ack = sock.emit("join", {"channel": f"thread:{thread.id}", "after": 0}, callback=True)
    assert ack["ok"] is True
    assert [e["data"]["id"] for e in ack["missed"] if e["type"] == "answer_created"] == [posted[0].id]


def test_join_after_too_many_missed_events_asks_for_a_resync(app, people, monkeypatch):
    from community.sockets import live

    asker, helper, bystander = people
    thread = make_thread(app, asker)
    monkeypatch.setattr(live, "CATCH_UP_LIMIT", 2)
    for n in range(3):
        make_answer(app, helper, thread, f"answer {n}")
    sock = connect(app, bystander)
    ack = sock.emit("join", {"channel": f"thread:{thread.id}", "after": 0}, callback=True)
    assert ack["ok"] and ack["resync"] is True and ack["missed"] == []


def test_thread_events_endpoint_serves_the_same_log(app, api, people):
    asker, helper, bystander = people
    thread = make_thread(app, asker)
    make_answer(app, helper, thread)
    sock = connect(app, bystander)
    ack = sock.emit("join", {"channel": f"thread:{thread.id}", "after": 0}, callback=True)
    body = api.get(f"threads/{thread.id}/events?after=0").json
    assert body["events"] == ack["missed"]
    assert body["last_id"] == ack["missed"][-1]["id"]


@pytest.mark.parametrize("payload, code", [
    ({"channel": "thread:999999"}, "not_found"),
    ({"channel": "room:nowhere"}, "not_found"),
    ({"channel": "nonsense"}, "not_found"),
    ({"channel": ""}, "validation_error"),
    ({"channel": 12}, "validation_error"),
    ({"channel": "thread:1", "after": "yesterday"}, "validation_error"),
    ({}, "validation_error"),
])
def test_bad_joins_fail_with_an_ack_and_the_socket_stays_usable(app, people, payload, code):
    asker = people[0]
    thread = make_thread(app, asker)
    sock = connect(app, asker)
    payload = {**payload, "channel": payload.get("channel", None)} if payload else payload
    if payload.get("channel") == "thread:1":
        payload["channel"] = f"thread:{thread.id}"
    ack = sock.emit("join", payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == code
    assert sock.emit("join", {"channel": f"thread:{thread.id}"}, callback=True)["ok"] is True


@pytest.mark.parametrize("payload", ["a string", 42, ["list"], None])
def test_non_object_payloads_fail_cleanly(app, people, payload):
    sock = connect(app, people[0])
    ack = sock.emit("join", payload, callback=True)
    assert ack == {"ok": False, "error": {"code": "validation_error", "message": ack["error"]["message"],
                                          "fields": {"payload": "must be a JSON object"}}}
    assert sock.is_connected()


def test_someone_elses_user_channel_is_refused(app, people):
    asker, helper, _ = people
    sock = connect(app, helper)
    ack = sock.emit("join", {"channel": f"user:{asker.id}"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"


def test_deleted_thread_cannot_be_joined_by_members(app, api, people):
    asker, helper, _ = people
    thread = make_thread(app, asker)
    assert api.as_user(asker).delete(f"threads/{thread.id}").status_code == 204
    ack = connect(app, helper).emit("join", {"channel": f"thread:{thread.id}"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "not_found"


def test_new_questions_reach_the_threads_channel(app, people):
    sock = connect(app, people[2])
    assert sock.emit("join", {"channel": "threads"}, callback=True)["ok"]
    thread = make_thread(app, people[0], title="Where is the compliance quiz?")
    events = received(sock, "thread_created")
    assert [e["data"]["title"] for e in events] == ["Where is the compliance quiz?"]
    assert events[0]["data"]["id"] == thread.id


def test_presence_lists_who_is_viewing_and_updates_on_leave(app, people):
    asker, helper, _ = people
    thread = make_thread(app, asker)
    a, b = connect(app, asker), connect(app, helper)
    a.emit("join", {"channel": f"thread:{thread.id}"}, callback=True)
    ack = b.emit("join", {"channel": f"thread:{thread.id}"}, callback=True)
    assert sorted(u["username"] for u in ack["presence"]) == ["asker", "helper"]
    received(a)
    b.disconnect()
    hub_for(app).tick()
    updates = [e for e in received(a, "presence")]
    assert updates and updates[-1]["id"] is None
    assert [u["username"] for u in updates[-1]["data"]["users"]] == ["asker"]


def test_typing_reaches_others_not_the_typist_and_stops_on_disconnect(app, people):
    asker, helper, _ = people
    thread = make_thread(app, asker)
    a, b = connect(app, asker), connect(app, helper)
    channel = f"thread:{thread.id}"
    a.emit("join", {"channel": channel}, callback=True)
    b.emit("join", {"channel": channel}, callback=True)
    received(a), received(b)
    assert b.emit("typing", {"channel": channel, "state": True}, callback=True) == {"ok": True}
    typing = received(a, "typing")
    assert [(t["data"]["user"]["username"], t["data"]["state"]) for t in typing] == [("helper", True)]
    assert received(b, "typing") == []
    b.disconnect()
    assert [t["data"]["state"] for t in received(a, "typing")] == [False]


def test_typing_expires_when_not_refreshed(app, people, monkeypatch):
    from community.realtime import hub as hub_module

    asker, helper, _ = people
    thread = make_thread(app, asker)
    a, b = connect(app, asker), connect(app, helper)
    channel = f"thread:{thread.id}"
    a.emit("join", {"channel": channel}, callback=True)
    b.emit("join", {"channel": channel}, callback=True)
    monkeypatch.setattr(hub_module, "TYPING_TTL", 0.0)
    b.emit("typing", {"channel": channel, "state": True}, callback=True)
    received(a)
    hub_for(app).tick()
    assert [t["data"]["state"] for t in received(a, "typing")] == [False]


def test_typing_in_a_channel_not_joined_fails(app, people):
    thread = make_thread(app, people[0])
    sock = connect(app, people[1])
    ack = sock.emit("typing", {"channel": f"thread:{thread.id}", "state": True}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "validation_error"
    ack = sock.emit("typing", {"channel": f"thread:{thread.id}", "state": "yes"}, callback=True)
    assert ack["ok"] is False


def test_leave_stops_delivery(app, people):
    asker, helper, bystander = people
    thread = make_thread(app, asker)
    sock = connect(app, bystander)
    sock.emit("join", {"channel": f"thread:{thread.id}"}, callback=True)
    assert sock.emit("leave", {"channel": f"thread:{thread.id}"}, callback=True) == {"ok": True}
    make_answer(app, helper, thread)
    assert received(sock, "answer_created") == []


def test_notifications_arrive_live_on_the_users_own_channel(app, people):
    asker, helper, bystander = people
    thread = make_thread(app, asker)
    asker_sock, other_sock = connect(app, asker), connect(app, bystander)
    received(asker_sock), received(other_sock)
    make_answer(app, helper, thread, "Have a look at the debrief screen.")
    notes = received(asker_sock, "notification")
    assert [n["data"]["type"] for n in notes] == ["answer_on_your_thread"]
    assert notes[0]["channel"] == f"user:{asker.id}"
    assert received(other_sock, "notification") == []


def test_flood_of_events_is_refused_then_disconnected(app, people):
    app.config["RATELIMIT_ENABLED"] = True
    thread = make_thread(app, people[0])
    sock = connect(app, people[1])
    sock.emit("join", {"channel": f"thread:{thread.id}"}, callback=True)
    acks = [sock.emit("typing", {"channel": f"thread:{thread.id}", "state": False}, callback=True)
            for _ in range(60)]
    assert all(a["ok"] for a in acks[:30])
    limited = [a for a in acks if a and not a["ok"]]
    assert limited and {a["error"]["code"] for a in limited} == {"rate_limited"}
    assert limited[0]["error"]["retry_after"] >= 1
    for _ in range(200):
        if not sock.is_connected():
            break
        sock.emit("typing", {"channel": f"thread:{thread.id}", "state": False}, callback=True)
    assert not sock.is_connected()


def test_ratings_reach_a_resources_channel_without_presence(app, api, people):
    sharer, rater, reader = people
    resource = share_resource(app, sharer, title="Pivot tables in ten minutes")
    other = share_resource(app, sharer)
    watching, elsewhere = connect(app, reader), connect(app, sharer)
    ack = watching.emit("join", {"channel": f"resource:{resource.id}"}, callback=True)
    assert ack["ok"] is True and ack["presence"] == [] and ack["missed"] == []
    assert elsewhere.emit("join", {"channel": f"resource:{other.id}"}, callback=True)["ok"]
    received(watching), received(elsewhere)

    rate_resource(app, rater, resource, 4, "Clear.")

    events = received(watching, "resource_rated")
    assert [e["data"] for e in events] == [{"resource_id": resource.id, "rating_avg": 4.0, "rating_count": 1}]
    assert events[0]["channel"] == f"resource:{resource.id}" and isinstance(events[0]["id"], int)
    assert received(elsewhere, "resource_rated") == []
    assert received(watching, "presence") == []
    caught_up = connect(app, reader).emit("join", {"channel": f"resource:{resource.id}", "after": 0},
                                          callback=True)
    assert [e["type"] for e in caught_up["missed"]] == ["resource_rated"]


def test_unknown_and_deleted_resources_cannot_be_joined_except_by_moderators(app, api, people):
    from community.models import Role

    sharer, _, reader = people
    resource = share_resource(app, sharer)
    for channel in ("resource:999999", "resource:0", "resource:abc", "resource:99999999999999"):
        ack = connect(app, reader).emit("join", {"channel": channel}, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "not_found", channel
    assert api.as_user(sharer).delete(f"resources/{resource.id}").status_code == 204
    ack = connect(app, reader).emit("join", {"channel": f"resource:{resource.id}"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "not_found"
    moderator = make_user(app, "moderator", role=Role.MODERATOR)
    assert connect(app, moderator).emit("join", {"channel": f"resource:{resource.id}"}, callback=True)["ok"]
