"""The guard around every client event: login, payload shape, flood limit, error acks."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_login import current_user
from flask_socketio import disconnect
from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from ..errors import DomainError, RateLimited, ValidationFailed
from ..extensions import db

log = logging.getLogger(__name__)

# Per socket: a steady 10 events/s with bursts to 40; a socket that keeps going past four times
# the limit is disconnected.
EVENT_LIMIT = RateLimitItemPerSecond(40, 4)
ABUSE_LIMIT = RateLimitItemPerSecond(160, 4)
_limiter = MovingWindowRateLimiter(MemoryStorage())


def error_ack(exc: DomainError) -> dict[str, Any]:
    return {"ok": False, "error": exc.to_dict()}


def _check_flood(sid: str) -> None:
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    if not _limiter.hit(ABUSE_LIMIT, "abuse", sid):
        log.warning("disconnecting socket %s: event flood", sid)
        disconnect()
        raise RateLimited("Too many events; disconnected.", retry_after=4)
    if not _limiter.hit(EVENT_LIMIT, "events", sid):
        raise RateLimited("Slow down: too many events from this connection.", retry_after=1)


def socket_action(handler: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Wrap a handler taking (self, data: dict) so that it always returns an ack."""

    @functools.wraps(handler)
    def guarded(self: Any, data: Any = None, *extra: Any) -> dict[str, Any]:
        try:
            if not current_user.is_authenticated:
                return {"ok": False, "error": {"code": "unauthorized", "message": "Log in first."}}
            _check_flood(request.sid)
            if not isinstance(data, dict):
                raise ValidationFailed({"payload": "must be a JSON object"})
            return handler(self, data)
        except DomainError as exc:
            db.session.rollback()
            return error_ack(exc)
        except Exception:
            log.exception("socket event %s failed", handler.__name__)
            db.session.rollback()
            return {"ok": False, "error": {"code": "internal", "message": "Something went wrong."}}
        finally:
            db.session.remove()

    return guarded
