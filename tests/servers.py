"""Real server processes for the multi-process tests: start, wait, stop, and talk to them.

Used by test_multiworker.py, test_two_hosts.py and test_redis_outage.py. Everything binds to
127.0.0.1 on free ports; every wait has a deadline.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("COMMUNITY_REQUIRE_SERVICES") == "1"
COMMUNITY = Path(sys.executable).with_name("community")
GUNICORN = Path(sys.executable).with_name("gunicorn")

T = TypeVar("T")


def skip_or_fail(reason: str) -> None:
    """A missing service skips the test, or fails it when COMMUNITY_REQUIRE_SERVICES=1 (CI)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} but services are required (COMMUNITY_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def shared_redis_url() -> str:
    """The test Redis (COMMUNITY_TEST_REDIS_URL), checked to answer."""
    url = os.environ.get("COMMUNITY_TEST_REDIS_URL", "")
    if not url:
        skip_or_fail("Redis not configured (set COMMUNITY_TEST_REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        skip_or_fail(f"Redis is not reachable: {exc}")
    return url


def delete_keys(redis_url: str, prefix: str) -> None:
    import redis

    conn = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
    for key in conn.scan_iter(f"{prefix}*"):
        conn.delete(key)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, redis_url: str, prefix: str, **settings: str) -> dict[str, str]:
    """A production environment on the test services; ``settings`` are COMMUNITY_<KEY> values."""
    env = {**os.environ, "COMMUNITY_ENV": "production", "COMMUNITY_DATABASE_URL": database_url,
           "COMMUNITY_REDIS_URL": redis_url, "COMMUNITY_REDIS_PREFIX": prefix,
           "COMMUNITY_RATELIMIT_ENABLED": "0", "COMMUNITY_INDEXER": "off", "PYTHONWARNINGS": "ignore"}
    env.setdefault("COMMUNITY_SECRET_KEY", "multi-process-tests-" + prefix)
    env.update({f"COMMUNITY_{key}": value for key, value in settings.items()})
    return env


def spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def start_community_run(env: dict[str, str], log: Path) -> tuple[str, subprocess.Popen]:
    """`community run` (Werkzeug, threading mode) on a free port; returns (base URL, process)."""
    port = free_port()
    return f"http://127.0.0.1:{port}", spawn([str(COMMUNITY), "run", "--port", str(port)], env, log)


def start_gunicorn(env: dict[str, str], log: Path) -> tuple[str, subprocess.Popen]:
    """The production server, `gunicorn -k gevent -w 1 wsgi:app`, on a free port."""
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed (pip install -e '.[production]')")
    port = free_port()
    command = [str(GUNICORN), "-k", "gevent", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"]
    return f"http://127.0.0.1:{port}", spawn(command, {**env, "COMMUNITY_ASYNC_MODE": "gevent"}, log)


def stop(*processes: subprocess.Popen | None) -> None:
    """Terminate (gunicorn: interrupt, its quick shutdown), then kill what runs after 10 seconds."""
    for process in processes:
        if process is not None and process.poll() is None:
            quick = signal.SIGINT if Path(str(process.args[0])).name == "gunicorn" else signal.SIGTERM
            process.send_signal(quick)
    for process in processes:
        if process is None:
            continue
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def wait_until_serving(base: str, process: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
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


def poll(probe: Callable[[], T | None], timeout: float, interval: float = 0.2) -> T | None:
    """Call ``probe`` until it returns something truthy or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found or time.monotonic() >= deadline:
            return found
        time.sleep(interval)


def account(base: str, username: str) -> str:
    """Register ``username`` through the API and return a bearer token for it."""
    requests.post(f"{base}/api/v1/auth/register", json={
        "username": username, "email": f"{username}@example.com", "password": "long enough"},
        timeout=10)
    reply = requests.post(f"{base}/api/v1/auth/tokens",
                          json={"login": username, "password": "long enough"}, timeout=10)
    return reply.json()["token"]


class Listener:
    """A real Socket.IO client (websocket transport) that records what it receives."""

    def __init__(self, base: str, token: str, *, reconnection: bool = False) -> None:
        self.events: list[dict] = []
        self.disconnects = 0
        self.arrived = threading.Event()
        self.client = socketio.Client(reconnection=reconnection, reconnection_delay=0.5,
                                      reconnection_delay_max=2)
        self.client.on("*", self._record)
        self.client.on("disconnect", self._disconnected)
        self.client.connect(base, auth={"token": token}, transports=["websocket"], wait_timeout=5)

    def _record(self, name: str, envelope: dict) -> None:
        self.events.append(envelope)
        self.arrived.set()

    def _disconnected(self, *reason: Any) -> None:
        self.disconnects += 1

    def wait_for(self, type_: str, timeout: float) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [e for e in self.events if e["type"] == type_]
            if found:
                return found
            self.arrived.wait(0.05)
            self.arrived.clear()
        return []


def rate_limited_apps(storage: str, make_app: Callable[..., Any], **defaults: Any
                      ) -> Iterator[Callable[..., Any]]:
    """For a fixture parametrized on ``storage``: ``make_app`` with rate limits on (and
    ``defaults``), counting in memory, or in a Redis key prefix of this test's own, shared by every
    app it makes (as workers share it) and deleted afterwards."""
    if storage == "memory":
        yield lambda **overrides: make_app(RATELIMIT_ENABLED=True, **{**defaults, **overrides})
        return
    redis_url = shared_redis_url()
    prefix = f"community-test-{uuid.uuid4().hex[:8]}:"
    try:
        yield lambda **overrides: make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url,
                                           REDIS_PREFIX=prefix, **{**defaults, **overrides})
    finally:
        delete_keys(redis_url, prefix)
