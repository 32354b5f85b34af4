"""Moderators' thread tools as plain forms (templates/forum/_moderator_tools.html): lock, unlock,
close, reopen, and merge into another question given by its id or its link."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import flash, redirect
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import moderation
from ...errors import Conflict, Forbidden, ValidationFailed
from ...models import Post
from ...permissions import can_moderate_thread
from ...queries.threads import access_thread
from ..forms import form_text, refusal_page
from ..urls import thread_href
from .blueprint import bp

_BARE_ID = re.compile(r"#?(\d{1,18})")
_THREAD_LINK = re.compile(r"/questions/(\d{1,18})(?:[/?#]|$)")


def parse_thread_ref(raw: str) -> int:
    """'123', '#123', '/questions/123/some-slug' or a full link to a question -> 123."""
    text = raw.strip()
    match = _BARE_ID.fullmatch(text) or _THREAD_LINK.search(text)
    if match is None:
        raise ValidationFailed({"into": "must be a question's id or a link to it"})
    return int(match.group(1))


def _moderate(thread_id: int, change: Callable[[], Post], done: str) -> ResponseReturnValue:
    thread = access_thread(current_user, thread_id)
    try:
        changed = change()
    except (Forbidden, ValidationFailed, Conflict) as exc:
        return refusal_page(exc, thread_href(thread))
    flash(done, "success")
    return redirect(thread_href(changed))


@bp.post("/questions/<int:thread_id>/lock")
@login_required
def lock_thread(thread_id: int) -> ResponseReturnValue:
    return _moderate(thread_id, lambda: moderation.lock_thread(current_user, thread_id, form_text("reason")),
                     "The question is locked: only moderators can act on it now.")


@bp.post("/questions/<int:thread_id>/unlock")
@login_required
def unlock_thread(thread_id: int) -> ResponseReturnValue:
    return _moderate(thread_id, lambda: moderation.unlock_thread(current_user, thread_id),
                     "The question is unlocked.")


@bp.post("/questions/<int:thread_id>/close")
@login_required
def close_thread(thread_id: int) -> ResponseReturnValue:
    return _moderate(thread_id, lambda: moderation.close_thread(current_user, thread_id, form_text("reason")),
                     "The question is closed to new answers.")


@bp.post("/questions/<int:thread_id>/reopen")
@login_required
def reopen_thread(thread_id: int) -> ResponseReturnValue:
    return _moderate(thread_id, lambda: moderation.reopen_thread(current_user, thread_id),
                     "The question is open for answers again.")


@bp.post("/questions/<int:thread_id>/merge")
@login_required
def merge_thread(thread_id: int) -> ResponseReturnValue:
    def merge() -> Post:
        into = parse_thread_ref(form_text("into"))
        return moderation.merge_thread(current_user, thread_id, into, form_text("reason"))

    return _moderate(thread_id, merge, "The questions are merged: the answers are here now.")


def can_moderate(thread: Post) -> bool:
    """For templates: may the viewer use the moderator tools on this question?"""
    return can_moderate_thread(current_user, thread)
