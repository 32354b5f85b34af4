"""Configuration precedence and the secret-key rule."""

from __future__ import annotations

import pytest

from community import config as config_module
from community import create_app
from community.config import Config, DevelopmentConfig, environment_overrides, resolve_secret_key


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(RuntimeError, match="No secret key"):
        resolve_secret_key({"ENV": "production", "SECRET_KEY": None}, tmp_path)
    assert not (tmp_path / "secret_key").exists()


def test_development_generates_a_secret_key_once_and_keeps_it(tmp_path):
    first = resolve_secret_key({"ENV": "development", "SECRET_KEY": None}, tmp_path / "instance")
    second = resolve_secret_key({"ENV": "development", "SECRET_KEY": None}, tmp_path / "instance")
    assert first == second and len(first) == 64
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o777 == 0o600


def test_secret_key_file_is_used_in_production(tmp_path):
    (tmp_path / "secret_key").write_text("from-the-instance-folder\n")
    assert resolve_secret_key({"ENV": "production"}, tmp_path) == "from-the-instance-folder"


def test_environment_variables_override_defaults_with_the_defaults_type():
    base = {key: getattr(Config, key) for key in dir(Config) if key.isupper()}
    overrides = environment_overrides(base, {
        "COMMUNITY_LOGIN_REQUIRED": "1", "COMMUNITY_PRIVILEGE_DOWNVOTE": "75",
        "COMMUNITY_DATABASE_URL": "postgresql+psycopg://db/x", "UNRELATED": "ignored",
        "COMMUNITY_RATELIMIT_ENABLED": "0"})
    assert overrides == {"LOGIN_REQUIRED": True, "PRIVILEGE_DOWNVOTE": 75,
                         "DATABASE_URL": "postgresql+psycopg://db/x", "RATELIMIT_ENABLED": False}


def test_a_non_numeric_value_for_a_numeric_setting_fails_clearly():
    with pytest.raises(RuntimeError, match="COMMUNITY_PRIVILEGE_DOWNVOTE must be a whole number"):
        environment_overrides({"PRIVILEGE_DOWNVOTE": 50}, {"COMMUNITY_PRIVILEGE_DOWNVOTE": "lots"})


def test_create_app_applies_environment_over_instance_config(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("LOGIN_REQUIRED = True\nPRIVILEGE_DOWNVOTE = 10\n")
    monkeypatch.setattr(config_module, "INSTANCE_DIR", instance)
    monkeypatch.setattr("community.INSTANCE_DIR", instance)
    monkeypatch.setenv("COMMUNITY_PRIVILEGE_DOWNVOTE", "20")
    monkeypatch.setenv("COMMUNITY_DATABASE_URL", f"sqlite:///{tmp_path}/c.db")

    class Dev(DevelopmentConfig):
        pass

    app = create_app(Dev)
    assert app.config["LOGIN_REQUIRED"] is True  # from instance/config.py
    assert app.config["PRIVILEGE_DOWNVOTE"] == 20  # the environment wins
    assert (instance / "secret_key").exists()  # development generated one
