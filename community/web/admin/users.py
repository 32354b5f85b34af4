"""Members for moderators: search, roles (admins) and suspensions, as plain POST forms."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import roles as role_actions
from ...actions import suspensions
from ...errors import DomainError
from ...models import Role
from ...queries.admin_users import check_user_filter, list_users
from ...queries.paging import parse_page
from ..forms import form_text, safe_next_url, whole_number
from .blueprint import bp

# (hours, label) offered by the suspend form; the API takes any duration from 1 hour to 365 days.
DURATIONS = ((1, "1 hour"), (24, "1 day"), (72, "3 days"), (168, "1 week"), (720, "30 days"),
             (2160, "90 days"), (8760, "365 days"))
ROLES = tuple(role.value for role in Role)


def _listing(status: int = 200, message: str = "", errors: dict | None = None) -> ResponseReturnValue:
    args = request.args if request.method == "GET" else request.form
    flt = check_user_filter(args.get("q"), args.get("role"), args.get("status"))
    page = parse_page(args.get("page"))
    found, total = list_users(current_user, flt, page)
    return render_template("admin/users.html", users=found, total=total, page=page, flt=flt,
                           durations=DURATIONS, roles=ROLES, form_message=message,
                           errors=errors or {}), status


def _back() -> ResponseReturnValue:
    return redirect(safe_next_url(request.form.get("next"), url_for(".users")))


@bp.get("/users")
@login_required
def users() -> ResponseReturnValue:
    return _listing()


@bp.post("/users/<username>/role")
@login_required
def change_role(username: str) -> ResponseReturnValue:
    try:
        user = role_actions.change_role(current_user, username, form_text("role"))
    except DomainError as exc:
        return _listing(exc.status, exc.message, getattr(exc, "fields", None))
    flash(f"{user.username} is now {user.role}.", "success")
    return _back()


@bp.post("/users/<username>/suspension")
@login_required
def suspend(username: str) -> ResponseReturnValue:
    hours = form_text("hours")
    try:
        user = suspensions.suspend_user(current_user, username, reason=form_text("reason"),
                                        hours=whole_number(hours))
    except DomainError as exc:
        return _listing(exc.status, exc.message, getattr(exc, "fields", None))
    flash(f"{user.username} is suspended until {user.suspended_until:%d %b %Y, %H:%M} UTC.", "success")
    return _back()


@bp.post("/users/<username>/suspension/lift")
@login_required
def lift_suspension(username: str) -> ResponseReturnValue:
    try:
        user = suspensions.lift_suspension(current_user, username)
    except DomainError as exc:
        return _listing(exc.status, exc.message, getattr(exc, "fields", None))
    flash(f"{user.username} can post again.", "success")
    return _back()
