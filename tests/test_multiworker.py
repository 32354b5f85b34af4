"""Two real server processes sharing PostgreSQL and Redis: events and presence span both."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio

REDIS_URL = os.environ.get("COMMUNITY_TEST_REDIS_URL", "")
REQUIRE_SERVICES = os.environ.get("COMMUNITY_REQUIRE_SERVICES") == "1"
COMMUNITY = Path(sys.executable).with_name("community")


@pytest.fixture(scope="module")
def redis_url() -> str:
    if not REDIS_URL:
        if REQUIRE_SERVICES:
            pytest.fail("COMMUNITY_TEST_REDIS_URL is not set but services are required")
        pytest.skip("Redis not configured (set COMMUNITY_TEST_REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if REQUIRE_SERVICES:
            pytest.fail(f"Redis is not reachable: {exc}")
        pytest.skip(f"Redis is not reachable: {exc}")
    return REDIS_URL


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(base: str, process: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        try:
            if requests.get(f"{base}/api/v1/threads", timeout=1).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # bound, but the worker still boots
            time.sleep(0.2)
    raise RuntimeError(f"{base} did not start")


@pytest.fixture(scope="module")
def two_servers(postgres_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory):
    prefix = f"community-test-{uuid.uuid4().hex[:8]}:"
    env = {**os.environ, "COMMUNITY_ENV": "production", "COMMUNITY_SECRET_KEY": uuid.uuid4().hex,
           "COMMUNITY_DATABASE_URL": postgres_url, "COMMUNITY_REDIS_URL": redis_url,
           "COMMUNITY_REDIS_PREFIX": prefix, "COMMUNITY_RATELIMIT_ENABLED": "0",
           "COMMUNITY_INDEXER": "off", "PYTHONWARNINGS": "ignore"}
    servers = []
    logs = tmp_path_factory.mktemp("servers")
    for n in range(2):
        port, log = _free_port(), logs / f"server{n}.log"
        with log.open("wb") as out:
            process = subprocess.Popen([str(COMMUNITY), "run", "--port", str(port)], env=env,
                                       stdout=out, stderr=subprocess.STDOUT)
        servers.append((f"http://127.0.0.1:{port}", process, log))
    try:
        for base, process, log in servers:
            _wait_until_serving(base, process, log)
        yield [base for base, _, _ in servers]
    finally:
        for _, process, _ in servers:
            process.terminate()
            process.wait(timeout=10)
        import redis

        conn = redis.Redis.from_url(redis_url)
        for key in conn.scan_iter(f"{prefix}*"):
            conn.delete(key)


def _account(base: str, username: str) -> str:
    requests.post(f"{base}/api/v1/auth/register", json={
        "username": username, "email": f"{username}@example.com", "password": "long enough"},
        timeout=5)
    reply = requests.post(f"{base}/api/v1/auth/tokens",
                          json={"login": username, "password": "long enough"}, timeout=5)
    return reply.json()["token"]


class Listener:
    """A real Socket.IO client (websocket transport) that records what it receives."""

    def __init__(self, base: str, token: str) -> None:
        self.events: list[dict] = []
        self.arrived = threading.Event()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._record)
        self.client.connect(base, auth={"token": token}, transports=["websocket"], wait_timeout=5)

    def _record(self, name: str, envelope: dict) -> None:
        self.events.append(envelope)
        self.arrived.set()

    def wait_for(self, type_: str, timeout: float) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [e for e in self.events if e["type"] == type_]
            if found:
                return found
            self.arrived.wait(0.05)
            self.arrived.clear()
        return []


def test_answer_posted_on_one_process_reaches_a_client_on_the_other(two_servers):
    host_a, host_b = two_servers
    suffix = uuid.uuid4().hex[:6]
    asker, helper = _account(host_a, f"asker{suffix}"), _account(host_b, f"helper{suffix}")
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
    token = _account(host, f"origin{uuid.uuid4().hex[:6]}")
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
    owner, member = _account(host_a, f"owner{suffix}"), _account(host_b, f"member{suffix}")
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
