"""Every error as the API envelope (JSON) or a page that matches the site (HTML)."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..errors import Conflict, DomainError, RateLimited
from .auth import wants_json
from .operations.tracking import current_request_id

log = logging.getLogger(__name__)

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
          415: "unsupported_media_type", 422: "validation_error", 429: "rate_limited"}


def error_response(status: int, code: str, message: str, *, fields: dict | None = None,
                   extra: dict | None = None, headers: dict | None = None,
                   retry_after: int | None = None) -> ResponseReturnValue:
    if wants_json():
        error: dict = {"code": code, "message": message}
        if fields:
            error["fields"] = fields
        if retry_after is not None:  # the same wait as the Retry-After header, as socket acks carry it
            error["retry_after"] = retry_after
        body = {"error": error, **(extra or {})}
        return jsonify(body), status, headers or {}
    page = render_template("error.html", status=status, code=code, message=message,
                           fields=fields or {})
    return page, status, headers or {}


def _domain_error(exc: DomainError) -> ResponseReturnValue:
    body = exc.to_dict()
    extra = {"existing": exc.existing} if isinstance(exc, Conflict) and exc.existing else None
    retry_after = exc.retry_after if isinstance(exc, RateLimited) else None
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return error_response(exc.status, body["code"], body["message"], fields=body.get("fields"),
                          extra=extra, headers=headers, retry_after=retry_after)


def _csrf_error(exc: CSRFError) -> ResponseReturnValue:
    return error_response(403, "csrf_failed",
                          "The form expired or the CSRF token is missing; reload and try again.")


def _http_error(exc: HTTPException) -> ResponseReturnValue:
    status = exc.code or 500
    if status >= 500:
        return _internal_error(exc)
    fields = _webargs_fields(exc)
    if fields is not None:
        return error_response(422, "validation_error", _fields_message(fields), fields=fields)
    headers = {}
    if status == 429:
        retry = getattr(exc, "retry_after", None) or 60
        headers["Retry-After"] = str(int(retry))
    message = exc.description or exc.name
    if status == 400 and getattr(exc, "data", None):
        message = "The request body must be a JSON object."
    return error_response(status, _CODES.get(status, "error"), message, headers=headers)


def _webargs_fields(exc: HTTPException) -> dict[str, str] | None:
    """flask-smorest/webargs validation messages flattened to field -> reason."""
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if exc.code != 422 or not isinstance(messages, dict):
        return None
    flat: dict[str, str] = {}
    for location in messages.values():
        for field, reasons in (location.items() if isinstance(location, dict) else []):
            flat[field] = _first_reason(reasons)
    return flat


def _first_reason(reasons: object) -> str:
    while isinstance(reasons, dict) and reasons:
        reasons = next(iter(reasons.values()))
    if isinstance(reasons, list) and reasons:
        reasons = reasons[0]
    reason = str(reasons).rstrip(".").lower()
    if reason == "missing data for required field":
        return "is required"
    return reason.replace("not a valid", "must be a valid")


def _fields_message(fields: dict[str, str]) -> str:
    return " ".join(f"{name.replace('_', ' ').capitalize()} {reason}." for name, reason in
                    fields.items())


def _internal_error(exc: Exception) -> ResponseReturnValue:
    request_id = current_request_id()
    log.error("%s %s failed (request %s)", request.method, request.path, request_id, exc_info=exc)
    if wants_json():
        return jsonify({"error": {"code": "internal", "request_id": request_id,
                                  "message": "Something went wrong on our side."}}), 500
    return render_template("error.html", status=500, code="internal", fields={},
                           message=f"Something went wrong on our side (reference {request_id})."
                           ), 500


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _internal_error)
