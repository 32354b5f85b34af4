"""Test helpers: database setup, an API client wrapper, and browser-style login."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def migrate_database(app: Flask) -> None:
    """Build the schema with the real Alembic migrations (never db.create_all)."""
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        from community.extensions import db

        db.engine.dispose()


def postgres_admin_url(url: str) -> str:
    """A psycopg URL to the server's maintenance database."""
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    return plain.rsplit("/", 1)[0] + "/postgres"


def truncate_all(url: str) -> None:
    """Empty every table and restart every id sequence between tests.

    DELETE with foreign-key triggers off (session_replication_role = replica, which needs a
    superuser, as the test server's postgres role is) takes a few milliseconds on these small
    tables; TRUNCATE of the ~30 tables takes about 300 ms, once per PostgreSQL test.
    """
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'")]
        if not tables:
            return
        try:
            with conn.transaction():
                conn.execute("SET LOCAL session_replication_role = replica")
                conn.execute("; ".join(f'DELETE FROM "{table}"' for table in tables))
                conn.execute("SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n "
                             "ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND n.nspname = 'public'")
        except psycopg.errors.InsufficientPrivilege:  # not a superuser: the slow, sure way
            conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")


class ApiClient:
    """JSON calls against /api/v1, anonymous or with a bearer token."""

    def __init__(self, app: Flask, token: str | None = None) -> None:
        self.app = app
        self.token = token
        self.client = app.test_client()

    def as_user(self, user: Any) -> ApiClient:
        from community.actions.users import create_api_token

        with self.app.app_context():
            token = create_api_token(user)
        return ApiClient(self.app, token)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def request(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        url = path if path.startswith("/") else f"/api/v1/{path}"
        headers = {**self._headers(), **kwargs.pop("headers", {})}
        return self.client.open(url, method=method.upper(), headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> TestResponse:
        return self.request("POST", path, json=json, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> TestResponse:
        return self.request("PATCH", path, json=json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> TestResponse:
        return self.request("PUT", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("DELETE", path, **kwargs)


def csrf_token_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "page has no csrf_token field"
    return match.group(1) or match.group(2)


class AuthActions:
    """Log in and out through the HTML forms, the way a browser does."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def csrf_token(self, path: str = "/login") -> str:
        return csrf_token_from(self.client.get(path).get_data(as_text=True))

    def login(self, login: str, password: str = "correct horse") -> TestResponse:
        token = self.csrf_token("/login")
        return self.client.post("/login", data={"login": login, "password": password,
                                                "csrf_token": token})

    def logout(self) -> TestResponse:
        token = self.csrf_token("/")
        return self.client.post("/logout", data={"csrf_token": token})


# The documented shapes of shared/API.md (objects may carry more fields, never fewer).
USER_FIELDS = {"id", "username", "display_name", "department", "job_role", "reputation",
               "avatar_url", "url"}
THREAD_FIELDS = {"id", "title", "body", "body_html", "tags", "author", "score", "view_count",
                 "answer_count", "accepted_answer_id", "solved", "created_at", "updated_at",
                 "last_activity_at", "url"}
ANSWER_FIELDS = {"id", "thread_id", "body", "body_html", "author", "score", "accepted",
                 "created_at", "updated_at", "url"}
ENVELOPE_FIELDS = {"id", "channel", "type", "data", "created_at"}
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def assert_error(response: TestResponse, status: int, code: str) -> dict:
    """The response is the documented error envelope with this status and code; returns it."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json, response.get_data(as_text=True)
    error = response.json["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    return error


def run_together(app: Flask, calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released at once, each in its own app context; re-raise errors."""
    from community.extensions import db

    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def worker(index: int, call: Callable[[], Any]) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[index] = call()
            except BaseException as exc:  # collected and re-raised in the main thread
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    if errors:
        raise errors[0]
    return results
