"""The notifications page: everything that happened to you, newest first; mark as read."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..actions import notifications as notification_actions
from ..queries.notifications import count_unread, list_notifications
from ..queries.paging import parse_page
from .forms import form_int

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index() -> ResponseReturnValue:
    page = parse_page(request.args.get("page"))
    unread_only = request.args.get("unread") == "1"
    notes, total = list_notifications(current_user, page, unread_only=unread_only)
    return render_template("notifications.html", notes=notes, total=total, page=page,
                           unread_only=unread_only, unread_count=count_unread(current_user))


@bp.post("/notifications/read")
@login_required
def mark_read() -> ResponseReturnValue:
    note_id = form_int("id", optional=True)
    if note_id is None:
        notification_actions.mark_read(current_user, all_=True)
    else:
        notification_actions.mark_read(current_user, [note_id])
    return redirect(url_for(".index", unread=request.args.get("unread")))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
