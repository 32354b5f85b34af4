"""Page URLs of site objects: the canonical thread URL with its slug, and post anchors; and the
site's own address for absolute links that leave the browser (emails)."""

from __future__ import annotations

from flask import current_app, request, url_for

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


def site_url() -> str:
    """COMMUNITY_BASE_URL, else the scheme and host this request came to (no trailing slash).

    Set COMMUNITY_BASE_URL in production: without it the host comes from the request's Host
    header, which the proxy in front must pass through only for this site's own names.
    """
    configured = str(current_app.config.get("BASE_URL") or "")
    return (configured or request.host_url).rstrip("/")
