"""Community: a self-hosted peer-learning community server."""

from __future__ import annotations

import gc
import os
from typing import Any

from flask import Flask

from .config import CONFIG_BY_ENV, INSTANCE_DIR, ROOT, environment_overrides, resolve_secret_key
from .logs import configure_logging
from .web.routing import LazyBuilderRule


def create_app(config: dict[str, Any] | type | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, socket handlers and the CLI.

    ``config`` may be a config class or a dict of overrides (tests pass both).
    """
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(INSTANCE_DIR),
        instance_relative_config=True,
    )
    app.url_rule_class = LazyBuilderRule
    _load_config(app, config)
    app.json.sort_keys = False  # keep payload fields in the documented order
    from .web import operations

    operations.init_app(app)  # first: its request hooks (ids, timing, access log) wrap all others
    _init_extensions(app)
    _register_blueprints(app)
    return app


def freeze_startup_objects() -> None:
    """Keep what startup built (modules, mappers, routes, prepared statements) out of the garbage
    collector's full passes: a server process holds it for life, and with it a full pass held
    the interpreter for about 150 ms, stalling every connected socket (0.6 ms after this)."""
    gc.collect()
    gc.freeze()


def _load_config(app: Flask, config: dict[str, Any] | type | None) -> None:
    env = os.environ.get("COMMUNITY_ENV", "production")
    if isinstance(config, type):
        base = config
    else:
        base = CONFIG_BY_ENV.get(env)
        if base is None:
            raise RuntimeError("COMMUNITY_ENV must be production, development or testing")
    app.config.from_object(base)
    if base.ENV != "testing":
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(environment_overrides(app.config, os.environ))
    if isinstance(config, dict):
        app.config.update(config)
    app.config["SECRET_KEY"] = resolve_secret_key(app.config, INSTANCE_DIR)
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    app.config["SQLALCHEMY_ECHO"] = app.config.get("SQL_ECHO", False)
    app.config["RATELIMIT_ENABLED"] = bool(app.config["RATELIMIT_ENABLED"])
    if app.config["REDIS_URL"]:
        app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"])
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    if str(app.config["DATABASE_URL"]).startswith("sqlite:///"):
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    configure_logging(app.config)


def _init_extensions(app: Flask) -> None:
    from . import db as unit_of_work
    from .extensions import csrf, db, limiter, migrate
    from .realtime.transport import create_socketio
    from .web import auth as web_auth

    db.init_app(app)
    unit_of_work.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    web_auth.init_app(app)
    create_socketio(app)
    from . import scheduler, search, sockets
    from .previews import worker as preview_worker

    sockets.init_app(app)
    search.init_app(app)
    preview_worker.init_app(app)
    scheduler.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from . import web
    from .cli import bp as cli_bp
    from .web import (
        accounts,
        api,
        caching,
        errors,
        forum,
        notifications,
        recognition,
        security,
        templating,
        thread_cache,
    )
    from .web import admin as admin_pages
    from .web import contracts as contract_pages
    from .web import feed as feed_pages
    from .web import live_sessions as live_session_pages
    from .web import milestones as milestone_pages
    from .web import moderation as moderation_pages
    from .web import polls as poll_pages
    from .web import resources as resource_pages
    from .web import rooms as room_pages
    from .web import search as search_pages
    from .web import surveys as survey_pages
    from .web import tracks as track_pages

    web.init_app(app)
    thread_cache.init_app(app)
    caching.init_app(app)  # before security: its hook then runs after the security headers
    security.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    api.init_app(app)
    accounts.init_app(app)
    forum.init_app(app)
    notifications.init_app(app)
    recognition.init_app(app)
    search_pages.init_app(app)
    room_pages.init_app(app)
    resource_pages.init_app(app)
    live_session_pages.init_app(app)
    survey_pages.init_app(app)
    track_pages.init_app(app)
    milestone_pages.init_app(app)
    contract_pages.init_app(app)
    feed_pages.init_app(app)
    moderation_pages.init_app(app)
    poll_pages.init_app(app)
    admin_pages.init_app(app)
    app.register_blueprint(cli_bp)
