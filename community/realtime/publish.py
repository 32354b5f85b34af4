"""Delivery of committed events to Socket.IO channels (every worker, through Redis if set)."""

from __future__ import annotations

import logging
from typing import Any

from .transport import socketio_of

log = logging.getLogger(__name__)


def publish_envelopes(envelopes: list[dict[str, Any]]) -> None:
    for env in envelopes:
        publish_envelope(env)


def publish_envelope(env: dict[str, Any]) -> None:
    """Emit one stored event; its Socket.IO event name is its type."""
    socketio_of().emit(env["type"], env, to=env["channel"])
