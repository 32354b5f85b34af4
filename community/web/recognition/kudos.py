"""Kudos as pages: the company-wide feed, and the small "give kudos" forms on profiles and answers."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import kudos as kudos_actions
from ...errors import RateLimited, ValidationFailed
from ...queries.kudos import list_kudos
from ...queries.paging import parse_page
from ...queries.threads import access_post
from ...queries.users import get_user_by_username
from ..forms import form_int, form_text, refusal_page, safe_next_url
from .blueprint import bp


@bp.get("/kudos")
def kudos_feed() -> ResponseReturnValue:
    page = parse_page(request.args.get("page"))
    recipient = get_user_by_username(request.args.get("to", "")) if request.args.get("to") else None
    kudos, total = list_kudos(page, to=recipient) if recipient or not request.args.get("to") else ([], 0)
    return render_template("recognition/kudos.html", kudos=kudos, total=total, page=page,
                           recipient=recipient, values={"to": request.args.get("to", "")})


@bp.post("/kudos")
@login_required
def give_kudos() -> ResponseReturnValue:
    back = safe_next_url(request.form.get("next"), url_for(".kudos_feed"))
    try:
        post_id = form_int("post_id", optional=True)
        draft = kudos_actions.KudosDraft(to=form_text("to").strip().lstrip("@") or _author_of(post_id),
                                         message=form_text("message"), post_id=post_id)
        kudos = kudos_actions.give_kudos(current_user, draft)
    except (ValidationFailed, RateLimited) as exc:
        page, status = refusal_page(exc, back)
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else {}
        return page, status, headers
    flash(f"Kudos sent to {kudos.recipient.name}. Thanks for saying thanks!", "success")
    return redirect(back)


def _author_of(post_id: int | None) -> str:
    """The forms on answers name the post only (answers shown live have no username to hand)."""
    if post_id is None:
        return ""
    return access_post(current_user, post_id).author.username
