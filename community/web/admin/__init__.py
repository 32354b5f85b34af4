"""Admin pages: the dashboard, members (roles and suspensions), site settings and the audit log.

Moderators and admins see the dashboard, the member list and the audit log; roles and settings
are for admins. The queries and actions refuse everyone else (403; anonymous visitors are sent
to log in first).
"""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from ... import permissions
from ...models import User
from ...settings import setting
from . import audit, dashboard, settings, users
from .blueprint import bp

ROUTE_MODULES = (dashboard, users, settings, audit)  # importing them attaches their routes to bp


def can_view_admin() -> bool:
    return permissions.can_view_admin(current_user)


def can_change_roles() -> bool:
    return permissions.can_change_roles(current_user)


def can_edit_settings() -> bool:
    return permissions.can_edit_settings(current_user)


def can_suspend(user: User) -> bool:
    return permissions.can_suspend_user(current_user, user)


def can_see_suspension(user: User) -> bool:
    return permissions.can_see_suspension(current_user, user)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        site_setting=setting, can_view_admin=can_view_admin, can_change_roles=can_change_roles,
        can_edit_settings=can_edit_settings, can_suspend=can_suspend,
        can_see_suspension=can_see_suspension,
    )
