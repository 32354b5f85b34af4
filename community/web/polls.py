"""Polls as plain forms, for browsers without JavaScript: adding a poll, and voting, withdrawing,
closing and deleting post here and come back to the page the poll is on (static/js/polls.js does
the same through the API)."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..actions import polls as poll_actions
from ..errors import DomainError, ValidationFailed
from ..text.validation import check_local_moment, check_zone, local_to_utc
from .forms import form_refused, render_form, safe_next_url, whole_number

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


HOMES = ("thread_id", "room")  # where the pages offer "Add a poll"


@bp.route("/polls/new", methods=["GET", "POST"])
@login_required
def create() -> ResponseReturnValue:
    """The "Add a poll" form of a question or room page. GET (``?thread_id=`` or ``?room=``) shows
    it on a page of its own, as does a refusal, with what was typed and why."""
    source = request.form if request.method == "POST" else request.args
    home_field = next((field for field in HOMES if source.get(field)), None)
    if home_field is None:
        return render_form("polls/new.html", 422, values={}, message="Say where the poll goes: "
                           "a question (thread_id) or a room.", home_field=None, home_value="",
                           next_url="/")
    home_value, next_url = source[home_field], safe_next_url(source.get("next"), "/")
    context = {"home_field": home_field, "home_value": home_value, "next_url": next_url}
    if request.method == "GET":
        return render_form("polls/new.html", values={}, **context)
    try:
        poll = poll_actions.create_poll(current_user, _form_draft(home_field, home_value))
    except DomainError as exc:
        return form_refused("polls/new.html", exc, **context)
    return _back(next_url, "Your poll is posted.", "success", anchor=f"#poll-{poll.id}")


def _form_draft(home_field: str, home_value: str) -> poll_actions.PollDraft:
    """The form's fields as the API's draft: options one per line, the closing time as a
    wall-clock time in the given time zone."""
    form = request.form
    closes_at = None
    if local := form.get("closes_at", "").strip():
        zone = check_zone(form.get("timezone", "").strip() or "UTC")
        closes_at = local_to_utc("closes_at", check_local_moment("closes_at", local), zone)
    home = whole_number(home_value) if home_field == "thread_id" else home_value
    return poll_actions.PollDraft(
        question=form.get("question", ""),
        options=[line.strip() for line in form.get("options", "").splitlines() if line.strip()],
        multiple="multiple" in form, anonymous="anonymous" in form, closes_at=closes_at,
        **{home_field: home})


def _back(url: str, message: str, category: str, *, anchor: str) -> ResponseReturnValue:
    flash(message, category)
    return redirect(url.split("#", 1)[0] + anchor)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
