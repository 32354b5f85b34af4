"""The `community` command: accounts, migrations, and migrations matching the models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask.cli import ScriptInfo
from sqlalchemy import create_engine, inspect

from community import create_app
from community.cli import main
from community.extensions import db
from tests.conftest import _test_config
from tests.support import ApiClient

PASSWORD = "a long enough password"


def invoke(app, args: list[str], stdin: str | None = None):
    return app.test_cli_runner().invoke(main, args, input=stdin,
                                        obj=ScriptInfo(create_app=lambda: app))


def test_create_user_reads_the_password_from_stdin_and_sets_the_role(app):
    result = invoke(app, ["create-user", "Moddy", "--email", "moddy@example.com", "--role",
                          "moderator", "--password-stdin"], stdin=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Moddy" in result.output
    api = ApiClient(app)
    response = api.post("auth/tokens", {"login": "moddy", "password": PASSWORD})
    assert response.status_code == 201
    me = api.get("me", headers={"Authorization": f"Bearer {response.json['token']}"}).json
    assert me["username"] == "Moddy" and me["role"] == "moderator"


def test_create_user_defaults_to_member(app):
    result = invoke(app, ["create-user", "plain", "--email", "plain@example.com",
                          "--password-stdin"], stdin=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert ApiClient(app).get("users/plain").json["role"] == "member"


def test_create_user_prompts_for_the_password_twice(app):
    result = invoke(app, ["create-user", "prompted", "--email", "p@example.com"],
                    stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert ApiClient(app).post("auth/tokens", {"login": "prompted", "password": PASSWORD}
                               ).status_code == 201


def test_create_user_refuses_a_taken_username_clearly(app):
    args = ["create-user", "alice", "--email", "alice@example.com", "--password-stdin"]
    assert invoke(app, args, stdin=PASSWORD + "\n").exit_code == 0
    result = invoke(app, ["create-user", "ALICE", "--email", "other@example.com",
                          "--password-stdin"], stdin=PASSWORD + "\n")
    assert result.exit_code != 0
    assert "username" in result.output and "taken" in result.output
    assert "Traceback" not in result.output


def test_create_user_refuses_a_short_password_clearly(app):
    result = invoke(app, ["create-user", "bob", "--email", "bob@example.com", "--password-stdin"],
                    stdin="short\n")
    assert result.exit_code != 0
    assert "password" in result.output and "8" in result.output


def test_create_user_refuses_an_unknown_role(app):
    result = invoke(app, ["create-user", "bob", "--email", "bob@example.com", "--role", "king",
                          "--password-stdin"], stdin=PASSWORD + "\n")
    assert result.exit_code != 0 and "king" in result.output


def _expected_tables() -> set[str]:
    return set(db.metadata.tables) | {"alembic_version"}


def test_db_upgrade_creates_every_table_on_a_fresh_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    app = create_app(_test_config(url, tmp_path))
    result = invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    engine = create_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) == _expected_tables()
    finally:
        engine.dispose()
        with app.app_context():
            db.engine.dispose()


def test_the_installed_community_command_upgrades_a_database(tmp_path):
    database = tmp_path / "cli.db"
    env = {**os.environ, "COMMUNITY_DATABASE_URL": f"sqlite:///{database}",
           "COMMUNITY_SECRET_KEY": "cli-test-secret", "COMMUNITY_ENV": "production",
           "COMMUNITY_SEARCH_DIR": str(tmp_path / "search")}
    script = Path(sys.executable).with_name("community")
    result = subprocess.run([str(script), "db", "upgrade"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    engine = create_engine(f"sqlite:///{database}")
    try:
        assert set(inspect(engine).get_table_names()) == _expected_tables()
    finally:
        engine.dispose()


def test_migrations_match_the_models(app):
    """Autogenerate against the migrated database finds nothing: no model change lacks a migration."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "compare_server_default": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "\n".join(map(str, differences))


@pytest.mark.parametrize("command", [["--help"], ["create-user", "--help"], ["db", "--help"]])
def test_help_is_available_for_the_commands(app, command):
    result = invoke(app, command)
    assert result.exit_code == 0 and "Usage" in result.output


def test_a_server_process_keeps_its_startup_objects_out_of_full_collections(app):
    import gc

    from community import freeze_startup_objects

    before = gc.get_freeze_count()
    try:
        freeze_startup_objects()
        # The app's objects, among them, are now in the permanent generation.
        assert gc.get_freeze_count() > before + 10_000
    finally:
        gc.unfreeze()
