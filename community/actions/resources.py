"""Sharing, editing, deleting and rating learning resources.

A link equal after normalization (community/text/urls.py) to one already shared is a 409
``duplicate`` carrying the existing resource; the unique key on the normalized URL makes that hold
when two people share the same link at the same moment. Ratings keep the resource's totals in step
under its row lock, so the Bayesian ranking never aggregates at read time.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from ..badges import Trigger
from ..db import atomic, insert_returning_key
from ..errors import Conflict, Forbidden, ValidationFailed
from ..extensions import db
from ..models import PreviewStatus, Resource, ResourceKind, ResourceRating, User
from ..models.base import utcnow
from ..payloads import rating_summary_payload, resource_page_url, resource_payload
from ..permissions import (
    can_delete_resource,
    can_edit_resource,
    can_rate_resource,
    can_see_hidden,
    can_share_resource,
    require_active_account,
)
from ..queries.resources import KINDS, access_resource, find_by_normalized_url, url_key
from ..realtime import channels
from ..realtime.events import record_event
from ..text.urls import check_share_url, normalize_url
from ..text.validation import check_tag_names, check_text
from .badges import award_after_commit
from .notifications import notify
from .post_limits import check_post_rate
from .tags import ensure_tags

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
REVIEW_MAX = 1000
MAX_TAGS = 5
DURATION_MAX = 10_000  # minutes; a long course is still under a week of working time
VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "loom.com", "wistia.com", "vidyard.com")


@dataclass(frozen=True)
class ResourceDraft:
    url: object
    title: object = None
    description: object = None
    kind: object = None
    tags: object = None
    duration_minutes: object = None


@dataclass(frozen=True)
class ResourceChanges:
    title: object = None
    description: object = None
    kind: object = None
    tags: object = None
    duration_minutes: object = None
    clear_duration: bool = False


def check_kind(value: object) -> str:
    if value not in KINDS:
        raise ValidationFailed({"kind": f"must be one of {', '.join(KINDS)}"})
    return value


def check_duration(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= DURATION_MAX:
        raise ValidationFailed({"duration_minutes": f"must be a whole number of minutes, 1-{DURATION_MAX:,}"})
    return value


def derived_title(normalized_url: str) -> str:
    """A readable stand-in title until someone (or the preview) names the link: host and path."""
    parts = urlsplit(normalized_url)
    return (parts.netloc + (parts.path if parts.path != "/" else ""))[:TITLE_MAX]


def guessed_kind(normalized_url: str) -> str:
    host = urlsplit(normalized_url).hostname or ""
    if any(host == video or host.endswith("." + video) for video in VIDEO_HOSTS):
        return ResourceKind.VIDEO.value
    return ResourceKind.ARTICLE.value


def _checked_draft(draft: ResourceDraft) -> dict:
    url = check_share_url("url", draft.url)
    normalized = normalize_url(url)
    title = check_text("title", draft.title, max_len=TITLE_MAX, required=False).strip()
    return {
        "url": url,
        "normalized_url": normalized,
        "title": title or derived_title(normalized),
        "description": check_text("description", draft.description, max_len=DESCRIPTION_MAX,
                                  required=False).strip(),
        "kind": check_kind(draft.kind) if draft.kind not in (None, "") else guessed_kind(normalized),
        "tags": check_tag_names("tags", draft.tags, max_count=MAX_TAGS),
        "duration_minutes": check_duration(draft.duration_minutes),
    }


def share_resource(actor: User, draft: ResourceDraft) -> Resource:
    """Share a link; Conflict(code="duplicate", existing=...) if it was already shared."""
    require_active_account(actor)
    if not can_share_resource(actor):
        raise Forbidden("Log in to share a resource.")
    fields = _checked_draft(draft)
    check_post_rate(actor)
    with atomic():
        resource = create_resource(actor, fields)
        if resource is None:
            existing = find_by_normalized_url(fields["normalized_url"])
            # Hidden by flags: still a duplicate, but only its sharer and moderators may read it.
            shown = not existing.is_hidden or can_see_hidden(actor, existing.shared_by_id)
            raise Conflict("This link was already shared.", code="duplicate",
                           existing=resource_payload(existing) if shown else None)
    return resource


def create_resource(sharer: User, fields: dict) -> Resource | None:
    """Insert a resource (inside the caller's transaction); None if its URL is taken.

    A soft-deleted resource with the same URL is brought back as this share instead.
    """
    now = utcnow()
    key = url_key(fields["normalized_url"])
    previews = PreviewStatus.PENDING if current_app.config["FETCH_PREVIEWS"] else PreviewStatus.OFF
    row = {"url": fields["url"], "normalized_url": fields["normalized_url"], "normalized_key": key,
           "title": fields["title"], "description": fields["description"], "kind": fields["kind"],
           "duration_minutes": fields["duration_minutes"], "shared_by_id": sharer.id,
           "rating_sum": 0, "rating_count": 0, "link_count": 0, "created_at": now, "updated_at": now,
           "preview_status": previews.value, "preview_title": "", "preview_description": "",
           "preview_text": "", "preview_error": ""}
    resource_id = insert_returning_key(Resource.__table__, row, "normalized_key")
    if resource_id is None:
        resource = db.session.scalar(select(Resource).where(Resource.normalized_key == key)
                                     .with_for_update(of=Resource)
                                     .execution_options(populate_existing=True))
        if resource is None or not resource.is_deleted:
            return None
        _restore(resource, sharer, fields, previews)
    else:
        resource = db.session.get(Resource, resource_id)
    resource.tags = ensure_tags(fields["tags"])
    db.session.flush()
    record_event(channels.RESOURCES, "resource_created", resource_payload(resource),
                 subject=f"resource:{resource.id}")
    if previews is PreviewStatus.PENDING:
        from ..previews.worker import wake_fetchers  # the worker imports actions; import late
        wake_fetchers()
    award_after_commit(sharer.id, Trigger.RESOURCE_SHARED)
    return resource


def _restore(resource: Resource, sharer: User, fields: dict, previews: PreviewStatus) -> None:
    for name in ("url", "title", "description", "kind", "duration_minutes"):
        setattr(resource, name, fields[name])
    resource.shared_by_id, resource.shared_by = sharer.id, db.session.get(User, sharer.id)
    resource.deleted_at = None
    resource.created_at = resource.updated_at = utcnow()
    resource.preview_status = previews.value


def edit_resource(actor: User, resource_id: object, changes: ResourceChanges) -> Resource:
    require_active_account(actor)
    title = check_text("title", changes.title, min_len=1, max_len=TITLE_MAX).strip() \
        if changes.title is not None else None
    description = check_text("description", changes.description, max_len=DESCRIPTION_MAX).strip() \
        if changes.description is not None else None
    kind = check_kind(changes.kind) if changes.kind is not None else None
    tag_names = None if changes.tags is None else check_tag_names("tags", changes.tags, max_count=MAX_TAGS)
    duration = check_duration(changes.duration_minutes)
    with atomic():
        resource = access_resource(actor, resource_id, for_update=True)
        if not can_edit_resource(actor, resource):
            raise Forbidden("Only the person who shared it, or a moderator, can edit this resource.")
        if title:
            resource.title = title
        if description is not None:
            resource.description = description
        if kind is not None:
            resource.kind = kind
        if tag_names is not None:
            resource.tags = ensure_tags(tag_names)
        if duration is not None or changes.clear_duration:
            resource.duration_minutes = duration
        resource.updated_at = utcnow()
        db.session.flush()
        record_event(channels.resource(resource.id), "resource_updated", resource_payload(resource),
                     subject=f"resource:{resource.id}")
    return resource


def delete_resource(actor: User, resource_id: object) -> None:
    """Soft delete: the page and lists stop showing it; its URL may be shared again later."""
    require_active_account(actor)
    with atomic():
        resource = access_resource(actor, resource_id, for_update=True)
        if resource.is_deleted:
            return
        if not can_delete_resource(actor, resource):
            raise Forbidden("Only the person who shared it, or a moderator, can delete this resource.")
        resource.deleted_at = resource.updated_at = utcnow()
        db.session.flush()
        record_event(channels.resource(resource.id), "resource_deleted", {"resource_id": resource.id},
                     subject=f"resource:{resource.id}")


def check_stars(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise ValidationFailed({"stars": "must be a whole number from 1 to 5"})
    return value


def rate_resource(actor: User, resource_id: object, stars: object, review: object = None
                  ) -> tuple[Resource, ResourceRating]:
    """Rate 1-5 stars with an optional review; rating again changes the earlier rating."""
    require_active_account(actor)
    stars = check_stars(stars)
    review = check_text("review", review, max_len=REVIEW_MAX, required=False).strip()
    with atomic():
        resource = access_resource(actor, resource_id, for_update=True)
        if resource.is_deleted:
            raise Forbidden("This resource was deleted; it takes no new ratings.")
        if not can_rate_resource(actor, resource):
            raise Forbidden("You can't rate a resource you shared yourself."
                            if resource.shared_by_id == getattr(actor, "id", None)
                            else "Log in to rate resources.")
        rating = _own_rating(actor, resource)
        now = utcnow()
        if rating is None:
            rating = ResourceRating(resource_id=resource.id, user_id=actor.id, stars=stars,
                                    review=review, created_at=now, updated_at=now)
            rating.user = db.session.get(User, actor.id)
            db.session.add(rating)
            resource.rating_sum += stars
            resource.rating_count += 1
            first_review = bool(review)
        else:
            first_review = bool(review) and not rating.review
            resource.rating_sum += stars - rating.stars
            rating.stars, rating.review, rating.updated_at = stars, review, now
        db.session.flush()
        _rating_changed(resource)
        if first_review:
            notify([resource.shared_by_id], "resource_reviewed", actor, resource.title,
                   resource_page_url(resource.id))
        award_after_commit(actor.id, Trigger.RESOURCE_RATED)
        award_after_commit(resource.shared_by_id, Trigger.RESOURCE_RATED)
    return resource, rating


def remove_rating(actor: User, resource_id: object) -> Resource:
    """Take one's rating back (nothing to remove is fine: DELETE is idempotent)."""
    require_active_account(actor)
    with atomic():
        resource = access_resource(actor, resource_id, for_update=True)
        rating = _own_rating(actor, resource)
        if rating is not None:
            resource.rating_sum -= rating.stars
            resource.rating_count -= 1
            db.session.delete(rating)
            db.session.flush()
            _rating_changed(resource)
    return resource


def _own_rating(actor: User, resource: Resource) -> ResourceRating | None:
    return db.session.scalar(select(ResourceRating).where(
        ResourceRating.resource_id == resource.id, ResourceRating.user_id == actor.id))


def _rating_changed(resource: Resource) -> None:
    record_event(channels.resource(resource.id), "resource_rated",
                 {key: value for key, value in rating_summary_payload(resource, None).items()
                  if not key.startswith("my_")},
                 subject=f"resource:{resource.id}")
