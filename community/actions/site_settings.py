"""Site settings: admins override some configuration values at run time (settings.EDITABLE).

A value of None resets a setting to its configured default (the override row is deleted). Each
change leaves a ``setting.update`` audit row with the value before and after. This process
forgets its cached overrides as soon as the change commits; other workers within the cache TTL.
"""

from __future__ import annotations

import json
from typing import Any

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..db import atomic, on_commit
from ..errors import Conflict, Forbidden, ValidationFailed
from ..extensions import db
from ..models import SiteSetting, User
from ..models.base import utcnow
from ..permissions import can_edit_settings, require_active_account
from ..queries.site_settings import SettingView, list_settings
from ..settings import EDITABLE, SettingError, config_default, invalidate_cache
from .audit import record_audit


def clean_changes(changes: object) -> dict[str, Any]:
    """name -> cleaned value (None: reset), or ValidationFailed naming every bad field."""
    if not isinstance(changes, dict):
        raise ValidationFailed({"settings": "send an object of setting names and values"})
    cleaned: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, raw in changes.items():
        spec = EDITABLE.get(name)
        if spec is None:
            problems[str(name)[:64]] = "is not a setting that can be changed here"
            continue
        try:
            cleaned[name] = None if raw is None else spec.clean(raw)
        except SettingError as exc:
            problems[name] = str(exc)
    if problems:
        raise ValidationFailed(problems)
    return cleaned


def update_settings(actor: User, changes: object) -> list[SettingView]:
    """Apply an admin's changes together (all or nothing); returns every setting afterwards."""
    require_active_account(actor)
    if not can_edit_settings(db.session.get(User, actor.id)):
        raise Forbidden("Only administrators can change site settings.")
    cleaned = clean_changes(changes)
    if not cleaned:
        return list_settings()
    try:
        with atomic():
            stored = _locked_rows(list(cleaned))
            for name, value in cleaned.items():
                _apply(actor, name, value, stored.get(name))
            on_commit(invalidate_cache, current_app._get_current_object())
    except IntegrityError as exc:  # another admin created the same override at this moment
        raise Conflict("Another administrator changed these settings just now; try again.") from exc
    invalidate_cache()
    return list_settings()


def _locked_rows(names: list[str]) -> dict[str, SiteSetting]:
    rows = db.session.scalars(select(SiteSetting).where(SiteSetting.name.in_(names))
                              .order_by(SiteSetting.name).with_for_update())
    return {row.name: row for row in rows}


def _apply(actor: User, name: str, value: Any, row: SiteSetting | None) -> None:
    default = config_default(name)
    before = _stored_value(row, default)
    after = default if value is None else value
    if value is None and row is not None:
        db.session.execute(delete(SiteSetting).where(SiteSetting.name == name))
    elif value is not None and row is not None:
        row.value, row.updated_at, row.updated_by_id = json.dumps(value), utcnow(), actor.id
    elif value is not None:
        db.session.add(SiteSetting(name=name, value=json.dumps(value), updated_at=utcnow(),
                                   updated_by_id=actor.id))
    if before != after or (row is None) != (value is None):
        record_audit(actor, "setting.update", "setting", name, label=name,
                     details={"before": before, "after": after, "reset": value is None})


def _stored_value(row: SiteSetting | None, default: Any) -> Any:
    if row is None:
        return default
    try:
        return json.loads(row.value)
    except ValueError:
        return default  # a damaged row is simply replaced
