"""Retagging: people with the retag privilege change only the tags of anyone's question."""

from __future__ import annotations

from flask import flash, redirect, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import threads as thread_actions
from ...errors import Forbidden, ValidationFailed
from ...permissions import can_retag
from ...queries import threads as thread_queries
from ..forms import form_refused, form_text, render_form, split_tags
from ..urls import thread_href
from .blueprint import bp


@bp.route("/questions/<int:thread_id>/retag", methods=["GET", "POST"])
@login_required
def retag(thread_id: int) -> ResponseReturnValue:
    thread = thread_queries.access_thread(current_user, thread_id)
    if not can_retag(current_user, thread):
        raise Forbidden(thread_actions.retag_refusal(current_user, thread))
    if request.method == "GET":
        return render_form("forum/retag.html", values={"tags": " ".join(thread.tag_names)}, thread=thread)
    changes = thread_actions.QuestionChanges(tags=split_tags(form_text("tags")))
    try:
        thread_actions.edit_question(current_user, thread.id, changes)
    except ValidationFailed as exc:
        return form_refused("forum/retag.html", exc, thread=thread)
    flash("The tags are updated.", "success")
    return redirect(thread_href(thread))
