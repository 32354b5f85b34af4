"""Per request: an id (``g.request_id``, the ``X-Request-ID`` header), the access log line, metrics.

The id comes from the incoming ``X-Request-ID`` header when it is a sane token (nginx can set it
with ``$request_id``), else it is generated. Log records created while the request is handled
carry it (community/logs.py), and the 500 page shows it as its reference.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, current_app, g, request

from ...metrics import metrics_of

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+=/-]{0,127}")
# Probes and scrapes arrive every few seconds: their access lines are DEBUG, not INFO.
QUIET_ENDPOINTS = {"operations.livez", "operations.healthz", "operations.readyz", "operations.metrics"}

access_log = logging.getLogger("community.access")


def _new_request_id() -> str:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    return incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


def current_request_id() -> str:
    """This request's id (made now if the request hooks have not run, e.g. a failing hook)."""
    if "request_id" not in g:
        g.request_id = _new_request_id()
    return g.request_id


def _start_request() -> None:
    g.request_id = _new_request_id()
    g.request_started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = current_request_id()
    seconds = time.perf_counter() - g.get("request_started", time.perf_counter())
    endpoint = request.endpoint or "unmatched"
    metrics_of(current_app).observe_request(request.method, endpoint, response.status_code, seconds)
    level = logging.DEBUG if endpoint in QUIET_ENDPOINTS else logging.INFO
    if access_log.isEnabledFor(level):
        duration_ms = round(seconds * 1000, 1)
        access_log.log(level, "%s %s %s %.1f ms", request.method, request.path, response.status_code,
                       duration_ms, extra={"status": response.status_code, "duration_ms": duration_ms})
    return response


def init_app(app: Flask) -> None:
    """Register the hooks; call before any other hook so they see the id (after_request runs last)."""
    app.before_request(_start_request)
    app.after_request(_finish_request)
