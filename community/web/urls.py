"""Page URLs of site objects: the canonical thread URL with its slug, and post anchors."""

from __future__ import annotations

from flask import url_for

from ..models import Post
from ..text.slugs import slugify

# Words used by routes under /questions/<id>/...; a slug must never be mistaken for one.
RESERVED_SLUGS = frozenset({"edit", "delete", "vote", "accept", "answers"})


def thread_slug(thread: Post) -> str:
    slug = slugify(thread.title)
    return f"{slug}-q" if slug in RESERVED_SLUGS else slug


def thread_href(thread: Post) -> str:
    """/questions/<id>/<slug> (or /questions/<id> when the title leaves no slug)."""
    return url_for("forum.thread", thread_id=thread.id, slug=thread_slug(thread) or None)


def post_href(post: Post) -> str:
    """A question's page, or the thread page scrolled to the answer."""
    if post.is_question:
        return thread_href(post)
    return url_for("forum.thread", thread_id=post.thread_id, _anchor=f"answer-{post.id}")
