"""Losing Redis for a while: the site keeps serving, live updates resume, clients catch up.

Two production server processes (gunicorn -k gevent, rate limits on as in production) share the
test PostgreSQL and a private redis-server that the test stops and starts again on the same port.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests

from .servers import (
    Listener,
    account,
    free_port,
    poll,
    server_env,
    skip_or_fail,
    spawn,
    start_gunicorn,
    stop,
    wait_until_serving,
)


@dataclass
class PrivateRedis:
    """A redis-server of this test's own, which it may stop and start again on the same port."""

    binary: str
    port: int
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)

    def start(self) -> None:
        self.process = spawn([self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--daemonize", "no"], {}, self.log)
        if not poll(self._answers, timeout=10):
            raise RuntimeError(f"redis-server did not start: {self.log.read_text()[-1000:]}")

    def stop(self) -> None:
        stop(self.process)
        self.process = None

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def subscribers(self, channel: str) -> int:
        return dict(self.client().pubsub_numsub(channel)).get(channel.encode(), 0)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    binary = shutil.which("redis-server")
    if binary is None:
        skip_or_fail("redis-server is not on PATH (apt-get install redis-server)")
    server = PrivateRedis(binary, free_port(), tmp_path / "redis.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Site:
    hosts: list[str]
    redis: PrivateRedis
    channel: str  # the Socket.IO message queue's Redis channel


@pytest.fixture
def site(postgres_url: str, private_redis: PrivateRedis, tmp_path: Path) -> Iterator[Site]:
    prefix = f"community-outage-{uuid.uuid4().hex[:8]}:"
    env = server_env(postgres_url, private_redis.url, prefix, RATELIMIT_ENABLED="1")
    servers = []
    try:
        for n in range(2):
            log = tmp_path / f"server{n}.log"
            servers.append((*start_gunicorn(env, log), log))
        for base, process, log in servers:
            wait_until_serving(base, process, log)
        yield Site([base for base, _, _ in servers], private_redis, f"{prefix}socketio")
    finally:
        stop(*(process for _, process, _ in servers))


def _post_answer(base: str, token: str, thread_id: int, body: str) -> int:
    reply = requests.post(f"{base}/api/v1/threads/{thread_id}/answers", json={"body": body},
                          headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert reply.status_code == 201, reply.text
    return reply.json()["id"]


def _answers_in(events: list[dict]) -> list[int]:
    return [e["data"]["id"] for e in events if e["type"] == "answer_created"]


def _assert_serving_without_redis(host: str, thread_id: int) -> None:
    for path in ("/", f"/questions/{thread_id}", f"/api/v1/threads/{thread_id}"):
        assert requests.get(f"{host}{path}", timeout=5).status_code == 200, path
    assert requests.get(f"{host}/livez", timeout=5).status_code == 200
    ready = requests.get(f"{host}/readyz", timeout=5)
    assert ready.status_code == 503
    assert ready.json()["failed"] == ["redis"]
    assert ready.json()["checks"]["redis"] in {"error", "timeout"}
    assert ready.json()["checks"]["database"] == "ok"


def test_the_site_survives_a_redis_outage_and_clients_catch_up(site: Site):
    host_a, host_b = site.hosts
    user = f"outage{uuid.uuid4().hex[:6]}"
    token = account(host_a, user)
    thread = requests.post(f"{host_a}/api/v1/threads", headers={"Authorization": f"Bearer {token}"},
                           json={"title": "What happens when Redis goes away?", "body": "Asking."},
                           timeout=5).json()
    channel = f"thread:{thread['id']}"
    listener = Listener(host_b, token, reconnection=True)  # on B; every post goes through A
    try:
        assert listener.client.call("join", {"channel": channel}, timeout=5)["ok"]
        before = _post_answer(host_a, token, thread["id"], "Posted while Redis is up.")
        assert listener.wait_for("answer_created", timeout=5)
        # What a client remembers: the last event id it saw before the outage.
        seen_before_outage = max(e["id"] for e in listener.events if e["id"] is not None)

        site.redis.stop()
        during = []
        for host in (host_a, host_b):
            _assert_serving_without_redis(host, thread["id"])
            during += [_post_answer(host, token, thread["id"], f"Posted on {host} without Redis, {n}.")
                       for n in range(2)]
        login = requests.post(f"{host_b}/api/v1/auth/tokens", timeout=10,
                              json={"login": user, "password": "long enough"})
        assert login.status_code == 201, login.text  # login throttling counts in memory meanwhile
        # A client that (re)connects while Redis is down still joins and catches up from the log.
        late = Listener(host_a, token)
        try:
            ack = late.client.call("join", {"channel": channel, "after": seen_before_outage}, timeout=5)
            assert ack["ok"], ack
            assert _answers_in(ack["missed"]) == during
        finally:
            late.client.disconnect()

        site.redis.start()  # same port: the servers reconnect on their own
        for host in (host_a, host_b):
            assert poll(lambda h=host: requests.get(f"{h}/readyz", timeout=5).status_code == 200,
                        timeout=10), f"{host} never became ready again"
        # Both processes listen on the message queue again (python-socketio retries with backoff).
        assert poll(lambda: site.redis.subscribers(site.channel) >= 2, timeout=20)
        # The socket on B stayed connected through the outage and missed the answers posted
        # meanwhile: its server tells it to catch up, and it re-joins from its last id (below).
        assert poll(lambda: any(e["type"] == "catch_up" for e in listener.events), timeout=5), \
            "the server nudges its connected clients to catch up"
        assert listener.disconnects == 0
        after = _post_answer(host_a, token, thread["id"], "Posted after Redis came back.")
        assert poll(lambda: after in _answers_in(listener.events), timeout=5), "live updates resumed"

        ack = listener.client.call("join", {"channel": channel, "after": seen_before_outage}, timeout=5)
        assert ack["ok"] and not ack["resync"]
        ids = [e["id"] for e in ack["missed"]]
        assert ids == sorted(set(ids)), "in order, no duplicates"
        assert _answers_in(ack["missed"]) == [*during, after]
        thread_now = requests.get(f"{host_b}/api/v1/threads/{thread['id']}", timeout=5).json()
        assert sorted(a["id"] for a in thread_now["answers"]) == sorted([before, *during, after])
    finally:
        listener.client.disconnect()
