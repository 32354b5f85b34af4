"""Moderation and administration in the API: suspensions, roles, site settings, the audit log and
site activity. The actions and queries check who may do what (403 otherwise)."""

from __future__ import annotations

from flask_login import current_user, login_required

from ...actions import roles as role_actions
from ...actions import site_settings as setting_actions
from ...actions import suspensions
from ...models import User
from ...models.base import utcnow
from ...payloads import audit_entry_payload, page_payload, profile_payload, suspension_payload, user_payload
from ...queries.admin_stats import access_site_stats
from ...queries.admin_users import check_user_filter, list_users
from ...queries.audit import check_audit_filter, list_audit_entries
from ...queries.paging import parse_page
from ...queries.site_settings import SettingView, access_settings
from .blueprint import ApiBlueprint
from .schemas import AuditLogArgs, RoleIn, SettingsPatch, SuspensionIn, UserListArgs

bp = ApiBlueprint("admin_api", __name__, url_prefix="/api/v1",
                  description="Suspensions, roles, site settings, audit log and site activity")


def _admin_user(user: User) -> dict:
    """A user as moderators see them: the profile plus the suspension."""
    return {**profile_payload(user), **suspension_payload(user)}


def _settings(views: list[SettingView]) -> dict:
    return {"settings": {view.spec.name: {"value": view.value, "default": view.default,
                                          "type": view.json_type, "description": view.spec.description,
                                          "overridden": view.overridden} for view in views}}


@bp.get("/admin/settings")
@login_required
def settings():
    return _settings(access_settings(current_user))


@bp.patch("/admin/settings")
@login_required
@bp.arguments(SettingsPatch)
def update_settings(data: dict):
    return _settings(setting_actions.update_settings(current_user, data))


@bp.put("/users/<username>/role")
@login_required
@bp.arguments(RoleIn)
def change_role(data: dict, username: str):
    return _admin_user(role_actions.change_role(current_user, username, data["role"]))


@bp.post("/users/<username>/suspension")
@login_required
@bp.arguments(SuspensionIn)
def suspend(data: dict, username: str):
    user = suspensions.suspend_user(current_user, username, reason=data["reason"], days=data["days"],
                                    hours=data["hours"], until=data["until"])
    return _admin_user(user)


@bp.delete("/users/<username>/suspension")
@login_required
def lift_suspension(username: str):
    suspensions.lift_suspension(current_user, username)
    return "", 204


@bp.get("/admin/users")
@login_required
@bp.arguments(UserListArgs, location="query")
def users(args: dict):
    page = parse_page(args.pop("page", None), args.pop("per_page", None))
    found, total = list_users(current_user, check_user_filter(**args), page)
    return page_payload([{**user_payload(u), **suspension_payload(u)} for u in found], total, page.page,
                        page.per_page)


@bp.get("/audit-log")
@login_required
@bp.arguments(AuditLogArgs, location="query")
def audit_log(args: dict):
    page = parse_page(args.pop("page", None), args.pop("per_page", None))
    entries, total = list_audit_entries(current_user, check_audit_filter(**args), page)
    return page_payload([audit_entry_payload(e) for e in entries], total, page.page, page.per_page)


@bp.get("/admin/stats")
@login_required
def stats():
    return access_site_stats(current_user, utcnow()).to_dict()
