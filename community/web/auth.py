"""Who is calling: session cookies (Flask-Login), bearer tokens, and CSRF for cookie writes."""

from __future__ import annotations

import hmac

from flask import Flask, current_app, g, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import AnonymousUserMixin, current_user

from ..extensions import csrf, db, login_manager
from ..models import User
from ..queries.users import get_user_by_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class Anonymous(AnonymousUserMixin):
    id = None
    reputation = 0
    role = "anonymous"
    is_moderator = False
    is_admin = False


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def _load_user(session_id: str) -> User | None:
    """The user of a session: "<id>.<stamp>", the stamp matching the current password."""
    user_id, _, stamp = session_id.partition(".")
    if not user_id.isdigit() or not stamp:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not hmac.compare_digest(user.session_stamp.encode(),
                                               stamp.encode("utf-8", "surrogatepass")):
        return None
    return user


def _load_user_from_request(req: object) -> User | None:
    token = bearer_token()
    if token is None:
        return None
    user = get_user_by_token(token)
    if user is None:
        g.bad_token = True
    return user


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["application/json", "text/html"])
        == "application/json")


def _unauthorized() -> ResponseReturnValue:
    if wants_json():
        message = ("The API token is not valid." if g.get("bad_token")
                   else "Log in, or send an API token as 'Authorization: Bearer <token>'.")
        return jsonify({"error": {"code": "unauthorized", "message": message}}), 401
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


OPEN_ENDPOINTS = {"static", "accounts.login", "accounts.register", "accounts.avatar",
                  "accounts.forgot_password", "accounts.reset_password",
                  "auth.register", "auth.create_token", "auth.request_password_reset",
                  "auth.confirm_password_reset", "api-docs.openapi_json",
                  "operations.livez", "operations.healthz", "operations.readyz", "operations.metrics"}


def _guard_request() -> ResponseReturnValue:
    """Reject bad tokens, enforce COMMUNITY_LOGIN_REQUIRED, and check CSRF on cookie writes.

    CSRF applies to every unsafe request except those that authenticate with a bearer token.
    """
    if bearer_token() is not None:
        if not current_user.is_authenticated:
            return _unauthorized()
        return None
    if (current_app.config["LOGIN_REQUIRED"] and not current_user.is_authenticated
            and request.endpoint not in OPEN_ENDPOINTS):
        return _unauthorized()
    if request.method not in SAFE_METHODS and _cookie_authenticated_or_form():
        csrf.protect()
    return None


def _cookie_authenticated_or_form() -> bool:
    """API calls carry no ambient authority unless a session cookie logs them in; forms always do."""
    return not request.path.startswith("/api/") or current_user.is_authenticated


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.anonymous_user = Anonymous
    login_manager.login_view = "accounts.login"
    login_manager.user_loader(_load_user)
    login_manager.request_loader(_load_user_from_request)
    login_manager.unauthorized_handler(_unauthorized)
    app.before_request(_guard_request)
