"""The operator surface: liveness and readiness probes, Prometheus metrics, request ids and logs."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from community.search import index_pending
from tests.factories import make_thread, make_user
from tests.support import ApiClient

REDIS_URL = os.environ.get("COMMUNITY_TEST_REDIS_URL", "")
REQUIRE_SERVICES = os.environ.get("COMMUNITY_REQUIRE_SERVICES") == "1"
ROOT = Path(__file__).resolve().parent.parent
PROBE_DEADLINE = 2.5  # seconds: a probe must answer within this even when a dependency hangs


def _samples(client: FlaskClient) -> dict[tuple[str, frozenset], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    families = text_string_to_metric_families(response.get_data(as_text=True))
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in families for sample in family.samples}


def _value(samples: dict[tuple[str, frozenset], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections and never answers (a hung Redis)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


def _timed_get(client: FlaskClient, path: str) -> tuple[object, float]:
    started = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - started


# --- probes -------------------------------------------------------------------------------------

def test_liveness_answers_without_touching_the_database(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/community.db")
    response = app.test_client().get("/livez")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readiness_reports_each_dependency(app, client):
    for path in ("/readyz", "/healthz"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.json == {"status": "ok", "checks": {
            "database": "ok", "redis": "not configured", "search": "not built", "indexer_lag": 0}}


def test_readiness_shows_the_indexer_lag_and_the_built_index(app, client):
    index_pending(app)
    make_thread(app, make_user(app, "asker"))
    behind = client.get("/readyz").json["checks"]
    assert behind["search"] == "ok" and behind["indexer_lag"] > 0
    index_pending(app)
    assert client.get("/readyz").json["checks"]["indexer_lag"] == 0


def test_readiness_fails_fast_naming_an_unreachable_database(make_app, database_url, tmp_path):
    bad_url = (f"sqlite:///{tmp_path}/missing/dir/community.db" if database_url.startswith("sqlite")
               else "postgresql+psycopg://postgres@127.0.0.1:1/nowhere")
    app = make_app(DATABASE_URL=bad_url)
    for path in ("/readyz", "/healthz"):
        response, seconds = _timed_get(app.test_client(), path)
        assert response.status_code == 503
        assert response.json["status"] == "unavailable"
        assert response.json["failed"] == ["database"]
        assert response.json["checks"]["database"] == "error"
        assert response.json["checks"]["indexer_lag"] is None
        assert seconds < PROBE_DEADLINE


def test_readiness_fails_fast_naming_an_unreachable_redis(make_app):
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0")
    response, seconds = _timed_get(app.test_client(), "/readyz")
    assert response.status_code == 503
    assert response.json["failed"] == ["redis"]
    assert response.json["checks"]["redis"] == "error"
    assert response.json["checks"]["database"] == "ok"
    assert seconds < PROBE_DEADLINE


def test_readiness_gives_up_on_a_hung_redis_and_does_not_pile_up_checks(make_app, silent_server):
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{silent_server}/0")
    client = app.test_client()
    for _ in range(2):  # the second probe finds the first check still waiting
        response, seconds = _timed_get(client, "/healthz")
        assert response.status_code == 503
        assert response.json["checks"]["redis"] == "timeout"
        assert seconds < PROBE_DEADLINE
    stuck = [t for t in app.extensions["community_readiness_threads"].values() if t.is_alive()]
    assert len(stuck) <= 1


def test_readiness_pings_a_live_redis(make_app):
    if not REDIS_URL:
        if REQUIRE_SERVICES:
            pytest.fail("COMMUNITY_TEST_REDIS_URL is not set but services are required")
        pytest.skip("Redis not configured (set COMMUNITY_TEST_REDIS_URL)")
    app = make_app(REDIS_URL=REDIS_URL, REDIS_PREFIX=f"community-test-{uuid.uuid4().hex[:8]}:")
    response = app.test_client().get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["checks"]["redis"] == "ok"


def test_login_required_mode_leaves_probes_and_metrics_open(make_app):
    client = make_app(LOGIN_REQUIRED=True).test_client()
    assert client.get("/").status_code == 302  # the site itself wants a login
    assert client.get("/livez").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/metrics").status_code == 200


# --- metrics ------------------------------------------------------------------------------------

def test_metrics_count_requests_by_endpoint_and_status(app, client):
    before = _samples(client)
    client.get("/livez")
    client.get("/livez")
    client.get("/no-such-page")
    after = _samples(client)
    livez = {"method": "GET", "endpoint": "operations.livez", "status": "200"}
    assert (_value(after, "community_http_requests_total", **livez)
            - _value(before, "community_http_requests_total", **livez)) == 2
    assert _value(after, "community_http_requests_total", method="GET", endpoint="unmatched",
                  status="404") >= 1
    assert _value(after, "community_http_request_duration_seconds_count",
                  endpoint="operations.livez") >= 2
    assert _value(after, "community_http_request_duration_seconds_bucket",
                  endpoint="operations.livez", le="+Inf") >= 2
    assert _value(after, "process_resident_memory_bytes") > 0


def test_metrics_report_current_state_and_published_events(app, client):
    make_thread(app, make_user(app, "asker"))
    samples = _samples(client)
    published = sum(value for (name, _), value in samples.items()
                    if name == "community_events_published_total")
    assert published >= 1
    assert _value(samples, "community_search_indexer_lag_events") >= 1
    assert _value(samples, "community_preview_queue_size") == 0
    assert _value(samples, "community_socketio_connected_sockets") == 0


def test_connected_sockets_gauge_follows_connects_and_disconnects(app, client):
    token = ApiClient(app).as_user(make_user(app, "viewer")).token
    sockets = [app.extensions["socketio"].test_client(app, auth={"token": token}) for _ in range(2)]
    assert _value(_samples(client), "community_socketio_connected_sockets") == 2
    sockets[0].disconnect()
    assert _value(_samples(client), "community_socketio_connected_sockets") == 1
    sockets[1].disconnect()


def test_metrics_are_refused_to_other_addresses_and_through_a_proxy(app, client):
    outsider = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert outsider.status_code == 404
    proxied = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"})
    assert proxied.status_code == 404
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


def test_metrics_allow_list_takes_networks(make_app):
    client = make_app(METRICS_ALLOWED_IPS="10.0.0.0/8, 192.0.2.5").test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.20.30.40"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.5"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 404


def test_a_bad_metrics_allow_list_stops_startup(make_app):
    with pytest.raises(RuntimeError, match="COMMUNITY_METRICS_ALLOWED_IPS"):
        make_app(METRICS_ALLOWED_IPS="localhost")


# --- request ids and logs -----------------------------------------------------------------------

def test_request_id_round_trips_and_tags_the_access_log(app, client, caplog):
    caplog.set_level(logging.INFO, logger="community.access")
    response = client.get("/no-such-page", headers={"X-Request-ID": "edge-7f3a.1"})
    assert response.headers["X-Request-ID"] == "edge-7f3a.1"
    [line] = [r for r in caplog.records if r.name == "community.access"]
    assert line.request_id == "edge-7f3a.1"
    assert (line.request_method, line.request_path, line.status) == ("GET", "/no-such-page", 404)
    assert line.duration_ms >= 0
    assert line.levelno == logging.INFO


@pytest.mark.parametrize("incoming", [None, "", "has space", "x" * 200, "new\nline", "<script>"])
def test_missing_or_unsafe_request_ids_are_replaced(client, incoming):
    environ = {} if incoming is None else {"HTTP_X_REQUEST_ID": incoming}  # raw: newlines too
    request_id = client.get("/livez", environ_base=environ).headers["X-Request-ID"]
    assert request_id != incoming and len(request_id) == 32 and request_id.isalnum()


def test_probe_and_scrape_access_lines_are_debug_only(app, client, caplog):
    caplog.set_level(logging.DEBUG, logger="community.access")
    client.get("/livez")
    client.get("/metrics")
    lines = [r for r in caplog.records if r.name == "community.access"]
    assert [r.levelno for r in lines] == [logging.DEBUG, logging.DEBUG]


def test_a_crash_is_logged_and_answered_with_the_request_id(make_app, caplog):
    app = make_app()

    @app.get("/api/v1/test-only-crash")
    def crash() -> None:
        raise RuntimeError("boom")

    response = app.test_client().get("/api/v1/test-only-crash", headers={"X-Request-ID": "crash-1"})
    assert response.status_code == 500
    assert response.json["error"]["request_id"] == "crash-1"
    assert response.headers["X-Request-ID"] == "crash-1"
    [failure] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failure.request_id == "crash-1" and failure.exc_info


def test_json_log_format_writes_one_object_per_line(tmp_path):
    script = (
        "import logging\n"
        "from community import create_app\n"
        "app = create_app()\n"
        "client = app.test_client()\n"
        "client.get('/no-such-page', headers={'X-Request-ID': 'json-1'})\n"
        "client.get('/livez')\n"
        "logging.getLogger('community.check').warning('outside any request')\n"
    )
    env = {**os.environ, "COMMUNITY_ENV": "production", "COMMUNITY_SECRET_KEY": uuid.uuid4().hex,
           "COMMUNITY_DATABASE_URL": f"sqlite:///{tmp_path}/community.db",
           "COMMUNITY_SEARCH_DIR": str(tmp_path / "search"), "COMMUNITY_INDEXER": "off",
           "COMMUNITY_PREVIEW_FETCHER": "off", "COMMUNITY_LOG_FORMAT": "json"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60, check=True)
    entries = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    access = [e for e in entries if e["logger"] == "community.access"]
    assert len(access) == 1  # the probe's line is DEBUG
    assert access[0]["request_id"] == "json-1"
    assert (access[0]["method"], access[0]["path"], access[0]["status"]) == ("GET", "/no-such-page", 404)
    assert access[0]["level"] == "INFO" and access[0]["duration_ms"] >= 0
    assert access[0]["time"].endswith("+00:00") and "GET /no-such-page 404" in access[0]["message"]
    [outside] = [e for e in entries if e["logger"] == "community.check"]
    assert outside["message"] == "outside any request" and "request_id" not in outside


def test_text_log_lines_carry_the_request_id(app: Flask, client, caplog):
    from community.logs import TextFormatter

    caplog.set_level(logging.INFO, logger="community.access")
    client.get("/no-such-page", headers={"X-Request-ID": "text-9"})
    [line] = [r for r in caplog.records if r.name == "community.access"]
    assert "INFO community.access [text-9]: GET /no-such-page 404" in TextFormatter().format(line)
