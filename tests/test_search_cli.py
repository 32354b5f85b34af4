"""`community reindex` and `community indexer`, and a server killed with SIGKILL mid-write."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from flask.cli import ScriptInfo
from sqlalchemy import select

from community import search
from community.cli import main
from community.extensions import db
from community.models import Post, PostType
from community.search import storage
from tests.factories import make_thread, make_user
from tests.support import ApiClient

COMMUNITY = Path(sys.executable).with_name("community")


def invoke(app, args: list[str]):
    return app.test_cli_runner().invoke(main, args, obj=ScriptInfo(create_app=lambda: app))


def found_ids(app, q: str) -> list[int]:
    return [r["id"] for r in ApiClient(app).get("search", query_string={"q": q}).json["results"]]


def test_reindex_rebuilds_into_a_new_generation_with_progress(app):
    alice = make_user(app, "alice")
    thread = make_thread(app, alice, "Reindexing finds this question again", body="Yes.")
    search.index_pending(app)
    root = Path(app.config["SEARCH_DIR"])
    before = storage.current_generation(root)
    result = invoke(app, ["reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 1 threads, 0 room messages and 0 resources (1 documents)" in result.output
    after = storage.current_generation(root)
    assert after != before and after in result.output
    assert found_ids(app, "reindexing") == [thread.id]


def test_the_indexer_command_applies_pending_events_and_refuses_a_second_writer(app, make_app):
    alice = make_user(app, "alice")
    search.index_pending(app)
    thread = make_thread(app, alice, "Indexed by the separate indexer process", body="Yes.")
    result = invoke(app, ["indexer", "--once"])
    assert result.exit_code == 0, result.output
    assert "Applied" in result.output and found_ids(app, "separate") == [thread.id]
    threaded = make_app(INDEXER="thread")
    refused = invoke(threaded, ["indexer"])
    assert refused.exit_code != 0 and "COMMUNITY_INDEXER=external" in refused.output


# --- a server killed with SIGKILL in the middle of writes ---------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        process = subprocess.Popen([str(COMMUNITY), "run", "--port", str(port)], env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/threads", timeout=1)
            return process
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the server did not start:\n" + log.read_text()[-3000:])


def _ask(port: int, token: str, n: int) -> int | None:
    body = json.dumps({"title": f"Crashproof question number {n}", "body": "kilo text",
                       "tags": []}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/threads", data=body, method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())["id"]
    except (urllib.error.URLError, ConnectionError, OSError):
        return None


def _search(port: int) -> set[int]:
    url = f"http://127.0.0.1:{port}/api/v1/search?q=crashproof&per_page=100"
    with urllib.request.urlopen(url, timeout=5) as response:
        return {r["id"] for r in json.loads(response.read())["results"]}


@pytest.mark.skipif(not COMMUNITY.exists(), reason="the community command is not installed")
def test_a_server_killed_mid_write_indexes_every_committed_post_after_restart(app, database_url,
                                                                               tmp_path):
    token = ApiClient(app).as_user(make_user(app, "writer")).token
    port = _free_port()
    env = {**os.environ, "COMMUNITY_ENV": "production", "COMMUNITY_SECRET_KEY": "crash-test",
           "COMMUNITY_DATABASE_URL": database_url, "COMMUNITY_SEARCH_DIR": app.config["SEARCH_DIR"],
           "COMMUNITY_INDEXER": "thread", "COMMUNITY_RATELIMIT_ENABLED": "0"}
    log = tmp_path / "server.log"
    server = _start(env, port, log)
    acknowledged: list[int] = []
    stop = threading.Event()

    def write() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            created = _ask(port, token, n)
            if created is not None:
                acknowledged.append(created)

    writer = threading.Thread(target=write)
    writer.start()
    while len(acknowledged) < 15:
        time.sleep(0.01)
    server.send_signal(signal.SIGKILL)  # mid-write, mid-indexing
    server.wait(10)
    stop.set()
    writer.join(10)
    server = _start(env, port, log)
    try:
        with app.app_context():
            committed = set(db.session.scalars(select(Post.id).where(
                Post.post_type == PostType.QUESTION.value)))
        assert set(acknowledged) <= committed
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _search(port) != committed:
            time.sleep(0.1)
        found = _search(port)
        assert found == committed, (sorted(committed - found), sorted(found - committed),
                                    log.read_text()[-3000:])  # every committed post, nothing else
    finally:
        server.terminate()
        server.wait(10)
