"""Forgotten passwords: ask for a reset link (/password/forgot), then choose a new password with it
(/password/reset/<token>). The work is done by community/actions/password_resets.py."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user

from ...actions import password_resets
from ...errors import RateLimited, ValidationFailed
from ..forms import form_refused, form_text, render_form
from ..urls import site_url
from .blueprint import bp

# The reset page's address holds the token: never send it on as a referrer, never cache the page.
PRIVATE_PAGE = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password() -> ResponseReturnValue:
    if request.method == "GET":
        return render_form("accounts/forgot_password.html")
    try:
        password_resets.request_password_reset(form_text("login"), request.remote_addr, site_url())
    except ValidationFailed as exc:
        return form_refused("accounts/forgot_password.html", exc)
    except RateLimited as exc:
        page, status = render_form("accounts/forgot_password.html", 429, message=exc.message)
        return page, status, {"Retry-After": str(exc.retry_after)}
    return render_form("accounts/forgot_password.html", sent=True,
                       answer=password_resets.REQUEST_ANSWER)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    if request.method == "GET":
        return _reset_page(token)
    if form_text("password") != form_text("confirm"):
        return _reset_page(token, 422, errors={"confirm": "must match the new password"})
    try:
        user = password_resets.reset_password(token, form_text("password"))
    except ValidationFailed as exc:
        return _reset_page(token, 422, errors=exc.fields, message=exc.message)
    login_user(user)
    flash("Your password was changed, and you're logged in.", "success")
    return redirect(url_for("forum.index"))


def _reset_page(token: str, status: int = 200, **context: object) -> ResponseReturnValue:
    try:
        password_resets.check_reset_token(token)
    except ValidationFailed as exc:
        page, _ = render_form("accounts/reset_password.html", values={}, invalid=exc.message)
        return page, status if status >= 400 else 404, PRIVATE_PAGE
    page, status = render_form("accounts/reset_password.html", status, values={}, token=token, **context)
    return page, status, PRIVATE_PAGE
