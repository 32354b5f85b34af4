"""Reading resources: the library list, one resource, its ratings, and resources for a thread."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Float, Select, cast, func, or_, select
from sqlalchemy.orm import selectinload

from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..models import (
    Post,
    PreviewStatus,
    Resource,
    ResourceKind,
    ResourceLink,
    ResourceRating,
    Tag,
    User,
    post_tags,
    resource_tags,
)
from ..models.base import is_row_id
from ..permissions import can_see_deleted, can_see_hidden
from ..text.urls import normalize_url
from ..text.validation import text_problem
from .paging import Page

RESOURCE_SORTS = ("top", "newest")
KINDS = tuple(kind.value for kind in ResourceKind)
# The Bayesian average counts every resource as if it also had PRIOR_RATINGS ratings of
# PRIOR_STARS (the middle of the scale): one 5-star rating (3.33) can't beat fifty 4.6s (4.45),
# and an unrated link sits in the middle. A fixed prior, not the community's mean: while one
# popular resource holds most ratings, the mean is that resource's own average, and any single
# rating above it would beat it.
PRIOR_RATINGS = 5
PRIOR_STARS = 3


def url_key(normalized_url: str) -> str:
    """What the unique index compares: the normalized URL's SHA-256 (URLs can be long)."""
    return hashlib.sha256(normalized_url.encode("utf-8")).hexdigest()


def get_resource(resource_id: int, *, for_update: bool = False) -> Resource | None:
    stmt = select(Resource).where(Resource.id == resource_id)
    if for_update:
        stmt = stmt.with_for_update(of=Resource).execution_options(populate_existing=True)
    return db.session.scalar(stmt)


def access_resource(actor: User | None, resource_id: object, *, for_update: bool = False) -> Resource:
    """The resource if it exists and the actor may see it (deleted ones: moderators; hidden by
    flags: its sharer and moderators); else 404."""
    resource = get_resource(resource_id, for_update=for_update) if is_row_id(resource_id) else None
    if resource is None or (resource.is_deleted and not can_see_deleted(actor)):
        raise NotFound("No such resource.")
    if resource.is_hidden and not can_see_hidden(actor, resource.shared_by_id):
        raise NotFound("No such resource.")
    return resource


def find_by_normalized_url(normalized_url: str) -> Resource | None:
    return db.session.scalar(select(Resource).where(Resource.normalized_key == url_key(normalized_url)))


@dataclass(frozen=True)
class DuplicateCheck:
    normalized_url: str
    existing: Resource | None


def check_url(url: object) -> DuplicateCheck:
    """Whether this link was already shared (a deleted resource counts as not shared)."""
    if not isinstance(url, str) or not url.strip():
        raise ValidationFailed({"url": "is required"})
    problem = text_problem(url)
    if problem:
        raise ValidationFailed({"url": problem})
    normalized = normalize_url(url)
    existing = find_by_normalized_url(normalized)
    return DuplicateCheck(normalized, existing if existing is not None and not existing.is_deleted
                          else None)


@dataclass(frozen=True)
class ResourceFilter:
    tag: str | None = None
    kind: str | None = None
    max_minutes: int | None = None
    sort: str = "top"
    shared_by: str | None = None


def check_resource_filter(tag: object = None, kind: object = None, max_minutes: object = None,
                          sort: object = None, shared_by: object = None) -> ResourceFilter:
    problems = {}
    if kind not in (None, "") and kind not in KINDS:
        problems["kind"] = f"must be one of {', '.join(KINDS)}"
    if sort not in (None, "") and sort not in RESOURCE_SORTS:
        problems["sort"] = f"must be one of {', '.join(RESOURCE_SORTS)}"
    if max_minutes not in (None, "") and (not isinstance(max_minutes, int) or isinstance(max_minutes, bool)
                                          or not 1 <= max_minutes <= 100_000):
        problems["max_minutes"] = "must be a whole number of minutes, at least 1"
    for name, value in (("tag", tag), ("shared_by", shared_by)):
        if value is not None and (not isinstance(value, str) or text_problem(value) or len(value) > 60):
            problems[name] = "is not a valid name"
    if problems:
        raise ValidationFailed(problems)
    return ResourceFilter(tag=tag or None, kind=kind or None, max_minutes=max_minutes or None,
                          sort=sort or "top", shared_by=shared_by or None)


