"""Flags as pages: the member's flag form (works without JavaScript) and the review queue."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import flags as flag_actions
from ...errors import Conflict, Forbidden, NotFound, ValidationFailed
from ...models import FlagReason, FlagStatus
from ...queries import flags as flag_queries
from ...queries.paging import parse_page
from ...settings import setting
from ..forms import form_int, form_text, refusal_page, safe_next_url
from .blueprint import bp

REASON_LABELS = {
    FlagReason.SPAM.value: "Spam or advertising",
    FlagReason.OFFENSIVE.value: "Rude, abusive or offensive",
    FlagReason.OFF_TOPIC.value: "Off topic for this community",
    FlagReason.OTHER.value: "Something else (say what below)",
}
DECISION_MESSAGES = {
    "approve": "Approved: the flags are dismissed and the content is shown again.",
    "hide": "Hidden: the flags are upheld and the content stays hidden.",
    "delete": "Deleted: the flags are upheld and the content is removed.",
    "warn": "Warned: the flags are upheld, the content is hidden and its author was notified.",
}


@bp.post("/flags/new")
@login_required
def flag() -> ResponseReturnValue:
    """The flag form without JavaScript: flag, then back to the page with a message."""
    back = safe_next_url(request.form.get("next"), url_for("forum.index"))
    try:
        draft = flag_actions.FlagDraft(target_type=form_text("target_type"),
                                       target_id=form_int("target_id"), reason=form_text("reason"),
                                       note=form_text("note"))
        flag_actions.flag_content(current_user, draft)
    except (ValidationFailed, Forbidden, Conflict, NotFound) as exc:
        return refusal_page(exc, back)
    flash("Thanks for flagging it: moderators will review it.", "success")
    return redirect(back)


@bp.get("/flags")
@login_required
def queue() -> ResponseReturnValue:
    page = parse_page(request.args.get("page"))
    status = flag_queries.check_flag_filter(status=request.args.get("status") or "open").status
    items, total = flag_queries.list_review_items(current_user, status, page)
    return render_template("moderation/flags.html", items=items, total=total, page=page,
                           status=status, statuses=[s.value for s in FlagStatus],
                           threshold=setting("FLAG_HIDE_THRESHOLD"))


@bp.post("/flags/<int:flag_id>/resolve")
@login_required
def resolve(flag_id: int) -> ResponseReturnValue:
    back = safe_next_url(request.form.get("next"), url_for(".queue"))
    decision = form_text("decision")
    try:
        flag_actions.resolve_flags(current_user, flag_id, decision, form_text("note"))
    except (ValidationFailed, Conflict) as exc:
        return refusal_page(exc, back)
    flash(DECISION_MESSAGES[decision], "success")
    return redirect(back)
