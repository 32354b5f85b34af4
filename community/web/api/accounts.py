"""Accounts in the API: registration, tokens, the caller's profile, users and reputation."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user, login_required

from ...actions import logins, password_resets
from ...actions import users as user_actions
from ...badges import RULES_BY_SLUG
from ...errors import Unauthorized
from ...payloads import (
    award_payload,
    page_payload,
    profile_payload,
    reputation_entry_payload,
    suspension_payload,
    user_payload,
)
from ...permissions import can_see_suspension
from ...queries.badges import user_awards
from ...queries.kudos import count_kudos_received
from ...queries.notifications import count_unread
from ...queries.paging import parse_page
from ...queries.users import access_user, list_reputation, user_stats
from ..auth import bearer_token
from ..urls import site_url
from .blueprint import ApiBlueprint
from .schemas import PageArgs, PasswordResetConfirmIn, PasswordResetIn, ProfileIn, RegisterIn, TokenIn

bp = ApiBlueprint("auth", __name__, url_prefix="/api/v1", description="Accounts and users")


@bp.post("/auth/register")
@bp.arguments(RegisterIn)
def register(data: dict):
    user = user_actions.check_register_user(user_actions.Registration(**data))
    return {"user": profile_payload(user)}, 201


@bp.post("/auth/tokens")
@bp.arguments(TokenIn)
def create_token(data: dict):
    user = logins.log_in(data["login"], data["password"], request.remote_addr)
    return {"token": user_actions.create_api_token(user), "user": user_payload(user)}, 201


@bp.delete("/auth/tokens/current")
@login_required
def revoke_token():
    token = bearer_token()
    if token is None:
        raise Unauthorized("Send the token to revoke as 'Authorization: Bearer <token>'.")
    user_actions.revoke_api_token(token)
    return "", 204


@bp.post("/auth/password-reset")
@bp.arguments(PasswordResetIn)
def request_password_reset(data: dict):
    password_resets.request_password_reset(data["login"], request.remote_addr, site_url())
    return {"message": password_resets.REQUEST_ANSWER}, 202


@bp.post("/auth/password-reset/confirm")
@bp.arguments(PasswordResetConfirmIn)
def confirm_password_reset(data: dict):
    user = password_resets.reset_password(data["token"], data["password"])
    return {"user": user_payload(user)}, 200


@bp.get("/me")
@login_required
def me():
    return {**profile_payload(current_user), "email": current_user.email,
            **suspension_payload(current_user), "unread_notifications": count_unread(current_user)}


@bp.patch("/me")
@login_required
@bp.arguments(ProfileIn)
def update_me(data: dict):
    user = user_actions.update_profile(current_user, user_actions.ProfileChanges(**data))
    return {**profile_payload(user), "email": user.email, "unread_notifications": count_unread(user)}


@bp.get("/users/<username>")
def user_profile(username: str):
    user = access_user(username)
    awards, _ = user_awards(user)
    suspension = suspension_payload(user) if can_see_suspension(current_user, user) else {}
    return {**profile_payload(user), **suspension, **user_stats(user),
            "badges": [award_payload(a, RULES_BY_SLUG[a.badge_slug]) for a in awards],
            "kudos_received": count_kudos_received(user)}


@bp.get("/users/<username>/reputation")
@bp.arguments(PageArgs, location="query")
def user_reputation(args: dict, username: str):
    user = access_user(username)
    page = parse_page(args.get("page"), args.get("per_page"))
    entries, total = list_reputation(user, page)
    body = page_payload([reputation_entry_payload(e) for e in entries], total, page.page,
                        page.per_page)
    return jsonify({**body, "reputation": user.reputation})
