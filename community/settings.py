"""Site settings: the configuration value of a name, as the code should read it at request time.

Code that reads a setting an admin may change at run time (registration, thresholds, limits) calls
``setting(name)`` rather than ``current_app.config[name]``. The names in ``EDITABLE`` may be
overridden by an admin (rows of ``site_settings``, value as JSON); everything else, and every
editable name without an override row, comes from the configuration.

Overrides are cached per process for ``SITE_SETTINGS_TTL_SECONDS`` (a few seconds), so several
workers converge on an admin's change within that time; the process that wrote a change drops its
cache as soon as the change commits. One query loads every override.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from limits import parse as parse_limit
from sqlalchemy import select

DEFAULT_TTL_SECONDS = 5.0
_CACHE_KEY = "community_site_settings"
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}
LIMIT_TEXT_MAX = 60


class SettingError(ValueError):
    """A value an editable setting can't take; the message is the reason ("must be ...")."""


@dataclass(frozen=True)
class EditableSetting:
    name: str
    type: str  # bool | int | domains | limit (the JSON type is boolean, integer or string)
    description: str
    minimum: int = 0
    maximum: int = 1_000_000

    def clean(self, raw: object) -> object:
        """The value to store for ``raw`` (from JSON or a form), or SettingError."""
        return _CLEANERS[self.type](self, raw)


def _clean_bool(spec: EditableSetting, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    raise SettingError("must be true or false")


def _clean_int(spec: EditableSetting, raw: object) -> int:
    if isinstance(raw, str) and re.fullmatch(r"\s*-?\d{1,9}\s*", raw):
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise SettingError("must be a whole number")
    if not spec.minimum <= raw <= spec.maximum:
        raise SettingError(f"must be between {spec.minimum:,} and {spec.maximum:,}")
    return raw


def _clean_domains(spec: EditableSetting, raw: object) -> str:
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        raw = ",".join(raw)
    if not isinstance(raw, str) or len(raw) > 2000:
        raise SettingError("must be a comma-separated list of email domains")
    domains = [part.strip().lower().lstrip("@") for part in re.split(r"[\s,]+", raw) if part.strip()]
    bad = [domain for domain in domains if not _DOMAIN.match(domain)]
    if bad:
        raise SettingError(f"must be domain names like example.com (not {bad[0][:60]!r})")
    return ",".join(dict.fromkeys(domains))


def _clean_limit(spec: EditableSetting, raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip() or len(raw) > LIMIT_TEXT_MAX:
        raise SettingError('must be a rate like "10 per hour"')
    text = " ".join(raw.split())
    try:
        items = [parse_limit(text)]
    except ValueError:
        raise SettingError('must be a rate like "10 per hour" or "5 per 10 minutes"') from None
    if any(item.amount < 1 for item in items):
        raise SettingError("must allow at least 1")
    return text


_CLEANERS: dict[str, Callable[[EditableSetting, object], object]] = {
    "bool": _clean_bool, "int": _clean_int, "domains": _clean_domains, "limit": _clean_limit,
}

_SPECS = (
    EditableSetting("OPEN_REGISTRATION", "bool", "Anyone may create an account (off: admins add accounts)."),
    EditableSetting("ALLOWED_EMAIL_DOMAINS", "domains",
                    "Email domains new accounts must use, comma-separated; empty allows any."),
    EditableSetting("PRIVILEGE_DOWNVOTE", "int", "Reputation needed to downvote."),
    EditableSetting("PRIVILEGE_RETAG", "int", "Reputation needed to change the tags of anyone's question."),
    EditableSetting("PRIVILEGE_EDIT_OTHERS", "int", "Reputation needed to edit anyone's posts."),
    EditableSetting("REPUTATION_DAILY_VOTE_CAP", "int",
                    "Most reputation a member can gain from votes in one UTC day.", maximum=100_000),
    EditableSetting("KUDOS_DAILY_LIMIT", "int", "Kudos one member may give per UTC day.", maximum=1000),
    EditableSetting("FLAG_HIDE_THRESHOLD", "int",
                    "Flags from different members that hide content until a moderator reviews it.",
                    minimum=1, maximum=100),
    EditableSetting("POST_LIMIT_REPUTATION", "int",
                    "Reputation from which a member has the member posting limit, not the new-member one."),
    EditableSetting("ROOM_MESSAGE_LIMIT", "limit", "Chat messages one member may send to one room."),
    EditableSetting("NEW_MEMBER_POST_LIMIT", "limit", "Questions and answers a new member may post."),
    EditableSetting("MEMBER_POST_LIMIT", "limit", "Questions and answers an established member may post."),
)
EDITABLE: dict[str, EditableSetting] = {spec.name: spec for spec in _SPECS}


class _OverrideCache:
    """This process's copy of the override rows, reloaded after ``ttl`` seconds."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self.values: dict[str, Any] | None = None
        self.loaded_at = 0.0
        self.lock = threading.Lock()

    def get(self) -> dict[str, Any]:
        values = self.values
        if values is not None and time.monotonic() - self.loaded_at < self.ttl:
            return values
        with self.lock:
            if self.values is None or time.monotonic() - self.loaded_at >= self.ttl:
                self.values = _load_overrides()
                self.loaded_at = time.monotonic()
            return self.values

    def invalidate(self) -> None:
        self.values = None


def _load_overrides() -> dict[str, Any]:
    from .extensions import db
    from .models import SiteSetting

    values: dict[str, Any] = {}
    for name, raw in db.session.execute(select(SiteSetting.name, SiteSetting.value)):
        if name in EDITABLE:
            try:
                values[name] = json.loads(raw)
            except ValueError:
                continue  # a damaged row must not take the site down: the config value applies
    return values


def _cache(app: Flask) -> _OverrideCache:
    cache = app.extensions.get(_CACHE_KEY)
    if cache is None:
        ttl = float(app.config.get("SITE_SETTINGS_TTL_SECONDS", DEFAULT_TTL_SECONDS))
        cache = app.extensions.setdefault(_CACHE_KEY, _OverrideCache(ttl))
    return cache


def overrides() -> dict[str, Any]:
    """Every admin override in force (name -> value), from this process's cache."""
    return dict(_cache(current_app._get_current_object()).get())


def invalidate_cache(app: Flask | None = None) -> None:
    """Forget the cached overrides (the writer calls this after its change commits)."""
    _cache(app or current_app._get_current_object()).invalidate()


def config_default(name: str) -> Any:
    """What the setting is without an admin override: the configuration value."""
    return current_app.config[name]


def setting(name: str) -> Any:
    if name in EDITABLE:
        found = _cache(current_app._get_current_object()).get()
        if name in found:
            return found[name]
    return current_app.config[name]
