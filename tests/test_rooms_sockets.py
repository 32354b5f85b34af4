"""Live help rooms over Socket.IO: joining, the `message` event, catch-up, typing, presence and
losing access at once when removed from a private room."""

from __future__ import annotations

import pytest

from community.models import Role
from community.realtime.hub import hub_for
from tests.factories import make_help_request, make_message, make_room, make_user
from tests.support import ApiClient
from tests.test_sockets import connect, received


@pytest.fixture
def people(app):
    return (make_user(app, "owner"), make_user(app, "member"), make_user(app, "outsider"),
            make_user(app, "mod", role=Role.MODERATOR))


@pytest.fixture
def private_room(app, people):
    return make_room(app, people[0], "Private room", private=True, members=["member"])


def join(sock, room, **extra):
    return sock.emit("join", {"channel": f"room:{room.slug}", **extra}, callback=True)


def test_joining_a_private_room_needs_membership(app, people, private_room):
    for user, allowed in zip(people, (True, True, False, True), strict=True):
        ack = join(connect(app, user), private_room)
        if allowed:
            assert ack["ok"] is True and user.username in [u["username"] for u in ack["presence"]]
        else:
            assert ack == {"ok": False, "error": {"code": "not_found", "message": "No such room."}}
    public = make_room(app, people[0], "Public room")
    assert join(connect(app, people[2]), public)["ok"] is True  # anyone logged in
    assert not connect(app).is_connected()  # anonymous sockets never get this far


def test_message_event_acks_the_message_and_reaches_the_room_only(app, people):
    owner, member, outsider, _ = people
    room, other = make_room(app, owner, "Chat"), make_room(app, owner, "Elsewhere")
    sender, listener, elsewhere = connect(app, member), connect(app, outsider), connect(app, owner)
    join(sender, room), join(listener, room), join(elsewhere, other)
    received(sender), received(listener), received(elsewhere)

    ack = sender.emit("message", {"room": room.slug, "body": "Has anyone done **step 4**?"},
                      callback=True)
    assert ack["ok"] is True and ack["message"]["body"] == "Has anyone done **step 4**?"
    assert "<strong>step 4</strong>" in ack["message"]["body_html"]
    for sock in (sender, listener):  # everyone subscribed gets it, the author too
        events = received(sock, "room_message")
        assert [e["data"] for e in events] == [ack["message"]]
        assert events[0]["channel"] == f"room:{room.slug}" and isinstance(events[0]["id"], int)
    assert received(elsewhere, "room_message") == []
    # The same message through the HTTP API is the same action: same event, same shape.
    posted = ApiClient(app).as_user(owner).post(f"rooms/{room.slug}/messages", {"body": "yes"}).json
    assert [e["data"] for e in received(listener, "room_message")] == [posted]


