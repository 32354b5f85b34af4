"""The admin user list: search by name, with role and suspension filters."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from ..errors import Forbidden, ValidationFailed
from ..extensions import db
from ..models import Role, User
from ..models.base import utcnow
from ..permissions import can_view_admin
from ..text.validation import text_problem
from .paging import Page

USER_STATUSES = ("suspended",)


@dataclass(frozen=True)
class UserFilter:
    q: str = ""  # part of the username or display name
    role: str = ""  # member | moderator | admin
    status: str = ""  # suspended


def check_user_filter(q: object = None, role: object = None, status: object = None) -> UserFilter:
    values = {"q": q or "", "role": role or "", "status": status or ""}
    for name, value in values.items():
        if not isinstance(value, str) or len(value) > 60 or text_problem(value):
            raise ValidationFailed({name: "must be a short text"})
    if values["role"] and values["role"] not in [r.value for r in Role]:
        raise ValidationFailed({"role": "must be member, moderator or admin"})
    if values["status"] and values["status"] not in USER_STATUSES:
        raise ValidationFailed({"status": "must be suspended"})
    return UserFilter(values["q"].strip(), values["role"], values["status"])


def list_users(viewer: User, flt: UserFilter, page: Page) -> tuple[list[User], int]:
    if not can_view_admin(viewer):
        raise Forbidden("Only moderators and administrators can list members.")
    query = select(User)
    if flt.q:
        escaped = flt.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(or_(User.username_key.like(pattern, escape="\\"),
                                func.lower(User.display_name).like(pattern, escape="\\")))
    if flt.role:
        query = query.where(User.role == flt.role)
    if flt.status == "suspended":
        query = query.where(User.suspended_until > utcnow())
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(User.username_key).offset(page.offset).limit(page.per_page))
    return list(rows), total
