"""What templates may call: permission flags for the current user, URLs, and formatting filters.

Permission helpers wrap community/permissions.py with the logged-in user bound, so templates ask
``can_edit(post)`` instead of combining conditions themselves.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from flask import Flask, request, url_for
from flask_login import current_user

from .. import permissions
from ..models import Post, User
from ..payloads import iso
from ..queries.events import last_event_id
from ..queries.notifications import count_unread
from ..realtime import channels
from .urls import post_href, thread_href


def can_ask() -> bool:
    return permissions.can_ask(current_user)


def can_answer(thread: Post) -> bool:
    return permissions.can_answer(current_user, thread)


def can_edit(post: Post) -> bool:
    return permissions.can_edit_post(current_user, post)


def can_delete(post: Post) -> bool:
    return permissions.can_delete_post(current_user, post)


def can_accept(thread: Post) -> bool:
    return permissions.can_accept(current_user, thread)


def can_see_deleted() -> bool:
    return permissions.can_see_deleted(current_user)


def url_with(**changes: Any) -> str:
    """The current page's URL with some query parameters changed (None drops one)."""
    args = {**(request.view_args or {}), **request.args.to_dict()}
    args.update(changes)
    if args.get("page") in (1, "1"):
        del args["page"]
    return url_for(request.endpoint or "forum.index",
                   **{key: value for key, value in args.items() if value not in (None, "")})


def page_window(page: int, total: int, per_page: int, radius: int = 2) -> list[int | None]:
    """Page numbers to show: first, last and a window around the current one; None is a gap."""
    last = max(1, math.ceil(total / per_page))
    shown = sorted({1, last, *range(max(1, page - radius), min(last, page + radius) + 1)})
    window: list[int | None] = []
    for number in shown:
        if window and number - (window[-1] or 0) > 1:
            window.append(None)
        window.append(number)
    return window


def avatar_url(user: User) -> str:
    return url_for("accounts.avatar", username=user.username)


def user_href(user: User) -> str:
    return url_for("accounts.user_profile", username=user.username)


def utc_text(moment: datetime | None) -> str:
    """A readable absolute time, the fallback that JavaScript turns into '3 min ago'."""
    if moment is None:
        return ""
    return f"{moment:%d %b %Y, %H:%M} UTC".lstrip("0")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def live_context() -> dict[str, Any]:
    """What every page needs to go live: the viewer's channel cursor and unread count."""
    if not current_user.is_authenticated:
        return {}
    return {"user_channel_last_id": last_event_id(channels.user(current_user.id)),
            "unread_notifications": count_unread(current_user)}


def init_app(app: Flask) -> None:
    app.context_processor(live_context)
    app.jinja_env.globals.update(
        can_ask=can_ask, can_answer=can_answer, can_edit=can_edit, can_delete=can_delete,
        can_accept=can_accept, can_see_deleted=can_see_deleted, url_with=url_with,
        page_window=page_window, avatar_url=avatar_url, user_href=user_href,
        thread_href=thread_href, post_href=post_href,
    )
    app.jinja_env.filters.update(iso=iso, utc_text=utc_text, plural=plural)
