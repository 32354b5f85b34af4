"""The resource library in the API: share, check, list, read, edit, delete and rate."""

from __future__ import annotations

from flask_login import current_user, login_required

from ...actions import resources as resource_actions
from ...payloads import page_payload, rating_payload, rating_summary_payload, resource_payload, thread_payload
from ...permissions import can_see_hidden
from ...queries import resources as resource_queries
from ...queries import threads as thread_queries
from ...queries.paging import parse_page
from .blueprint import ApiBlueprint
from .schemas import PageArgs, RatingIn, ResourceIn, ResourceListArgs, ResourcePatch, UrlCheckArgs

bp = ApiBlueprint("resources_api", __name__, url_prefix="/api/v1", description="Shared learning resources")


def full_resource(resource) -> dict:
    """The resource with the threads that link to it and the caller's own rating."""
    mine = resource_queries.my_rating(current_user, resource)
    return {**resource_payload(resource),
            "linked_from": [thread_payload(t) for t in resource_queries.linked_threads(resource)],
            "star_counts": {str(stars): count
                            for stars, count in resource_queries.star_counts(resource).items()},
            "my_rating": mine.stars if mine else None,
            "my_review": mine.review if mine else None}


@bp.post("/resources")
@login_required
@bp.arguments(ResourceIn)
def share(data: dict):
    resource = resource_actions.share_resource(current_user, resource_actions.ResourceDraft(**data))
    return resource_payload(resource), 201


@bp.get("/resources/check")
@bp.arguments(UrlCheckArgs, location="query")
def check(args: dict):
    found = resource_queries.check_url(args["url"])
    existing = found.existing
    # Hidden by flags: still a duplicate, but only its sharer and moderators may read it.
    shown = existing is not None and (not existing.is_hidden
                                      or can_see_hidden(current_user, existing.shared_by_id))
    return {"duplicate": existing is not None, "normalized_url": found.normalized_url,
            "existing": resource_payload(existing) if shown else None}


@bp.get("/resources")
@bp.arguments(ResourceListArgs, location="query")
def list_resources(args: dict):
    page = parse_page(args.pop("page", None), args.pop("per_page", None))
    flt = resource_queries.check_resource_filter(**args)
    resources, total = resource_queries.list_resources(flt, page)
    return page_payload([resource_payload(r) for r in resources], total, page.page, page.per_page)


@bp.get("/resources/<int:resource_id>")
def get_resource(resource_id: int):
    return full_resource(resource_queries.access_resource(current_user, resource_id))


@bp.patch("/resources/<int:resource_id>")
@login_required
@bp.arguments(ResourcePatch)
def update_resource(data: dict, resource_id: int):
    clear_duration = "duration_minutes" in data and data["duration_minutes"] is None
    changes = resource_actions.ResourceChanges(**data, clear_duration=clear_duration)
    return full_resource(resource_actions.edit_resource(current_user, resource_id, changes))


@bp.delete("/resources/<int:resource_id>")
@login_required
def delete_resource(resource_id: int):
    resource_actions.delete_resource(current_user, resource_id)
    return "", 204


@bp.put("/resources/<int:resource_id>/rating")
@login_required
@bp.arguments(RatingIn)
def rate(data: dict, resource_id: int):
    resource, rating = resource_actions.rate_resource(current_user, resource_id, data["stars"],
                                                      data["review"])
    return rating_summary_payload(resource, rating)


@bp.delete("/resources/<int:resource_id>/rating")
@login_required
def unrate(resource_id: int):
    resource_actions.remove_rating(current_user, resource_id)
    return "", 204


@bp.get("/resources/<int:resource_id>/ratings")
@bp.arguments(PageArgs, location="query")
def ratings(args: dict, resource_id: int):
    resource = resource_queries.access_resource(current_user, resource_id)
    page = parse_page(args.get("page"), args.get("per_page"))
    found, total = resource_queries.list_ratings(resource, page)
    return page_payload([rating_payload(r) for r in found], total, page.page, page.per_page)


@bp.get("/threads/<int:thread_id>/resources")
def thread_resources(thread_id: int):
    """Resources linked from the thread's posts, and top-rated ones with its tags."""
    thread = thread_queries.access_thread(current_user, thread_id)
    linked = resource_queries.resources_linked_in_thread(thread.id)
    suggested = resource_queries.suggested_for_thread(thread, [r.id for r in linked])
    return {"linked": [resource_payload(r) for r in linked],
            "suggested": [resource_payload(r) for r in suggested]}
