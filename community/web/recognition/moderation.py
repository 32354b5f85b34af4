"""Vote flags for moderators: pairs of users who voted on each other too often in one day."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import vote_flags as vote_flag_actions
from ...queries.paging import parse_page
from ...queries.vote_flags import list_vote_flags
from .blueprint import bp


@bp.get("/moderation/vote-flags")
@login_required
def vote_flags() -> ResponseReturnValue:
    page = parse_page(request.args.get("page"))
    resolved = request.args.get("resolved") == "1"
    flags, total = list_vote_flags(current_user, page, include_resolved=resolved)
    return render_template("recognition/vote_flags.html", flags=flags, total=total, page=page,
                           resolved=resolved)


@bp.post("/moderation/vote-flags/<int:flag_id>/resolve")
@login_required
def resolve_vote_flag(flag_id: int) -> ResponseReturnValue:
    vote_flag_actions.resolve_vote_flag(current_user, flag_id)
    flash("The flag is marked as reviewed.", "success")
    return redirect(url_for(".vote_flags"))
