"""Each answer's markup on the thread page, reused for every viewer who would see it alike.

The twenty-odd answers of a thread are most of a thread page's rendering time (each is a vote
widget, the accept, edit, delete, kudos and flag controls, the signature and the "was this
helpful?" widget). What an answer looks like to a viewer depends only on the thread's version
(see thread_cache: every change to an answer, its votes or the acceptance moves it), the viewer's
vote on it, what the viewer may do with it and the viewer's own feedback on it; an entry is kept
under exactly those, so members who may do the same things share it, whoever they are. The CSRF
token, the one per-session string in it, is stored as a stand-in and put back per response.
Moderators, the answer's own author, hidden and deleted answers and the feedback summary its
author reads are rendered fresh every time and never stored. Like the thread cache, an entry
lives at most THREAD_CACHE_SECONDS, which bounds how stale an author's reputation can be.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import Flask, current_app
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ...models import Post
from ...permissions import (
    can_accept,
    can_delete_post,
    can_downvote,
    can_edit_post,
    can_flag,
    can_give_kudos,
    privilege,
)
from ...queries.content_feedback import PageFeedback
from ..thread_cache import CSRF_SLOT, VersionedCache, thread_cache_seconds

MAX_ENTRIES = 4096  # (answer, viewer kind) pairs per process; an entry is one answer's markup (~6 KB)


def answer_fragments(app: Flask | None = None) -> VersionedCache:
    return (app or current_app).extensions["community_answer_fragments"]


def cached_answer_article(render: Callable[[Post, Post, int], Markup], answer: Post, thread: Post,
                          my_vote: int, version: int, feedback: PageFeedback | None) -> Markup:
    """``render(answer, thread, my_vote)`` (the answer_article macro), or its stored output for
    the same answer, thread version and viewer kind."""
    ttl = thread_cache_seconds()
    key = _viewer_kind(answer, thread, my_vote, feedback) if ttl > 0 else None
    if key is None:
        return render(answer, thread, my_vote)
    token = generate_csrf()
    cache = answer_fragments()
    stored = cache.get(key, version, ttl)
    if stored is None:
        stored = str(render(answer, thread, my_vote)).replace(token, CSRF_SLOT)
        cache.put(key, version, stored)
    return Markup(stored.replace(CSRF_SLOT, token))


def _viewer_kind(answer: Post, thread: Post, my_vote: int,
                 feedback: PageFeedback | None) -> Hashable | None:
    """Everything of the viewer that answer_article reads, or None when it must render fresh."""
    if answer.is_hidden or answer.is_deleted:
        return None
    viewer = current_user._get_current_object()  # one proxy lookup, not one per check
    if not viewer.is_authenticated:
        return ("answer", answer.id, "guest")
    if viewer.is_moderator or viewer.id == answer.author_id:
        return None
    item = feedback.for_item(answer.id) if feedback is not None else None
    if item is not None and item.summary is not None:
        return None
    mine = (item.mine.helpful, item.mine.comment) if item is not None and item.mine else None
    downvote_locked = my_vote != -1 and not can_downvote(viewer)
    # The locked button's label names the threshold and the viewer's reputation.
    locked_label = (privilege("downvote"), viewer.reputation) if downvote_locked else None
    return ("answer", answer.id, my_vote, downvote_locked, locked_label, can_accept(viewer, thread),
            can_edit_post(viewer, answer), can_delete_post(viewer, answer), can_give_kudos(viewer),
            can_flag(viewer, answer.author_id), item.can_give if item is not None else None, mine)


def init_app(app: Flask) -> None:
    app.extensions["community_answer_fragments"] = VersionedCache(MAX_ENTRIES)
    app.jinja_env.globals.update(cached_answer_article=cached_answer_article)
