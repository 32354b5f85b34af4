"""Reading the audit log (moderators and admins), newest first, with filters."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select

from ..errors import Forbidden, ValidationFailed
from ..extensions import db
from ..models import AuditEntry, User
from ..permissions import can_view_admin
from ..text.validation import text_problem
from .paging import Page
from .users import get_user_by_username

TARGET_TYPES = ("post", "message", "resource", "user", "room", "setting", "flag")


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""  # exact ("user.suspend") or a noun ("user", every user.* action)
    actor: str = ""  # a username
    target_type: str = ""


def check_audit_filter(action: object = None, actor: object = None,
                       target_type: object = None) -> AuditFilter:
    values = {"action": action or "", "actor": actor or "", "target_type": target_type or ""}
    for name, value in values.items():
        if not isinstance(value, str) or len(value) > 64 or text_problem(value):
            raise ValidationFailed({name: "must be a short text"})
    return AuditFilter(**{name: value.strip() for name, value in values.items()})


def list_audit_entries(viewer: User, flt: AuditFilter, page: Page) -> tuple[list[AuditEntry], int]:
    if not can_view_admin(viewer):
        raise Forbidden("Only moderators and administrators can read the audit log.")
    query = _filtered(select(AuditEntry), flt)
    if query is None:
        return [], 0
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
                              .offset(page.offset).limit(page.per_page))
    return list(rows), total


def _filtered(query: Select, flt: AuditFilter) -> Select | None:
    """The query narrowed by the filter, or None when it can match nothing (unknown actor)."""
    if flt.action:
        query = query.where(AuditEntry.action == flt.action if "." in flt.action
                            else AuditEntry.action.startswith(flt.action + ".", autoescape=True))
    if flt.target_type:
        query = query.where(AuditEntry.target_type == flt.target_type)
    if flt.actor:
        actor = get_user_by_username(flt.actor)
        if actor is None:
            return None
        query = query.where(AuditEntry.actor_id == actor.id)
    return query


def known_actions() -> list[str]:
    """Every action name in the log, for the filter menu."""
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
