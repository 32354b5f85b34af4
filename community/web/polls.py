"""Polls as plain forms, for browsers without JavaScript: vote, withdraw, close and delete post
here and come back to the page the poll is on (static/js/polls.js does the same through the API)."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..actions import polls as poll_actions
from ..errors import DomainError, ValidationFailed
from .forms import safe_next_url

bp = Blueprint("polls", __name__)

DONE = {"vote": "Your vote is in.", "withdraw": "Your vote is withdrawn.", "close": "The poll is closed.",
        "delete": "The poll is deleted."}


def _option_ids() -> list[int]:
    try:
        return [int(value) for value in request.form.getlist("option_ids")]
    except ValueError:
        raise ValidationFailed({"option_ids": "must be options of this poll"}) from None


@bp.post("/polls/<int:poll_id>")
@login_required
def act(poll_id: int) -> ResponseReturnValue:
    """``action`` is vote (with ``option_ids``), withdraw, close or delete; refusals are flashed."""
    action = request.form.get("action", "")
    back = safe_next_url(request.form.get("next"), "/")
    try:
        if action == "vote":
            if not request.form.getlist("option_ids"):
                raise ValidationFailed({"option_ids": "choose an option first"}, "Choose an option first.")
            poll_actions.vote(current_user, poll_id, _option_ids())
        elif action == "withdraw":
            poll_actions.withdraw_vote(current_user, poll_id)
        elif action == "close":
            poll_actions.close_poll(current_user, poll_id)
        elif action == "delete":
            poll_actions.delete_poll(current_user, poll_id)
            return _back(back, DONE[action], "success", anchor="")
        else:
            raise ValidationFailed({"action": "must be vote, withdraw, close or delete"})
    except DomainError as exc:
        return _back(back, exc.message, "error", anchor=f"#poll-{poll_id}")
    return _back(back, DONE[action], "success", anchor=f"#poll-{poll_id}")


def _back(url: str, message: str, category: str, *, anchor: str) -> ResponseReturnValue:
    flash(message, category)
    return redirect(url.split("#", 1)[0] + anchor)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