def _bayesian_score() -> ColumnElement[float]:
    return ((PRIOR_RATINGS * PRIOR_STARS + cast(Resource.rating_sum, Float))
            / (PRIOR_RATINGS + Resource.rating_count))


def _ranked(stmt: Select, sort: str) -> Select:
    if sort == "newest":
        return stmt.order_by(Resource.created_at.desc(), Resource.id.desc())
    return stmt.order_by(_bayesian_score().desc(), Resource.rating_count.desc(), Resource.id.desc())


def list_resources(flt: ResourceFilter, page: Page) -> tuple[list[Resource], int]:
    stmt = select(Resource).where(Resource.deleted_at.is_(None), Resource.hidden_at.is_(None))
    if flt.kind:
        stmt = stmt.where(Resource.kind == flt.kind)
    if flt.max_minutes:
        stmt = stmt.where(Resource.duration_minutes.is_not(None),
                          Resource.duration_minutes <= flt.max_minutes)
    if flt.tag:
        stmt = stmt.where(Resource.id.in_(
            select(resource_tags.c.resource_id).join(Tag, Tag.id == resource_tags.c.tag_id)
            .where(Tag.name == flt.tag.lower())))
    if flt.shared_by:
        stmt = stmt.join(User, User.id == Resource.shared_by_id).where(
            User.username_key == flt.shared_by.lower())
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(_ranked(stmt, flt.sort).options(selectinload(Resource.tags))
                              .limit(page.per_page).offset(page.offset)).all()
    return list(rows), total


def linked_threads(resource: Resource, limit: int = 50) -> list[Post]:
    """The live threads whose question or answers link to the resource, most active first (not
    deleted ones, nor questions hidden by flags: their titles would show on the resource)."""
    return list(db.session.scalars(
        select(Post).where(Post.id.in_(select(ResourceLink.thread_id)
                                       .where(ResourceLink.resource_id == resource.id)),
                           Post.deleted_at.is_(None), Post.hidden_at.is_(None))
        .options(selectinload(Post.tags))
        .order_by(Post.last_activity_at.desc(), Post.id.desc()).limit(limit)))


def resources_linked_in_thread(thread_id: int) -> list[Resource]:
    """Resources linked from the thread's live posts, in the order they were first linked."""
    first_linked = (select(ResourceLink.resource_id, func.min(ResourceLink.created_at).label("at"))
                    .join(Post, Post.id == ResourceLink.post_id)
                    .where(ResourceLink.thread_id == thread_id, Post.deleted_at.is_(None))
                    .group_by(ResourceLink.resource_id).subquery())
    return list(db.session.scalars(
        select(Resource).join(first_linked, first_linked.c.resource_id == Resource.id)
        .where(Resource.deleted_at.is_(None), Resource.hidden_at.is_(None))
        .options(selectinload(Resource.tags)).order_by(first_linked.c.at, Resource.id)))


