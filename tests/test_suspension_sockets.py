"""A suspension reaches a member's open socket at once: writes fail, reading goes on, and the
page is told (``account_updated`` on their user channel)."""

from __future__ import annotations

from community.models import Role
from tests.factories import make_room, make_user
from tests.support import ApiClient
from tests.test_sockets import connect, received, wait_for


def test_an_open_socket_loses_write_rights_the_moment_its_member_is_suspended(app):
    member, moderator = make_user(app, "member"), make_user(app, "mod", role=Role.MODERATOR)
    owner = make_user(app, "owner")
    room = make_room(app, owner, "Help desk")
    sock, watcher = connect(app, member), connect(app, owner)
    for client in (sock, watcher):
        assert client.emit("join", {"channel": f"room:{room.slug}"}, callback=True)["ok"] is True
    received(sock), received(watcher)

    ack = sock.emit("message", {"room": room.slug, "body": "Before"}, callback=True)
    assert ack["ok"] is True and ack["message"]["body"] == "Before"

    response = ApiClient(app).as_user(moderator).post(
        "users/member/suspension", {"hours": 2, "reason": "Off-topic spam in rooms"})
    assert response.status_code == 200

    # The page learns at once on the member's own channel (joined at connect).
    [update] = wait_for(sock, "account_updated")
    assert update["channel"] == f"user:{member.id}"
    assert update["data"]["suspended_until"] == response.json["suspended_until"]
    assert update["data"]["reason"] == "Off-topic spam in rooms"

    ack = sock.emit("message", {"room": room.slug, "body": "After"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    assert ack["error"]["message"].startswith("Your account is suspended until ")
    assert "Off-topic spam in rooms" in ack["error"]["message"]
    assert sock.is_connected()

    # Nothing was said in the room, and the socket still reads what others say.
    assert [e["data"]["body"] for e in received(watcher, "room_message")] == ["Before"]
    ApiClient(app).as_user(owner).post(f"rooms/{room.slug}/messages", {"body": "Still here"})
    assert [e["data"]["body"] for e in wait_for(sock, "room_message")] == ["Still here"]
    rejoin = sock.emit("join", {"channel": f"room:{room.slug}"}, callback=True)
    assert rejoin["ok"] is True

    # Lifting it gives the write rights back to the same socket.
    assert ApiClient(app).as_user(moderator).delete("users/member/suspension").status_code == 204
    assert wait_for(sock, "account_updated")[0]["data"]["suspended_until"] is None
    assert sock.emit("message", {"room": room.slug, "body": "Back"}, callback=True)["ok"] is True
