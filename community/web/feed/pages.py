"""The "For you" page, and following a tag or watching a thread as plain forms."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import follows as follow_actions
from ...queries import feed as feed_queries
from ...queries.contracts import contract_status
from ...queries.events import last_event_id
from ...queries.feed import Basis, Feed
from ...realtime import channels
from ..forms import form_text, safe_next_url
from .blueprint import bp

SHOWN_TAGS = 3  # tags named in a heading before "and N more"


def _hashtags(names: list[str]) -> str:
    shown = [f"#{name}" for name in names[:SHOWN_TAGS]]
    if len(names) > SHOWN_TAGS:
        shown.append(f"{len(names) - SHOWN_TAGS} more")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def unanswered_heading(feed: Feed) -> str:
    """The section heading says why these questions are shown."""
    followed, skills = feed.interests.followed, feed.interests.skills
    if feed.basis == Basis.TAGS and followed and skills:
        return f"Because you follow {_hashtags(followed)} and know {_hashtags(skills)}"
    if feed.basis == Basis.TAGS and followed:
        return f"Because you follow {_hashtags(followed)}"
    if feed.basis == Basis.TAGS:
        return f"Because you know {_hashtags(skills)}"
    if feed.basis == Basis.DEPARTMENT:
        return "Unanswered in your department's tags"
    return "Newest unanswered questions"


@bp.get("/for-you")
@login_required
def for_you() -> ResponseReturnValue:
    feed = feed_queries.feed_for(current_user)
    return render_template("feed/for_you.html", feed=feed, unanswered_heading=unanswered_heading(feed),
                           contract_status=contract_status,
                           threads_last_event_id=last_event_id(channels.THREADS))  # where live news starts


@bp.post("/tags/<name>/follow")
@login_required
def follow_tag(name: str) -> ResponseReturnValue:
    """Follow (``following=1``) or unfollow (anything else) a tag, then back where the form was."""
    if form_text("following") == "1":
        tag = follow_actions.follow_tag(current_user, name)
        flash(f"You follow #{tag.name}: its questions and resources now come to your “For you” page.",
              "success")
    else:
        tag = follow_actions.unfollow_tag(current_user, name)
        flash(f"You no longer follow #{tag.name}.", "success")
    return redirect(safe_next_url(request.form.get("next"), url_for("forum.tag", name=tag.name)))


WATCH_MESSAGES = {
    "watching": "You are watching this question: every new answer notifies you.",
    "muted": "This question is muted: no notifications from it, except mentions of you.",
    "none": "You stopped watching this question.",
}


@bp.post("/questions/<int:thread_id>/watch")
@login_required
def watch_thread(thread_id: int) -> ResponseReturnValue:
    """``level`` watching or muted sets it; ``none`` stops watching."""
    level = form_text("level")
    if level == "none":
        follow_actions.stop_watching(current_user, thread_id)
    else:
        follow_actions.set_thread_watch(current_user, thread_id, level)
    flash(WATCH_MESSAGES[level], "success")
    return redirect(url_for("forum.thread", thread_id=thread_id))
