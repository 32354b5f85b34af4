"""Two hosts as the README deploys them (issue #11): each runs a production server process and its
own `community indexer` writing its own search index (COMMUNITY_INDEXER=external, separate
COMMUNITY_SEARCH_DIR); both share one PostgreSQL and one Redis.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from .servers import (
    COMMUNITY,
    Listener,
    account,
    delete_keys,
    poll,
    server_env,
    shared_redis_url,
    spawn,
    start_gunicorn,
    stop,
    wait_until_serving,
)

SEARCH_DEADLINE = 10.0  # API.md promises 2 s; the margin is for a busy test machine


@dataclass
class Host:
    base: str
    search_dir: Path


@pytest.fixture(scope="module")
def two_hosts(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Host]]:
    redis_url = shared_redis_url()
    prefix = f"community-hosts-{uuid.uuid4().hex[:8]}:"
    root = tmp_path_factory.mktemp("hosts")
    processes: list[subprocess.Popen] = []
    hosts, servers = [], []
    try:
        for name in ("a", "b"):
            search_dir = root / name / "search_index"
            env = server_env(postgres_url, redis_url, prefix, INDEXER="external",
                             SEARCH_DIR=str(search_dir))
            processes.append(spawn([str(COMMUNITY), "indexer"], env, root / f"indexer-{name}.log"))
            base, server = start_gunicorn(env, root / f"server-{name}.log")
            processes.append(server)
            servers.append((base, server, root / f"server-{name}.log"))
            hosts.append(Host(base, search_dir))
        for base, server, log in servers:
            wait_until_serving(base, server, log)
        yield hosts
    finally:
        stop(*processes)
        delete_keys(redis_url, prefix)


def _found(host: Host, query: str) -> set[int]:
    reply = requests.get(f"{host.base}/api/v1/search", params={"q": query}, timeout=5)
    assert reply.status_code == 200, reply.text
    return {r["thread_id"] or r["id"] for r in reply.json()["results"] if r["type"] == "thread"}


def test_a_question_posted_on_one_host_is_found_and_updated_in_the_others_search(two_hosts):
    host_a, host_b = two_hosts
    suffix = uuid.uuid4().hex[:6]
    token = account(host_a.base, f"searcher{suffix}")
    headers = {"Authorization": f"Bearer {token}"}
    thread = requests.post(f"{host_a.base}/api/v1/threads", headers=headers, timeout=5, json={
        "title": f"Where is the okapi{suffix} simulation?", "body": "Looking for it."}).json()

    assert poll(lambda: thread["id"] in _found(host_b, f"okapi{suffix}"), SEARCH_DEADLINE)
    # A's own replica has it too (its indexer runs on its own schedule, so it may come second).
    assert poll(lambda: thread["id"] in _found(host_a, f"okapi{suffix}"), SEARCH_DEADLINE)

    edited = requests.patch(f"{host_a.base}/api/v1/threads/{thread['id']}", headers=headers,
                            timeout=5, json={"title": f"Where is the quokka{suffix} simulation?"})
    assert edited.status_code == 200, edited.text
    assert poll(lambda: thread["id"] in _found(host_b, f"quokka{suffix}")
                and not _found(host_b, f"okapi{suffix}"), SEARCH_DEADLINE)
    # Two replicas, written by two indexers: neither host reads the other's directory.
    assert (host_a.search_dir / "CURRENT").is_file() and (host_b.search_dir / "CURRENT").is_file()


def test_live_events_and_presence_cross_hosts(two_hosts):
    host_a, host_b = two_hosts
    suffix = uuid.uuid4().hex[:6]
    asker, helper = account(host_a.base, f"asker{suffix}"), account(host_b.base, f"helper{suffix}")
    thread = requests.post(f"{host_a.base}/api/v1/threads", timeout=5,
                           headers={"Authorization": f"Bearer {asker}"},
                           json={"title": "Which host answers me live?", "body": "Asking."}).json()
    channel = f"thread:{thread['id']}"
    on_a, on_b = Listener(host_a.base, asker), Listener(host_b.base, helper)
    try:
        assert on_a.client.call("join", {"channel": channel}, timeout=5)["ok"]
        ack = on_b.client.call("join", {"channel": channel}, timeout=5)
        assert {u["username"] for u in ack["presence"]} == {f"asker{suffix}", f"helper{suffix}"}
        reply = requests.post(f"{host_a.base}/api/v1/threads/{thread['id']}/answers",
                              headers={"Authorization": f"Bearer {asker}"},
                              json={"body": "Both of them."}, timeout=5)
        assert reply.status_code == 201
        delivered = on_b.wait_for("answer_created", timeout=5)
        assert [e["data"]["id"] for e in delivered] == [reply.json()["id"]]
    finally:
        on_a.client.disconnect()
        on_b.client.disconnect()