def test_bad_messages_fail_with_a_clear_ack(app, people, private_room):
    make_room(app, people[0], "Chat")
    sock = connect(app, people[2])
    for payload, code in [
        ({"room": "chat", "body": ""}, "validation_error"),
        ({"room": "chat", "body": "x" * 4001}, "validation_error"),
        ({"room": "chat"}, "validation_error"),
        ({"room": "nowhere", "body": "hi"}, "not_found"),
        ({"room": 12, "body": "hi"}, "not_found"),
        ({"room": "private-room", "body": "let me in"}, "not_found"),
        ("just a string", "validation_error"),
    ]:
        ack = sock.emit("message", payload, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == code, payload
        if isinstance(payload, dict) and payload.get("body") == "x" * 4001:
            assert ack["error"]["fields"] == {"body": "must be 1-4,000 characters"}
    assert sock.is_connected()
    assert sock.emit("message", {"room": "chat", "body": "finally"}, callback=True)["ok"] is True
    ApiClient(app).as_user(people[0]).patch("rooms/chat", {"archived": True})
    ack = sock.emit("message", {"room": "chat", "body": "too late"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    assert "archived" in ack["error"]["message"]


def test_message_rate_limit_fails_the_ack_with_retry_after(app, people):
    room = make_room(app, people[0], "Busy")
    app.config.update(RATELIMIT_ENABLED=True, ROOM_MESSAGE_LIMIT="2 per 10 seconds")
    sock = connect(app, people[1])
    acks = [sock.emit("message", {"room": room.slug, "body": f"m{n}"}, callback=True) for n in range(3)]
    assert [a["ok"] for a in acks] == [True, True, False]
    error = acks[2]["error"]
    assert error["code"] == "rate_limited" and 1 <= error["retry_after"] <= 10
    assert "Try again in" in error["message"]


def test_catch_up_after_reconnect_has_no_gap_and_no_duplicates(app, people):
    owner, member, _, _ = people
    room = make_room(app, owner, "Catch up")
    first = make_message(app, owner, room, "first")
    sock = connect(app, member)
    ack = join(sock, room, after=0)
    seen = [e for e in ack["missed"] if e["type"] == "room_message"]
    assert [e["data"]["id"] for e in seen] == [first.id]
    last_seen = ack["missed"][-1]["id"]
    sock.disconnect()

    missed = [make_message(app, owner, room, f"while away {n}") for n in range(3)]
    again = connect(app, member)
    ack = join(again, room, after=last_seen)
    assert [e["data"]["id"] for e in ack["missed"]] == [m.id for m in missed]
    assert all(e["id"] > last_seen for e in ack["missed"]) and ack["resync"] is False
    history = ApiClient(app).get(f"rooms/{room.slug}/messages?after={first.id}").json["items"]
    assert [m["id"] for m in history] == [m.id for m in missed]
    later = make_message(app, owner, room, "live again")
    assert [e["data"]["id"] for e in received(again, "room_message")] == [later.id]


def test_typing_and_presence_in_a_room(app, people):
    owner, member, _, _ = people
    room = make_room(app, owner, "Typing")
    a, b = connect(app, owner), connect(app, member)
    join(a, room)
    ack = join(b, room)
    assert sorted(u["username"] for u in ack["presence"]) == ["member", "owner"]
    received(a), received(b)
    assert b.emit("typing", {"channel": f"room:{room.slug}", "state": True}, callback=True) == {"ok": True}
    assert [(t["data"]["user"]["username"], t["data"]["state"]) for t in received(a, "typing")] == [
        ("member", True)]
    assert received(b, "typing") == []
    b.disconnect()
    hub_for(app).tick()
    assert [u["username"] for u in received(a, "presence")[-1]["data"]["users"]] == ["owner"]


def test_help_requests_reach_the_room_and_the_claim_notifies_the_asker_live(app, api, people):
    owner, member, outsider, _ = people
    room = make_room(app, owner, "Help")
    asker_sock, watcher = connect(app, member), connect(app, outsider)
    join(watcher, room)
    received(asker_sock), received(watcher)
    request = make_help_request(app, member, room, "I need help with the SSO login")
    assert [e["data"]["status"] for e in received(watcher, "help_request")] == ["open"]
    api.as_user(outsider).post(f"help-requests/{request.id}/claim")
    assert [e["data"]["helper"]["username"] for e in received(watcher, "help_request")] == ["outsider"]
    notes = received(asker_sock, "notification")
    assert [(n["channel"], n["data"]["type"]) for n in notes] == [(f"user:{member.id}",
                                                                    "help_request_claimed")]


def test_a_removed_member_loses_the_room_at_once(app, api, people, private_room):
    owner, member, _, _ = people
    channel = f"room:{private_room.slug}"
    kicked, other_tab, staying = connect(app, member), connect(app, member), connect(app, owner)
    assert join(kicked, private_room)["ok"] and join(staying, private_room)["ok"]
    assert join(other_tab, private_room)["ok"]
    make_message(app, owner, private_room, "before")
    assert len(received(kicked, "room_message")) == 1
    received(staying), received(other_tab)

    assert api.as_user(owner).delete(f"rooms/{private_room.slug}/members/member").status_code == 204
    revoked = received(kicked, "room_access_revoked")
    assert [e["data"]["room"] for e in revoked] == [private_room.slug]
    assert revoked[0]["channel"] == f"user:{member.id}"
    make_message(app, owner, private_room, "after the removal")
    assert received(kicked, "room_message") == []  # delivery stopped: the socket left the channel
    assert received(other_tab, "room_message") == []  # every socket of theirs
    seen = {e["type"]: e["data"] for e in received(staying)}
    assert seen["member_removed"]["user"]["username"] == "member"
    assert seen["room_message"]["body"] == "after the removal"
    sid = app.extensions["socketio"].server.manager.sid_from_eio_sid(kicked.eio_sid, "/")
    assert not hub_for(app).in_channel(sid, channel)
    assert hub_for(app).user_of(sid)["username"] == "member"  # still connected, just not in the room
    hub_for(app).tick()
    assert [u["username"] for u in received(staying, "presence")[-1]["data"]["users"]] == ["owner"]

    assert join(kicked, private_room)["error"]["code"] == "not_found"  # no way back in
    ack = kicked.emit("typing", {"channel": channel, "state": True}, callback=True)
    assert ack["ok"] is False
    ack = kicked.emit("message", {"room": private_room.slug, "body": "still here?"}, callback=True)
    assert ack["error"]["code"] == "not_found"

