"""Shared learning resources and their ratings."""

from __future__ import annotations

from typing import Any

from ..models import Resource, ResourceRating
from .common import iso, user_payload


def resource_page_url(resource_id: int) -> str:
    return f"/resources/{resource_id}"


def resource_payload(resource: Resource) -> dict[str, Any]:
    """A shared resource: ``url`` is the shared link itself, ``page_url`` its page here."""
    preview = None
    if resource.preview_fetched_at is not None:
        preview = {"title": resource.preview_title, "description": resource.preview_description,
                   "fetched_at": iso(resource.preview_fetched_at)}
    return {
        "id": resource.id,
        "url": resource.url,
        "normalized_url": resource.normalized_url,
        "title": resource.title,
        "description": resource.description,
        "kind": resource.kind,
        "tags": resource.tag_names,
        "duration_minutes": resource.duration_minutes,
        "shared_by": user_payload(resource.shared_by),
        "rating_avg": resource.rating_avg,
        "rating_count": resource.rating_count,
        "link_count": resource.link_count,
        "preview": preview,
        "preview_status": resource.preview_status,
        "created_at": iso(resource.created_at),
        "updated_at": iso(resource.updated_at),
        "deleted": resource.is_deleted,
        "hidden": resource.is_hidden,
        "page_url": resource_page_url(resource.id),
    }


def rating_summary_payload(resource: Resource, mine: ResourceRating | None) -> dict[str, Any]:
    """What PUT .../rating answers and the ``resource_rated`` event carries (without ``my_*``)."""
    return {
        "resource_id": resource.id,
        "rating_avg": resource.rating_avg,
        "rating_count": resource.rating_count,
        "my_rating": mine.stars if mine is not None else None,
        "my_review": mine.review if mine is not None else None,
    }


def rating_payload(rating: ResourceRating) -> dict[str, Any]:
    return {
        "id": rating.id,
        "resource_id": rating.resource_id,
        "user": user_payload(rating.user),
        "stars": rating.stars,
        "review": rating.review,
        "created_at": iso(rating.created_at),
        "updated_at": iso(rating.updated_at),
    }