def suggested_for_thread(thread: Post, exclude: list[int], limit: int = 5) -> list[Resource]:
    """Top-rated resources sharing a tag with the thread (Bayesian average, most shared tags first)."""
    tag_ids = [tag.id for tag in thread.tags]
    if not tag_ids:
        return []
    shared = (select(resource_tags.c.resource_id, func.count().label("shared"))
              .where(resource_tags.c.tag_id.in_(tag_ids))
              .group_by(resource_tags.c.resource_id).subquery())
    stmt = (select(Resource).join(shared, shared.c.resource_id == Resource.id)
            .where(Resource.deleted_at.is_(None), Resource.hidden_at.is_(None),
                   Resource.id.not_in(exclude or [0]),
                   # unrated, or rated at least 3 stars on average: never suggest a poor one
                   or_(Resource.rating_count == 0, Resource.rating_sum >= 3 * Resource.rating_count))
            .options(selectinload(Resource.tags))
            .order_by(_bayesian_score().desc(), shared.c.shared.desc(), Resource.id.desc()).limit(limit))
    return list(db.session.scalars(stmt))


def my_rating(user: User | None, resource: Resource) -> ResourceRating | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(ResourceRating).where(
        ResourceRating.resource_id == resource.id, ResourceRating.user_id == user.id))


def list_ratings(resource: Resource, page: Page, *, with_review: bool = False
                 ) -> tuple[list[ResourceRating], int]:
    """The resource's ratings, newest first (optionally only those with a written review)."""
    stmt = select(ResourceRating).where(ResourceRating.resource_id == resource.id)
    if with_review:
        stmt = stmt.where(ResourceRating.review != "")
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.order_by(ResourceRating.updated_at.desc(), ResourceRating.id.desc())
                              .limit(page.per_page).offset(page.offset)).all()
    return list(rows), total


def star_counts(resource: Resource) -> dict[int, int]:
    """How many ratings gave each number of stars (1-5, zeros included)."""
    counts = dict.fromkeys(range(1, 6), 0)
    for stars, count in db.session.execute(
            select(ResourceRating.stars, func.count()).where(ResourceRating.resource_id == resource.id)
            .group_by(ResourceRating.stars)):
        counts[int(stars)] = count
    return counts


def pending_preview_count() -> int:
    """Resources whose link preview is waiting to be (or being) fetched."""
    return db.session.scalar(select(func.count(Resource.id)).where(
        Resource.preview_status.in_([PreviewStatus.PENDING.value, PreviewStatus.FETCHING.value]),
        Resource.deleted_at.is_(None))) or 0


# --- the thread page's sidebar ---------------------------------------------------------------------

def thread_sidebar_resources(thread_id: int, limit: int = 5) -> tuple[list[Resource], list[Resource]]:
    """The thread page's two resource lists in two queries (tags are not loaded): the resources
    linked from the thread's live posts, first linked first (as resources_linked_in_thread), and up
    to ``limit`` suggestions sharing a tag with it (as suggested_for_thread, linked ones excluded)."""
    first_linked = (select(ResourceLink.resource_id, func.min(ResourceLink.created_at).label("at"))
                    .join(Post, Post.id == ResourceLink.post_id)
                    .where(ResourceLink.thread_id == thread_id, Post.deleted_at.is_(None))
                    .group_by(ResourceLink.resource_id).subquery())
    linked = list(db.session.scalars(
        select(Resource).join(first_linked, first_linked.c.resource_id == Resource.id)
        .where(Resource.deleted_at.is_(None), Resource.hidden_at.is_(None))
        .order_by(first_linked.c.at, Resource.id)))
    thread_tags = select(post_tags.c.tag_id).where(post_tags.c.post_id == thread_id)
    shared = (select(resource_tags.c.resource_id, func.count().label("shared"))
              .where(resource_tags.c.tag_id.in_(thread_tags))
              .group_by(resource_tags.c.resource_id).subquery())
    suggested = list(db.session.scalars(
        select(Resource).join(shared, shared.c.resource_id == Resource.id)
        .where(Resource.deleted_at.is_(None), Resource.hidden_at.is_(None),
               Resource.id.not_in([r.id for r in linked] or [0]),
               or_(Resource.rating_count == 0, Resource.rating_sum >= 3 * Resource.rating_count))
        .order_by(_bayesian_score().desc(), shared.c.shared.desc(), Resource.id.desc()).limit(limit)))
    return linked, suggested
