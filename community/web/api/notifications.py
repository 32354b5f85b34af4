"""The caller's notifications."""

from __future__ import annotations

from flask_login import current_user, login_required

from ...actions import notifications as notification_actions
from ...payloads import notification_payload, page_payload
from ...queries.notifications import count_unread, list_notifications
from ...queries.paging import parse_page
from .blueprint import ApiBlueprint
from .schemas import NotificationListArgs, NotificationsReadIn

bp = ApiBlueprint("notifications_api", __name__, url_prefix="/api/v1", description="Notifications")


@bp.get("/notifications")
@login_required
@bp.arguments(NotificationListArgs, location="query")
def notifications(args: dict):
    page = parse_page(args.get("page"), args.get("per_page"))
    notes, total = list_notifications(current_user, page, unread_only=args["unread"])
    body = page_payload([notification_payload(n) for n in notes], total, page.page, page.per_page)
    return {**body, "unread_count": count_unread(current_user)}


@bp.post("/notifications/read")
@login_required
@bp.arguments(NotificationsReadIn)
def mark_read(data: dict):
    unread = notification_actions.mark_read(current_user, data.get("ids"), all_=data["all"])
    return {"unread_count": unread}
