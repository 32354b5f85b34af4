"""Configuration: class defaults, then instance/config.py, then COMMUNITY_* environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT / "instance"


class Config:
    ENV = "production"
    SECRET_KEY: str | None = None
    DATABASE_URL = f"sqlite:///{INSTANCE_DIR / 'community.db'}"
    LOGIN_REQUIRED = False
    OPEN_REGISTRATION = True
    ALLOWED_EMAIL_DOMAINS = ""
    INDEXER = "thread"
    REDIS_URL = ""
    REDIS_PREFIX = "community:"  # keys and the Socket.IO channel; lets installations share a Redis
    SEARCH_DIR = str(ROOT / "search_index")
    SEARCH_TIME_LIMIT_MS = 1000  # a search stops collecting hits after this long
    ASYNC_MODE = "threading"
    ALLOWED_ORIGINS = ""
    FETCH_PREVIEWS = False
    FETCH_ALLOWED_HOSTS = ""
    FETCH_TIMEOUT_SECONDS = 5  # per preview, across redirects
    FETCH_MAX_BYTES = 1_000_000  # of a page read for its preview
    PREVIEW_FETCHER = "thread"  # "off": this process queues previews but leaves fetching to others
    SCHEDULER = "thread"  # runs the scheduled jobs in this process; "off" leaves them to `community jobs`
    JOBS_INTERVAL_SECONDS = 30
    RATELIMIT_ENABLED = True
    # How long this process may reuse a thread's public JSON and anonymous page while the thread
    # has no new event: edits, answers, votes, acceptance and moderation end it at once; what
    # changes without a thread event (view counts, authors' reputation and names, the sidebar's
    # resources) shows up within this many seconds. 0 turns the cache off.
    THREAD_CACHE_SECONDS = 5
    ROOM_MESSAGE_LIMIT = "10 per 10 seconds"  # chat messages per user per room (`limits` syntax)
    # Failed logins (`limits` syntax) per login name and per client address; past one, that name or
    # address is locked out for LOGIN_LOCKOUT_SECONDS, doubling with each further lockout that day.
    LOGIN_FAILURE_LIMIT = "5 per 15 minutes"
    LOGIN_ADDRESS_FAILURE_LIMIT = "30 per 15 minutes"
    LOGIN_LOCKOUT_SECONDS = 60
    LOGIN_LOCKOUT_MAX_SECONDS = 3600
    PASSWORD_RESET_LIMIT = "3 per hour"  # reset requests for one login name (username or email)
    PASSWORD_RESET_ADDRESS_LIMIT = "10 per hour"  # reset requests from one client address
    PASSWORD_RESET_HOURS = 1  # how long a reset link works
    SQL_ECHO = False
    LOG_FORMAT = "text"  # or "json": one JSON object per line
    LOG_LEVEL = "INFO"
    METRICS_ALLOWED_IPS = "127.0.0.1,::1"  # addresses or networks that may read /metrics

    # Reputation thresholds for privileges (COMMUNITY_PRIVILEGE_<NAME>).
    PRIVILEGE_DOWNVOTE = 50
    PRIVILEGE_RETAG = 500
    PRIVILEGE_EDIT_OTHERS = 1000
    REPUTATION_DAILY_VOTE_CAP = 200
    KUDOS_DAILY_LIMIT = 5  # kudos one member may give per UTC day (off with RATELIMIT_ENABLED=0)
    VOTE_FLAG_THRESHOLD = 5  # more votes than this between two users in a UTC day flags the pair
    FLAG_HIDE_THRESHOLD = 3  # open flags from different members that hide content pending review
    # Questions and answers one member may post (`limits` syntax): new members below
    # POST_LIMIT_REPUTATION have the tighter limit; moderators have none.
    NEW_MEMBER_POST_LIMIT = "10 per hour"
    MEMBER_POST_LIMIT = "60 per hour"
    POST_LIMIT_REPUTATION = 15
    # Admins override some of the settings above at run time (community/settings.py EDITABLE); each
    # process re-reads the overrides after this many seconds, so all workers converge that fast.
    SITE_SETTINGS_TTL_SECONDS = 5

    PROXY_COUNT = 0  # reverse proxies in front that set X-Forwarded-For/-Proto (client address, https)
    BASE_URL = ""  # e.g. https://community.example.com: links in emails; https: secure cookies too
    SECURE_COOKIES: bool | None = None  # None: secure cookies exactly when BASE_URL is https
    SMTP_HOST = ""  # empty: no mail is sent (development logs reset links instead)
    SMTP_PORT = 587
    SMTP_USERNAME = ""
    SMTP_PASSWORD = ""
    SMTP_STARTTLS = True
    SMTP_TIMEOUT_SECONDS = 10
    MAIL_FROM = ""  # default: community@<host of BASE_URL or of the request>

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_CHECK_DEFAULT = False
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    JSON_SORT_KEYS = False

    API_TITLE = "Community API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


class DevelopmentConfig(Config):
    ENV = "development"


class TestConfig(Config):
    ENV = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    DATABASE_URL = "sqlite://"
    RATELIMIT_ENABLED = False
    INDEXER = "off"
    PREVIEW_FETCHER = "off"  # tests fetch previews explicitly
    SCHEDULER = "off"  # tests run the jobs explicitly, at the time they choose
    WTF_CSRF_ENABLED = True
    THREAD_CACHE_SECONDS = 0  # tests of the cache turn it on; others see every change at once


CONFIG_BY_ENV = {"production": Config, "development": DevelopmentConfig, "testing": TestConfig}

_BOOL_KEYS = {"LOGIN_REQUIRED", "OPEN_REGISTRATION", "FETCH_PREVIEWS", "RATELIMIT_ENABLED",
              "SECURE_COOKIES", "SMTP_STARTTLS"}


def _coerce(key: str, raw: str, default: object) -> object:
    """Turn an environment string into the type of the setting's default."""
    if key in _BOOL_KEYS or isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError as exc:
            raise RuntimeError(f"COMMUNITY_{key} must be a whole number, not {raw!r}") from exc
    return raw


def environment_overrides(base: dict[str, object], environ: os._Environ | dict) -> dict[str, object]:
    """Every COMMUNITY_<KEY> variable, typed like the default it overrides."""
    overrides: dict[str, object] = {}
    for name, raw in environ.items():
        if not name.startswith("COMMUNITY_") or name == "COMMUNITY_ENV":
            continue
        key = name.removeprefix("COMMUNITY_")
        overrides[key] = _coerce(key, raw, base.get(key))
    return overrides


def resolve_secret_key(config: dict[str, object], instance_dir: Path) -> str:
    """The secret key from config/env, else instance/secret_key; generated only in development."""
    if config.get("SECRET_KEY"):
        return str(config["SECRET_KEY"])
    key_file = instance_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    if config.get("ENV") == "development":
        instance_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key
    raise RuntimeError(
        "No secret key: set COMMUNITY_SECRET_KEY or write one to instance/secret_key "
        "(for example: python -c 'import secrets; print(secrets.token_hex(32))' > instance/secret_key)."
    )
