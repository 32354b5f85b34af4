"""Fixtures in the flaskr style: app, client, runner, api, auth, captured_events.

Every test that takes ``app`` runs on SQLite and, when COMMUNITY_TEST_DATABASE_URL is set, on
PostgreSQL too (COMMUNITY_REQUIRE_SERVICES=1 turns a missing service into a failure).
Both databases are built with the real migrations.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from community import create_app
from community.config import TestConfig

from .support import ApiClient, AuthActions, migrate_database, postgres_admin_url, truncate_all

REQUIRE_SERVICES = os.environ.get("COMMUNITY_REQUIRE_SERVICES") == "1"
PG_URL = os.environ.get("COMMUNITY_TEST_DATABASE_URL", "")

BACKENDS = ["sqlite", "postgresql"]


def _test_config(database_url: str, tmp_path: Path) -> type:
    class Config(TestConfig):
        DATABASE_URL = database_url
        SEARCH_DIR = str(tmp_path / "search_index")
        PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashes; production uses scrypt

    return Config


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated once; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    migrate_database(create_app(_test_config(f"sqlite:///{path}", path.parent)))
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this run, migrated once and dropped at the end."""
    if not PG_URL:
        if REQUIRE_SERVICES:
            pytest.fail("COMMUNITY_TEST_DATABASE_URL is not set but services are required")
        pytest.skip("PostgreSQL not configured (set COMMUNITY_TEST_DATABASE_URL)")
    import psycopg

    name = f"community_test_{uuid.uuid4().hex[:10]}"
    admin = postgres_admin_url(PG_URL)
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        if REQUIRE_SERVICES:
            pytest.fail(f"PostgreSQL is not reachable: {exc}")
        pytest.skip(f"PostgreSQL is not reachable: {exc}")
    url = PG_URL.rsplit("/", 1)[0] + "/" + name
    migrate_database(create_app(_test_config(url, Path("/tmp"))))
    yield url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "community.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    truncate_all(url)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(_test_config(database_url, tmp_path))
    yield app
    from community.extensions import db

    with app.app_context():
        db.engine.dispose()


# Threads of the concurrency tests each hold a connection: more than the default pool of five.
CONCURRENT_POOL = {"pool_size": 30, "max_overflow": 10}


@pytest.fixture
def pg_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app on the PostgreSQL test database with a pool large enough for concurrent threads."""
    from community.extensions import db

    url = request.getfixturevalue("postgres_url")
    config = type("Config", (_test_config(url, tmp_path),), {"SQLALCHEMY_ENGINE_OPTIONS": CONCURRENT_POOL})
    app = create_app(config)
    yield app
    with app.app_context():
        db.engine.dispose()
    truncate_all(url)


@pytest.fixture
def sqlite_file_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app on its own migrated SQLite file (concurrent writers need a file, not memory)."""
    from community.extensions import db

    path = tmp_path / "concurrent.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    app = create_app(_test_config(f"sqlite:///{path}", tmp_path))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(params=BACKENDS)
def threaded_app(request: pytest.FixtureRequest) -> Flask:
    """pg_app or sqlite_file_app: for tests of concurrent writers on both databases."""
    return request.getfixturevalue("sqlite_file_app" if request.param == "sqlite" else "pg_app")


@pytest.fixture
def make_app(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build another app on the test database with config overrides: ``make_app(LOGIN_REQUIRED=True)``."""
    from community.extensions import db

    apps: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        base = _test_config(database_url, tmp_path)
        app = create_app(type("OverriddenConfig", (base,), overrides))
        apps.append(app)
        return app

    yield factory
    for built in apps:
        with built.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def api(app: Flask) -> ApiClient:
    """An anonymous JSON API client; ``api.as_user(user)`` returns one with a bearer token."""
    return ApiClient(app)


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def captured_events(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Every event envelope the actions publish after commit, in order."""
    from community.realtime import publish

    published: list[dict] = []
    monkeypatch.setattr(publish, "publish_envelopes", published.extend)
    return published


@pytest.fixture
def no_badges(monkeypatch: pytest.MonkeyPatch) -> None:
    """Evaluate no badge rules: for tests about other notifications and events, so the badges
    a newcomer earns on the way (first question, first answer) don't show up in their counts."""
    from community.actions import badges

    monkeypatch.setattr(badges, "rules_for", lambda trigger: [])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Issue 10 records how many authorization cells (an endpoint or socket event for one principal) the
    matrix of tests/test_authorization_matrix.py checked; its tests report them as user_properties,
    which also reach the controller under pytest-xdist."""
    cells = sum(value for reports in terminalreporter.stats.values() for report in reports
                if getattr(report, "when", None) == "call"
                for name, value in getattr(report, "user_properties", ()) if name == "authz_cells")
    if cells:
        terminalreporter.write_sep("-", f"authorization matrix: {cells} cells checked")
