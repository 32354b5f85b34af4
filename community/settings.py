"""Site settings: the configuration value of a name, as the code should read it at request time.

Code that reads a setting an admin may change at run time (registration, thresholds, limits) calls
``setting(name)`` rather than ``current_app.config[name]``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app


def setting(name: str) -> Any:
    return current_app.config[name]
