"""Link previews: claiming resources whose page should be fetched, and storing what was found.

The fetch itself happens outside any transaction (community/previews/), so a slow site holds no
lock; a claim is a conditional UPDATE, so several server processes never fetch the same link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select, update

from ..db import atomic
from ..extensions import db
from ..models import PreviewStatus, Resource
from ..models.base import utcnow
from ..payloads import resource_payload
from ..queries.resources import get_resource
from ..realtime import channels
from ..realtime.events import record_event
from .resources import DESCRIPTION_MAX, TITLE_MAX, derived_title

STALE_CLAIM = timedelta(minutes=5)  # a fetcher that died mid-fetch gives its claims back after this
TEXT_MAX = 50_000


@dataclass(frozen=True)
class PreviewClaim:
    resource_id: int
    url: str


@dataclass(frozen=True)
class PreviewResult:
    title: str = ""
    description: str = ""
    text: str = ""
    error: str = ""  # why there is no preview (refused address, not HTML, timed out, ...)


def claim_previews(limit: int = 10) -> list[PreviewClaim]:
    """Claim up to ``limit`` resources waiting for a preview (oldest first)."""
    now = utcnow()
    waiting = or_(Resource.preview_status == PreviewStatus.PENDING.value,
                  (Resource.preview_status == PreviewStatus.FETCHING.value)
                  & (Resource.preview_claimed_at < now - STALE_CLAIM))
    with atomic():
        candidates = db.session.execute(
            select(Resource.id, Resource.url).where(waiting, Resource.deleted_at.is_(None))
            .order_by(Resource.id).limit(limit)).all()
        claimed = []
        for resource_id, url in candidates:
            result = db.session.execute(
                update(Resource).where(Resource.id == resource_id, waiting)
                .values(preview_status=PreviewStatus.FETCHING.value, preview_claimed_at=now)
                .execution_options(synchronize_session=False))
            if result.rowcount == 1:
                claimed.append(PreviewClaim(resource_id, url))
    return claimed


def record_preview(resource_id: int, result: PreviewResult) -> Resource | None:
    """Store a fetched preview (or why there is none); fills a title or description still missing."""
    with atomic():
        resource = get_resource(resource_id, for_update=True)
        if resource is None:
            return None
        resource.preview_claimed_at = None
        if result.error:
            resource.preview_status = PreviewStatus.FAILED.value
            resource.preview_error = result.error[:200]
        else:
            resource.preview_status = PreviewStatus.DONE.value
            resource.preview_error = ""
            resource.preview_title = result.title[:300]
            resource.preview_description = result.description[:DESCRIPTION_MAX]
            resource.preview_text = result.text[:TEXT_MAX]
            resource.preview_fetched_at = utcnow()
            if result.title and resource.title == derived_title(resource.normalized_url):
                resource.title = result.title[:TITLE_MAX]
            if result.description and not resource.description:
                resource.description = result.description[:DESCRIPTION_MAX]
        db.session.flush()
        record_event(channels.resource(resource.id), "resource_updated", resource_payload(resource),
                     subject=f"resource:{resource.id}")
    return resource


def requeue_failed_previews() -> int:
    """Put every failed preview back in the queue (after the allow-list changed, say)."""
    with atomic():
        result = db.session.execute(
            update(Resource).where(Resource.preview_status == PreviewStatus.FAILED.value,
                                   Resource.deleted_at.is_(None))
            .values(preview_status=PreviewStatus.PENDING.value, preview_error="", preview_claimed_at=None)
            .execution_options(synchronize_session=False))
    return result.rowcount or 0

