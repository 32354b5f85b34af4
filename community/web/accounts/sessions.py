"""Logging in and out, and self-service registration."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user

from ...actions import logins
from ...actions import users as user_actions
from ...errors import Conflict, Forbidden, RateLimited, Unauthorized, ValidationFailed
from ...settings import setting
from ..forms import form_refused, form_text, render_form, safe_next_url
from .blueprint import bp


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    next_url = safe_next_url(request.values.get("next"), url_for("forum.index"))
    if request.method == "GET":
        return render_form("accounts/login.html", next_url=next_url)
    try:
        user = logins.log_in(form_text("login"), form_text("password"), request.remote_addr)
    except (Unauthorized, ValidationFailed):
        return render_form("accounts/login.html", 401, message=logins.BAD_CREDENTIALS,
                           next_url=next_url)
    except RateLimited as exc:
        page, status = render_form("accounts/login.html", 429, message=exc.message, next_url=next_url)
        return page, status, {"Retry-After": str(exc.retry_after)}
    login_user(user, remember=request.form.get("remember") == "1")
    flash(f"Welcome back, {user.name}.", "success")
    return redirect(next_url)


@bp.route("/register", methods=["GET", "POST"])
def register() -> ResponseReturnValue:
    if not setting("OPEN_REGISTRATION"):
        raise Forbidden("Registration is closed here; ask an administrator for an account.")
    if request.method == "GET":
        return render_form("accounts/register.html")
    registration = user_actions.Registration(
        username=form_text("username").strip(), email=form_text("email"),
        password=form_text("password"), display_name=form_text("display_name").strip())
    try:
        user = user_actions.check_register_user(registration)
    except (ValidationFailed, Conflict) as exc:
        return form_refused("accounts/register.html", exc)
    login_user(user)
    flash(f"Welcome, {user.name}! Your account is ready.", "success")
    return redirect(url_for("forum.index"))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("forum.index"))
