"""Links in questions and answers become resources (or are matched to shared ones).

Called inside the post's own transaction whenever its body is written, so "resources linked
here" on a thread and "where it helped" on a resource always agree with the posts as they are.
"""

from __future__ import annotations

from sqlalchemy import and_, delete, distinct, func, select, update
from sqlalchemy.orm import aliased

from ..errors import ValidationFailed
from ..extensions import db
from ..models import Post, Resource, ResourceLink
from ..models.base import utcnow
from ..queries.resources import find_by_normalized_url
from ..text.links import Link, is_bare_address, outgoing_links
from ..text.urls import check_share_url, normalize_url
from .resources import TITLE_MAX, create_resource, derived_title, guessed_kind

MAX_LINKS_PER_POST = 20  # more than this in one post is a link dump, not a recommendation
_Thread = aliased(Post, name="linking_thread")


def sync_post_links(post: Post, thread: Post, *, is_new: bool = False) -> None:
    """Record which resources ``post`` links to now, creating resources for new links."""
    wanted = _linked_resource_ids(post, thread)
    if is_new and not wanted:
        return
    current = set(db.session.scalars(select(ResourceLink.resource_id)
                                     .where(ResourceLink.post_id == post.id)))
    added, removed = [i for i in wanted if i not in current], current.difference(wanted)
    if added:
        now = utcnow()
        db.session.execute(ResourceLink.__table__.insert(), [
            {"resource_id": resource_id, "post_id": post.id, "thread_id": thread.id, "created_at": now}
            for resource_id in added])
    if removed:
        db.session.execute(delete(ResourceLink).where(ResourceLink.post_id == post.id,
                                                      ResourceLink.resource_id.in_(removed)))
    recount_links([*added, *removed])


def post_deleted(post: Post) -> None:
    """A deleted question takes its whole thread's links out of the counts; an answer its own."""
    column = ResourceLink.thread_id if post.is_question else ResourceLink.post_id
    recount_links(list(db.session.scalars(select(ResourceLink.resource_id).distinct()
                                          .where(column == post.id))))


def post_links_moved(post_ids: list[int], thread_id: int) -> None:
    """Answers moved to another thread (a merge): their links now count for that thread."""
    if not post_ids:
        return
    resource_ids = list(db.session.scalars(select(ResourceLink.resource_id).distinct()
                                           .where(ResourceLink.post_id.in_(post_ids))))
    db.session.execute(update(ResourceLink).where(ResourceLink.post_id.in_(post_ids))
                       .values(thread_id=thread_id).execution_options(synchronize_session=False))
    recount_links(resource_ids)


def recount_links(resource_ids: list[int]) -> None:
    """Set link_count to the number of live threads whose live posts link each resource."""
    if not resource_ids:
        return
    live_threads = (select(func.count(distinct(ResourceLink.thread_id)))
                    .join(Post, Post.id == ResourceLink.post_id)
                    .join(_Thread, _Thread.id == ResourceLink.thread_id)
                    .where(and_(ResourceLink.resource_id == Resource.id, Post.deleted_at.is_(None),
                                _Thread.deleted_at.is_(None)))
                    .correlate(Resource).scalar_subquery())
    db.session.execute(update(Resource).where(Resource.id.in_(sorted(set(resource_ids))))
                       .values(link_count=live_threads).execution_options(synchronize_session=False))


def _linked_resource_ids(post: Post, thread: Post) -> list[int]:
    by_url: dict[str, Link] = {}
    for link in outgoing_links(post.body_html):
        try:
            normalized = normalize_url(check_share_url("url", link.href))
        except ValidationFailed:
            continue  # not shareable (too long, credentials, odd host): stays a plain link
        by_url.setdefault(normalized, link)
        if len(by_url) == MAX_LINKS_PER_POST:
            break
    found: list[int] = []
    for normalized, link in by_url.items():
        resource = find_by_normalized_url(normalized)
        if resource is None:
            resource = create_resource(post.author, _fields_from_link(link, normalized, thread)) \
                or find_by_normalized_url(normalized)
        if resource is not None and not resource.is_deleted:
            found.append(resource.id)
    return found


def _fields_from_link(link: Link, normalized: str, thread: Post) -> dict:
    title = derived_title(normalized) if is_bare_address(link.text) else link.text[:TITLE_MAX]
    return {"url": link.href, "normalized_url": normalized, "title": title, "description": "",
            "kind": guessed_kind(normalized), "tags": thread.tag_names[:5], "duration_minutes": None}
