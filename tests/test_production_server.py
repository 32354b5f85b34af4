"""The production entry point: gunicorn -k gevent -w 1 wsgi:app serves pages, the API and sockets."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio

from tests.test_multiworker import Listener, _account, _free_port, _wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
COMMUNITY = Path(sys.executable).with_name("community")


@pytest.fixture(scope="module")
def gevent_server(tmp_path_factory: pytest.TempPathFactory):
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed (pip install -e '.[production]')")
    workdir = tmp_path_factory.mktemp("gevent")
    env = {**os.environ, "COMMUNITY_ENV": "production", "COMMUNITY_SECRET_KEY": uuid.uuid4().hex,
           "COMMUNITY_DATABASE_URL": f"sqlite:///{workdir}/prod.db", "COMMUNITY_ASYNC_MODE": "gevent",
           "COMMUNITY_RATELIMIT_ENABLED": "0", "COMMUNITY_INDEXER": "off", "PYTHONWARNINGS": "ignore"}
    subprocess.run([str(COMMUNITY), "db", "upgrade"], env=env, check=True, capture_output=True)
    port, log = _free_port(), workdir / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(GUNICORN), "-k", "gevent", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(base, process, log)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_gevent_worker_serves_the_api_and_live_events(gevent_server):
    token = _account(gevent_server, "gevent_user")
    headers = {"Authorization": f"Bearer {token}"}
    thread = requests.post(f"{gevent_server}/api/v1/threads", headers=headers, timeout=5,
                           json={"title": "Does the gevent worker stream events?", "body": "Check."}
                           ).json()
    listener = Listener(gevent_server, token)
    try:
        assert listener.client.call("join", {"channel": f"thread:{thread['id']}"}, timeout=5)["ok"]
        started = time.monotonic()
        reply = requests.post(f"{gevent_server}/api/v1/threads/{thread['id']}/answers",
                              headers=headers, json={"body": "It does."}, timeout=5)
        assert reply.status_code == 201
        assert listener.wait_for("answer_created", timeout=2.0)
        assert time.monotonic() - started < 2.0
    finally:
        listener.client.disconnect()
    assert requests.get(f"{gevent_server}/", timeout=5).status_code == 200


def test_polling_transport_also_works_under_gevent(gevent_server):
    token = _account(gevent_server, "polling_user")
    client = socketio.Client(reconnection=False)
    client.connect(gevent_server, auth={"token": token}, transports=["polling"], wait_timeout=5)
    try:
        assert client.call("join", {"channel": "threads"}, timeout=5)["ok"]
    finally:
        client.disconnect()
