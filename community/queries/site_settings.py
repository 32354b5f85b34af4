"""Reading the editable site settings as the admin pages and the API show them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import Forbidden
from ..models import User
from ..permissions import can_edit_settings
from ..settings import EDITABLE, EditableSetting, config_default, overrides

JSON_TYPES = {"bool": "boolean", "int": "integer", "domains": "string", "limit": "string"}


@dataclass(frozen=True)
class SettingView:
    """One editable setting: the value in force, the configured default, and whether an admin
    overrode it."""

    spec: EditableSetting
    value: Any
    default: Any
    overridden: bool

    @property
    def json_type(self) -> str:
        return JSON_TYPES[self.spec.type]


def list_settings() -> list[SettingView]:
    found = overrides()
    return [SettingView(spec, found.get(name, config_default(name)), config_default(name), name in found)
            for name, spec in EDITABLE.items()]


def access_settings(viewer: User) -> list[SettingView]:
    if not can_edit_settings(viewer):
        raise Forbidden("Only administrators can see and change site settings.")
    return list_settings()
