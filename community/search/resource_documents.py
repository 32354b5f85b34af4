"""Index documents of shared resources (kind ``resource``), and the resource text threads carry.

A resource's document holds what its sharer wrote (title, description), its tags and kind as
words, the host it leads to, and, once a preview was fetched, the page's own title, description
and text (matched with a lower boost than the sharer's words). Deleted resources have no document.
The Bayesian average of its ratings is stored for the ranking's prior (ranking.py).

A thread's document carries the text of the live resources its live posts link (``load_threads``
asks ``linked_resource_texts``), so a question is found by words that appear only in a page it
links; when a resource's text changes, the indexer rewrites the threads linking it too.

Rows are read with explicit column queries in bulk, like the threads' (documents.py).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Select, func, select

from ..extensions import db
from ..models import Post, Resource, ResourceLink, Tag, User, resource_tags
from ..queries.resources import PRIOR_RATINGS, PRIOR_STARS
from .schema import NAMESPACES, PUBLIC, epoch_ms

# How much of a fetched page a linking thread's document carries (the resource's own document
# has all of it): enough for what a page is about, without one thread linking twenty long pages
# turning into megabytes of text that every edit of the thread re-indexes.
LINKED_PAGE_CHARS = 20_000


@dataclass(frozen=True)
class PageText:
    """What a fetched preview found on the linked page (all empty when none was fetched)."""

    title: str = ""
    description: str = ""
    text: str = ""


@dataclass
class ResourceRow:
    id: int
    url: str
    title: str
    description: str
    kind: str
    sharer: str  # lower-cased username
    rating_sum: int
    rating_count: int
    created_at: datetime
    deleted: bool  # deleted, or hidden by flags pending review: either way, not searchable
    page: PageText
    tags: list[str] = field(default_factory=list)

    @property
    def host_words(self) -> str:
        """The site's name as words: "https://www.khanacademy.org/x" -> "khanacademy"."""
        labels = (urlsplit(self.url).hostname or "").removeprefix("www.").split(".")
        return " ".join(labels[:-1] if len(labels) > 1 else labels)

    @property
    def rating_hundredths(self) -> int:
        """The Bayesian average of the ratings (as the library ranks them), in hundredths of a star."""
        average = (PRIOR_RATINGS * PRIOR_STARS + self.rating_sum) / (PRIOR_RATINGS + self.rating_count)
        return round(average * 100)


def _resource_rows() -> Select:
    return (select(Resource.id, Resource.url, Resource.title, Resource.description, Resource.kind,
                   User.username_key, Resource.rating_sum, Resource.rating_count, Resource.created_at,
                   Resource.deleted_at, Resource.hidden_at, Resource.preview_fetched_at,
                   Resource.preview_title,
                   Resource.preview_description, Resource.preview_text)
            .join(User, User.id == Resource.shared_by_id))


def _page(row: Any) -> PageText:
    if row.preview_fetched_at is None:  # never fetched (or previews are off): no page text
        return PageText()
    return PageText(row.preview_title or "", row.preview_description or "", row.preview_text or "")


def _row(row: Any) -> ResourceRow:
    return ResourceRow(row.id, row.url, row.title, row.description or "", row.kind, row.username_key,
                       row.rating_sum, row.rating_count, row.created_at,
                       row.deleted_at is not None or row.hidden_at is not None, _page(row))


def _with_tags(resources: dict[int, ResourceRow]) -> dict[int, ResourceRow]:
    if resources:
        for resource_id, name in db.session.execute(
                select(resource_tags.c.resource_id, Tag.name).join(Tag, Tag.id == resource_tags.c.tag_id)
                .where(resource_tags.c.resource_id.in_(list(resources))).order_by(Tag.name)):
            resources[resource_id].tags.append(name)
    return resources


def load_resources(resource_ids: Collection[int]) -> dict[int, ResourceRow]:
    """These resources, deleted ones included; missing ids are absent."""
    if not resource_ids:
        return {}
    rows = db.session.execute(_resource_rows().where(Resource.id.in_(list(resource_ids))))
    return _with_tags({row.id: _row(row) for row in rows})


def iter_resource_batches(batch_size: int = 500) -> Iterator[list[ResourceRow]]:
    """Every live resource, in id order, a batch at a time (keyset paging, one short read each)."""
    after = 0
    while True:
        rows = db.session.execute(_resource_rows()
                                  .where(Resource.id > after, Resource.deleted_at.is_(None),
                                         Resource.hidden_at.is_(None))
                                  .order_by(Resource.id).limit(batch_size))
        batch = _with_tags({row.id: _row(row) for row in rows})
        if not batch:
            return
        yield list(batch.values())
        after = max(batch)


def count_indexable_resources() -> int:
    return db.session.scalar(select(func.count(Resource.id)).where(Resource.deleted_at.is_(None),
                                                                   Resource.hidden_at.is_(None))) or 0


def threads_linking(resource_ids: Collection[int]) -> list[int]:
    """The threads whose posts link any of these resources (deleted posts and threads included:
    re-indexing a thread reads which of its links are live)."""
    if not resource_ids:
        return []
    return list(db.session.scalars(
        select(ResourceLink.thread_id).distinct()
        .where(ResourceLink.resource_id.in_(list(resource_ids))).order_by(ResourceLink.thread_id)))


def _linked_text(resource: ResourceRow) -> str:
    page = resource.page
    parts = (resource.title, resource.description, page.title, page.description,
             page.text[:LINKED_PAGE_CHARS])
    return "\n".join(part for part in parts if part)


def linked_resource_texts(thread_ids: Collection[int]) -> dict[int, list[str]]:
    """Per thread, the text of each live resource its live posts link (once per resource)."""
    if not thread_ids:
        return {}
    pairs = db.session.execute(
        select(ResourceLink.thread_id, ResourceLink.resource_id).distinct()
        .join(Post, Post.id == ResourceLink.post_id)
        .where(ResourceLink.thread_id.in_(list(thread_ids)), Post.deleted_at.is_(None),
               Post.hidden_at.is_(None))
        .order_by(ResourceLink.thread_id, ResourceLink.resource_id)).all()
    resources = load_resources({resource_id for _thread, resource_id in pairs})
    texts: dict[int, list[str]] = {}
    for thread_id, resource_id in pairs:
        resource = resources.get(resource_id)
        if resource is not None and not resource.deleted:
            texts.setdefault(thread_id, []).append(_linked_text(resource))
    return texts


def resource_document(resource: ResourceRow) -> dict[str, Any]:
    """The document of one live resource."""
    text = NAMESPACES["resource"]
    labels = [tag.replace("-", " ") for tag in resource.tags] + [resource.kind.replace("-", " ")]
    page = resource.page
    return {
        "doc_id": f"resource:{resource.id}", "kind": "resource", "post_id": resource.id,
        "access": PUBLIC,
        text + "title": resource.title, text + "body": resource.description,
        text + "tag_words": " ".join(labels),  # its tags and its kind ("video", "tip sheet")
        text + "links": resource.host_words, text + "pairs": resource.title,
        text + "page": "\n".join(part for part in (page.title, page.description, page.text) if part),
        "tags": " ".join(resource.tags), "spell": f"{resource.title} {' '.join(resource.tags)}",
        "author": resource.sharer, "people": resource.sharer,
        "votes": 0, "rating": resource.rating_hundredths, "created": epoch_ms(resource.created_at),
    }
