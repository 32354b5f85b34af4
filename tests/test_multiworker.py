"""Two real server processes sharing PostgreSQL and Redis: events and presence span both."""

from __future__ import annotations

import time
import uuid

import pytest
import requests
import socketio

from .servers import (
    Listener,
    account,
    delete_keys,
    free_port,
    server_env,
    shared_redis_url,
    start_community_run,
    stop,
    wait_until_serving,
)

# test_production_server.py imports these under their former names.
_account, _free_port, _wait_until_serving = account, free_port, wait_until_serving


@pytest.fixture(scope="module")
def redis_url() -> str:
    return shared_redis_url()


@pytest.fixture(scope="module")
def two_servers(postgres_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory):
    prefix = f"community-test-{uuid.uuid4().hex[:8]}:"
    env = server_env(postgres_url, redis_url, prefix)
    logs = tmp_path_factory.mktemp("servers")
    servers = []
    for n in range(2):
        log = logs / f"server{n}.log"
        servers.append((*start_community_run(env, log), log))
    try:
        for base, process, log in servers:
            wait_until_serving(base, process, log)
        yield [base for base, _, _ in servers]
    finally:
        stop(*(process for _, process, _ in servers))
        delete_keys(redis_url, prefix)


def test_answer_posted_on_one_process_reaches_a_client_on_the_other(two_servers):
    host_a, host_b = two_servers
    suffix = uuid.uuid4().hex[:6]
    asker, helper = account(host_a, f"asker{suffix}"), account(host_b, f"helper{suffix}")
    thread = requests.post(f"{host_a}/api/v1/threads", headers={"Authorization": f"Bearer {asker}"},
                           json={"title": "Which simulation covers GDPR?", "body": "Asking."},
                           timeout=5).json()
    channel = f"thread:{thread['id']}"
    on_a, on_b = Listener(host_a, asker), Listener(host_b, helper)
    try:
        assert on_a.client.call("join", {"channel": channel}, timeout=5)["ok"]
        ack = on_b.client.call("join", {"channel": channel}, timeout=5)
        # Presence is shared through Redis: the client on B sees the user connected to A.
        assert {u["username"] for u in ack["presence"]} == {f"asker{suffix}", f"helper{suffix}"}

        reply = requests.post(f"{host_a}/api/v1/threads/{thread['id']}/answers",
                              headers={"Authorization": f"Bearer {asker}"},
                              json={"body": "Module 3, the data-handling scenario."}, timeout=5)
        assert reply.status_code == 201
        delivered = on_b.wait_for("answer_created", timeout=1.0)
        assert [e["data"]["id"] for e in delivered] == [reply.json()["id"]]
        assert on_a.wait_for("answer_created", timeout=1.0)
    finally:
        on_a.client.disconnect()
        on_b.client.disconnect()


def test_a_foreign_origin_cannot_open_a_socket(two_servers):
    host = two_servers[0]
    token = account(host, f"origin{uuid.uuid4().hex[:6]}")
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(host, auth={"token": token}, transports=["websocket"], wait_timeout=5,
                       headers={"Origin": "https://evil.example"})
    same_origin = Listener(host, token)
    assert same_origin.client.connected
    same_origin.client.disconnect()


def test_a_member_removed_through_one_process_loses_the_room_on_the_other(two_servers):
    """The kick crosses processes: A finds B's socket in the shared presence and asks B (through
    the Socket.IO message queue) to take it out of the room's channel."""
    host_a, host_b = two_servers
    suffix = uuid.uuid4().hex[:6]
    owner, member = account(host_a, f"owner{suffix}"), account(host_b, f"member{suffix}")
    headers = {"Authorization": f"Bearer {owner}"}
    room = requests.post(f"{host_a}/api/v1/rooms", headers=headers, timeout=5, json={
        "title": f"Private {suffix}", "private": True, "members": [f"member{suffix}"]}).json()
    channel = f"room:{room['slug']}"
    on_a, on_b = Listener(host_a, owner), Listener(host_b, member)
    try:
        assert on_a.client.call("join", {"channel": channel}, timeout=5)["ok"]
        assert on_b.client.call("join", {"channel": channel}, timeout=5)["ok"]
        removed = requests.delete(f"{host_a}/api/v1/rooms/{room['slug']}/members/member{suffix}",
                                  headers=headers, timeout=5)
        assert removed.status_code == 204
        assert on_b.wait_for("room_access_revoked", timeout=2.0)
        reply = requests.post(f"{host_a}/api/v1/rooms/{room['slug']}/messages", headers=headers,
                              json={"body": "after the removal"}, timeout=5)
        assert reply.status_code == 201
        assert on_a.wait_for("room_message", timeout=2.0)
        time.sleep(0.5)
        assert [e for e in on_b.events if e["type"] == "room_message"] == []
        refused = on_b.client.call("join", {"channel": channel}, timeout=5)
        assert refused["ok"] is False and refused["error"]["code"] == "not_found"
    finally:
        on_a.client.disconnect()
        on_b.client.disconnect()
