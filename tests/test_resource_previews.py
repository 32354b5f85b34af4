"""Link previews end to end: queued on share, fetched in the background, stored, refused safely."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import Result
from flask import Flask
from flask.cli import ScriptInfo

from community.cli import main
from community.previews.worker import fetch_pending_previews, start_fetcher
from tests.factories import make_user
from tests.support import ApiClient

PAGE = b"""<!doctype html><html><head><title>Pivot tables, step by step</title>
<meta name="description" content="Build a pivot table from raw sales data in five steps.">
</head><body><nav>Home | Courses</nav><main><h1>Pivot tables</h1>
<p>Select the range, insert a pivot table, drag Region to rows and Revenue to values.</p>
<script>var secret = "never indexed";</script></main></body></html>"""


def invoke(app: Flask, args: list[str]) -> Result:
    return app.test_cli_runner().invoke(main, args, obj=ScriptInfo(create_app=lambda: app))


class _Site(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        if self.path == "/slow":
            time.sleep(3)
        body = PAGE
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    _Site.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_shared_link_gets_its_preview_and_becomes_findable(make_app, site):
    app = make_app(FETCH_PREVIEWS=True, FETCH_ALLOWED_HOSTS="127.0.0.1")
    api = ApiClient(app).as_user(make_user(app, "alice"))
    shared = api.post("resources", json={"url": f"{site}/pivot"}).json
    assert shared["preview"] is None and shared["preview_status"] == "pending"
    assert shared["title"] == f"127.0.0.1:{site.rsplit(':', 1)[1]}/pivot"
    assert _Site.requests == []  # sharing never waits for the site
    assert fetch_pending_previews(app) == 1
    body = api.get(f"resources/{shared['id']}").json
    assert body["preview_status"] == "done"
    assert body["preview"]["title"] == "Pivot tables, step by step"
    assert body["preview"]["description"].startswith("Build a pivot table")
    assert body["title"] == "Pivot tables, step by step"  # the stand-in title is replaced
    assert body["description"].startswith("Build a pivot table")
    assert fetch_pending_previews(app) == 0


def test_a_title_given_by_the_sharer_is_kept(make_app, site):
    app = make_app(FETCH_PREVIEWS=True, FETCH_ALLOWED_HOSTS="127.0.0.1")
    api = ApiClient(app).as_user(make_user(app, "alice"))
    shared = api.post("resources", json={"url": f"{site}/pivot", "title": "My favourite guide",
                                         "description": "Short and clear."}).json
    fetch_pending_previews(app)
    body = api.get(f"resources/{shared['id']}").json
    assert (body["title"], body["description"]) == ("My favourite guide", "Short and clear.")
    assert body["preview"]["title"] == "Pivot tables, step by step"


def test_internal_addresses_are_refused_without_the_allow_list(make_app, site):
    app = make_app(FETCH_PREVIEWS=True)
    api = ApiClient(app).as_user(make_user(app, "alice"))
    shared = api.post("resources", json={"url": f"{site}/pivot"}).json
    assert fetch_pending_previews(app) == 1
    body = api.get(f"resources/{shared['id']}").json
    assert body["preview_status"] == "failed" and body["preview"] is None
    assert _Site.requests == []  # not a single byte went to the internal address


def test_previews_off_queues_nothing(make_app, site):
    app = make_app(FETCH_PREVIEWS=False, FETCH_ALLOWED_HOSTS="127.0.0.1")
    api = ApiClient(app).as_user(make_user(app, "alice"))
    shared = api.post("resources", json={"url": f"{site}/pivot"}).json
    assert shared["preview_status"] == "off"
    assert fetch_pending_previews(app) == 0 and _Site.requests == []


def test_the_background_fetcher_picks_up_new_links(make_app, site):
    app = make_app(FETCH_PREVIEWS=True, FETCH_ALLOWED_HOSTS="127.0.0.1", PREVIEW_FETCHER="thread")
    fetcher = start_fetcher(app)
    try:
        api = ApiClient(app).as_user(make_user(app, "alice"))
        started = time.monotonic()
        slow = api.post("resources", json={"url": f"{site}/slow"})
        assert slow.status_code == 201 and time.monotonic() - started < 2.5  # the 3 s site is not waited on
        fast = api.post("resources", json={"url": f"{site}/fast"}).json
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            statuses = {api.get(f"resources/{i}").json["preview_status"]
                        for i in (slow.json["id"], fast["id"])}
            if statuses == {"done"}:
                break
            time.sleep(0.1)
        assert statuses == {"done"}
    finally:
        fetcher.stop()


def test_cli_fetches_waiting_previews_and_requeues_failed_ones(make_app, site):
    app = make_app(FETCH_PREVIEWS=True)
    api = ApiClient(app).as_user(make_user(app, "alice"))
    shared = api.post("resources", json={"url": f"{site}/pivot"}).json
    result = invoke(app, ["previews", "fetch"])
    assert result.exit_code == 0, result.output
    assert "Fetched 1 previews." in result.output
    assert api.get(f"resources/{shared['id']}").json["preview_status"] == "failed"
    app.config["FETCH_ALLOWED_HOSTS"] = "127.0.0.1"  # the admin allows the intranet host
    result = invoke(app, ["previews", "fetch", "--retry-failed"])
    assert result.exit_code == 0, result.output
    assert "Queued 1 failed previews again." in result.output
    assert api.get(f"resources/{shared['id']}").json["preview_status"] == "done"


def test_cli_explains_that_previews_are_off(app):
    result = invoke(app, ["previews", "fetch"])
    assert result.exit_code != 0 and "COMMUNITY_FETCH_PREVIEWS=1" in result.output
