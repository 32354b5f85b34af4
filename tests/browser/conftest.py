"""A live server (the real app on a migrated SQLite file, served by Werkzeug in a thread) and
headless Debian Chromium driven by Playwright. Never runs `playwright install`."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask

from community import create_app
from community.config import TestConfig
from tests.support import migrate_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("COMMUNITY_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{CHROMIUM} is missing but COMMUNITY_REQUIRE_BROWSER=1")
    pytest.skip(f"{CHROMIUM} is not installed")


def make_live_app(data_dir: Path, **overrides: object) -> Flask:
    """The real app on a migrated SQLite file in ``data_dir``, with any config ``overrides``."""

    class LiveConfig(TestConfig):
        DATABASE_URL = f"sqlite:///{data_dir / 'community.db'}"
        SEARCH_DIR = str(data_dir / "search_index")
        PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"

    config = type("LiveConfig", (LiveConfig,), overrides)
    migrate_database(create_app(config))
    return create_app(config)


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free port in a thread; yields the base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return make_live_app(tmp_path_factory.mktemp("live"))


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """The base URL of the app served on a free port for the whole session."""
    with serving(live_app) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
