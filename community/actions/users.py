"""Accounts: registration, profiles, roles, API tokens."""

from __future__ import annotations

import functools
import re
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import atomic
from ..errors import Conflict, Forbidden, Unauthorized, ValidationFailed
from ..extensions import db
from ..models import ApiToken, Role, User
from ..models.users import token_digest
from ..permissions import require_active_account
from ..settings import setting
from ..text.validation import check_tag_names, check_text, text_problem
from .roles import do_change_role
from .tags import ensure_tags

USERNAME = re.compile(r"^[a-zA-Z0-9_.-]{3,30}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8


@dataclass(frozen=True)
class Registration:
    username: str
    email: str
    password: str
    display_name: str = ""


def _text_problems(**values: object) -> dict[str, str]:
    """field -> reason for every given string that can't be stored as text (NUL, surrogates)."""
    return {name: problem for name, value in values.items()
            if isinstance(value, str) and (problem := text_problem(value))}


def _check_registration(reg: Registration) -> tuple[str, str]:
    fields = _text_problems(username=reg.username, email=reg.email, password=reg.password,
                            display_name=reg.display_name)
    if fields:
        raise ValidationFailed(fields)
    if not isinstance(reg.username, str) or not USERNAME.match(reg.username):
        fields["username"] = "must be 3-30 characters of letters, digits, _ . and -"
    email = reg.email.strip().lower() if isinstance(reg.email, str) else ""
    if not EMAIL.match(email) or len(email) > 254:
        fields["email"] = "must be a valid email address"
    if not isinstance(reg.password, str) or len(reg.password) < MIN_PASSWORD:
        fields["password"] = f"must be at least {MIN_PASSWORD} characters"
    elif len(reg.password) > 1024:
        fields["password"] = "must be at most 1,024 characters"
    if fields:
        raise ValidationFailed(fields)
    check_text("display_name", reg.display_name, max_len=60, required=False)
    return reg.username, email


def _check_email_domain(email: str) -> None:
    allowed = [d.strip().lower().lstrip("@")
               for d in str(setting("ALLOWED_EMAIL_DOMAINS")).split(",") if d.strip()]
    if allowed and email.rsplit("@", 1)[1] not in allowed:
        raise ValidationFailed(
            {"email": "must be an address at " + ", ".join(allowed)})


def _check_unique(username: str, email: str) -> None:
    taken = {}
    if db.session.scalar(select(User.id).where(User.username_key == username.lower())):
        taken["username"] = "is already taken"
    if db.session.scalar(select(User.id).where(User.email == email)):
        taken["email"] = "is already registered"
    if taken:
        raise Conflict(" ".join(f"That {k} {v}." for k, v in taken.items()), fields=taken)


def do_create_user(reg: Registration, role: Role = Role.MEMBER) -> User:
    """Create an account with trusted-entry checks (used by registration, the CLI and factories)."""
    username, email = _check_registration(reg)
    try:
        with atomic():
            _check_unique(username, email)
            user = User(
                username=username, username_key=username.lower(), email=email,
                password_hash=hash_password(reg.password), display_name=reg.display_name or "",
                role=role.value, reputation=1,
            )
            db.session.add(user)
            db.session.flush()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict("That username or email is already taken.") from exc
    return user


def check_register_user(reg: Registration) -> User:
    """Self-service registration: respects COMMUNITY_OPEN_REGISTRATION and the domain list."""
    if not setting("OPEN_REGISTRATION"):
        raise Forbidden("Registration is closed; ask an administrator for an account.")
    _, email = _check_registration(reg)
    _check_email_domain(email)
    return do_create_user(reg)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_hash_method())


def _hash_method() -> str:
    return str(current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


@functools.cache
def _decoy_hash(method: str) -> str:
    """A hash of a random password, checked when no account matches, so that answering for an
    unknown name takes as long as for a real one."""
    return generate_password_hash(secrets.token_hex(16), method=method)


def authenticate(login: object, password: object) -> User:
    """The user these credentials name (login = username or email); Unauthorized otherwise."""
    problems = _text_problems(login=login, password=password)
    if problems:
        raise ValidationFailed(problems)
    user = find_by_credentials(login, password)
    if user is None:
        raise Unauthorized("Wrong username, email or password.")
    return user


def find_by_credentials(login: object, password: object) -> User | None:
    """The user whose username or email is ``login`` and whose password matches, else None."""
    if not isinstance(login, str) or not isinstance(password, str) or text_problem(login):
        return None
    key = login.strip().lower()
    user = db.session.scalar(select(User).where(
        (User.username_key == key) | (User.email == key)))
    if user is None:
        check_password_hash(_decoy_hash(_hash_method()), password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    return user


def create_api_token(user: User) -> str:
    """Issue a new bearer token; only its hash is stored, so it is shown once."""
    token = secrets.token_urlsafe(32)
    with atomic():
        db.session.add(ApiToken(user_id=user.id, token_hash=token_digest(token)))
    return token


def revoke_api_token(token: str) -> None:
    with atomic():
        db.session.execute(delete(ApiToken).where(ApiToken.token_hash == token_digest(token)))


@dataclass(frozen=True)
class ProfileChanges:
    display_name: str | None = None
    department: str | None = None
    job_role: str | None = None
    bio: str | None = None
    skills: list[str] | None = None


_PROFILE_LIMITS = {"display_name": 60, "department": 80, "job_role": 80, "bio": 2000}


def update_profile(actor: User, changes: ProfileChanges) -> User:
    require_active_account(actor)
    values = {}
    for field, limit in _PROFILE_LIMITS.items():
        value = getattr(changes, field)
        if value is not None:
            values[field] = check_text(field, value, max_len=limit)
    skills = (check_tag_names("skills", changes.skills, max_count=10)
              if changes.skills is not None else None)
    with atomic():
        user = db.session.get(User, actor.id, with_for_update=True)
        for field, value in values.items():
            setattr(user, field, value)
        if skills is not None:
            user.skills = ensure_tags(skills)
    return user


def set_role(username: str, role: Role) -> User:
    """The CLI's role change: the admins' path without an actor (audited as the system)."""
    return do_change_role(None, username, role)
