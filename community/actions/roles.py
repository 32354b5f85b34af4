"""Roles: member, moderator, admin. Admins change them (the CLI too); the last admin stays one."""

from __future__ import annotations

from sqlalchemy import select

from ..db import atomic
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import Role, User
from ..payloads import iso, user_url
from ..permissions import can_change_roles, require_active_account
from ..realtime import channels
from ..realtime.events import record_event
from ..text.validation import text_problem
from .audit import record_audit
from .notifications import notify

ROLE_NAMES = tuple(role.value for role in Role)


def check_role(value: object) -> Role:
    if not isinstance(value, str) or value not in ROLE_NAMES:
        raise ValidationFailed({"role": "must be one of " + ", ".join(ROLE_NAMES)})
    return Role(value)


def change_role(actor: User, username: object, role: object) -> User:
    """An admin makes someone a member, moderator or admin."""
    require_active_account(actor)
    if not can_change_roles(db.session.get(User, actor.id)):
        raise Forbidden("Only administrators can change roles.")
    new_role = check_role(role)
    return do_change_role(actor, username, new_role)


def do_change_role(actor: User | None, username: object, role: Role) -> User:
    """Set a role with trusted input (the admin action above and the CLI; ``actor`` None there)."""
    with atomic():
        target = _locked_user(username)
        before = target.role
        if before == role.value:
            return target
        if before == Role.ADMIN.value:
            _keep_an_admin(target)
        if role is Role.ADMIN and target.is_suspended:
            raise Conflict("Lift the suspension before making this member an administrator.")
        target.role = role.value
        record_audit(actor, "user.role", "user", target.id, label=target.username,
                     details={"before": before, "after": role.value})
        notify([target.id], "role_changed", actor, f"You are now {_article(role)} {role.value}.",
               user_url(target.username))
        record_event(channels.user(target.id), "account_updated",
                     {"role": role.value, "reason": None,
                      "suspended_until": iso(target.suspended_until) if target.is_suspended else None},
                     subject=f"user:{target.id}")
    return target


def _locked_user(username: object) -> User:
    user = None
    if isinstance(username, str) and len(username) <= 30 and not text_problem(username):
        user = db.session.scalar(select(User).where(User.username_key == username.lower())
                                 .with_for_update())
    if user is None:
        raise NotFound("No such user.")
    return user


def _keep_an_admin(leaving: User) -> None:
    """Refuse to take the role from the last admin. The admins' rows are locked first, so two
    admins demoting each other at the same moment can't both succeed (PostgreSQL; SQLite
    serializes writers already)."""
    admins = db.session.scalars(select(User.id).where(User.role == Role.ADMIN.value)
                                .order_by(User.id).with_for_update()).all()
    others = [user_id for user_id in admins if user_id != leaving.id]
    if not others:
        raise Conflict("This is the last administrator: make someone else an administrator first.")


def _article(role: Role) -> str:
    return "an" if role is Role.ADMIN else "a"
