"""Shared resources as search results (kind ``resource``): loaded again, checked, linked and marked,
and the text of the resources a thread links (a thread found only through one gets its snippet
from it).

The index only proposes candidates. A hit is shown while its resource is not deleted, whatever the
index still holds; its ``url`` is the resource's page here, ``link`` the shared address.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import search
from ..extensions import db
from ..models import Post, Resource, ResourceLink
from ..payloads import iso, resource_page_url, user_payload


@dataclass(frozen=True)
class ResourceResult:
    """One shared resource found by a search; ``type`` is "resource"."""

    resource: Resource
    title_html: Markup  # the resource's title, matches marked
    snippet_html: Markup
    score: float | None
    type: str = "resource"

    @property
    def url(self) -> str:
        return resource_page_url(self.resource.id)

    @property
    def host(self) -> str:
        """Where the link leads, as people say it: "https://www.example.com/x" -> "example.com"."""
        return (urlsplit(self.resource.url).hostname or "").removeprefix("www.")

    def payload(self) -> dict[str, Any]:
        resource = self.resource
        return {
            "type": self.type, "id": resource.id, "thread_id": None, "title": resource.title,
            "snippet_html": str(self.snippet_html), "url": self.url,
            "score": round(self.score, 4) if self.score is not None else None,
            "votes": None, "created_at": iso(resource.created_at),
            "title_html": str(self.title_html), "link": resource.url, "host": self.host,
            "kind": resource.kind, "tags": resource.tag_names,
            "duration_minutes": resource.duration_minutes, "rating_avg": resource.rating_avg,
            "rating_count": resource.rating_count, "link_count": resource.link_count,
            "shared_by": user_payload(resource.shared_by),
        }


def _page_texts(resource: Resource) -> list[str]:
    """What the linked page said, when a preview was fetched."""
    if resource.preview_fetched_at is None:
        return []
    return [resource.preview_description, resource.preview_text, resource.preview_title]


def _visible_resources(ids: list[int]) -> dict[int, Resource]:
    rows = db.session.scalars(select(Resource).where(Resource.id.in_(ids), Resource.deleted_at.is_(None),
                                                    Resource.hidden_at.is_(None))
                              .options(selectinload(Resource.tags)))
    return {resource.id: resource for resource in rows}


def resource_results(hits: list[search.Hit], terms: frozenset[str]) -> dict[int, ResourceResult]:
    """The hits whose resource is still shared (not deleted), by resource id."""
    found = _visible_resources([hit.post_id for hit in hits])
    results = {}
    for hit in hits:
        resource = found.get(hit.post_id)
        if resource is None:
            continue
        description = resource.description
        short = len(description) <= search.SNIPPET_CHARS  # most descriptions: shown whole, marked
        snippet = (search.marked(description, terms, whole=True) if short else None) \
            or search.snippet([description, *_page_texts(resource)], terms)
        title_html = search.marked(resource.title, terms, whole=True) or Markup(escape(resource.title))
        results[hit.post_id] = ResourceResult(resource, title_html, snippet, hit.score)
    return results


def linked_resource_texts(thread_ids: Collection[int]) -> dict[int, list[str]]:
    """Per thread, the text of each live resource its live posts link: title, description and
    the fetched page's text (what a thread found only through a linked page shows as snippet)."""
    texts: dict[int, list[str]] = {}
    if not thread_ids:
        return texts
    linked = (select(ResourceLink.thread_id, ResourceLink.resource_id).distinct()
              .join(Post, Post.id == ResourceLink.post_id)
              .where(ResourceLink.thread_id.in_(list(thread_ids)), Post.deleted_at.is_(None))
              .subquery())
    rows = db.session.execute(
        select(linked.c.thread_id, Resource).join(Resource, Resource.id == linked.c.resource_id)
        .where(Resource.deleted_at.is_(None)).order_by(linked.c.thread_id, Resource.id))
    for thread_id, resource in rows:
        parts = [resource.title, resource.description, *_page_texts(resource)]
        texts.setdefault(thread_id, []).append(" — ".join(part for part in parts if part))
    return texts
