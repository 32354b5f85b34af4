"""Milestones in the API (/api/v1/milestones): a member's own goals with live progress.

Only the owner changes one; colleagues it is shared with read it; anyone else gets a 404.
"""

from __future__ import annotations

from flask_login import current_user, login_required
from marshmallow import fields

from ...actions import milestones as milestone_actions
from ...models import Milestone
from ...payloads import milestone_payload, page_payload
from ...queries import milestones as milestone_queries
from ...queries.paging import parse_page
from .blueprint import ApiBlueprint
from .schemas import Input, one_of

bp = ApiBlueprint("milestones_api", __name__, url_prefix="/api/v1",
                  description="Milestones: your own measurable goals, with progress from your activity")


class MilestonePatch(Input):
    title = fields.String(metadata={"description": "3-200 characters"})
    metric = fields.Raw(metadata=one_of(milestone_actions.METRICS))
    tag = fields.Raw(allow_none=True, metadata={"description": "an existing tag; answers and questions only"})
    resource_kind = fields.Raw(allow_none=True, metadata={
        **one_of(milestone_actions.RESOURCE_KINDS), "description": "resources_finished only"})
    target = fields.Raw(metadata={"description": "a whole number from 1 to 1000"})
    starts_at = fields.Raw(allow_none=True, metadata={"description": "ISO 8601 with an offset; default now"})
    due_at = fields.Raw(allow_none=True, metadata={"description": "ISO 8601 with an offset, after starts_at"})


class MilestoneIn(MilestonePatch):
    title = fields.Raw(required=True)
    metric = fields.Raw(required=True, metadata=one_of(milestone_actions.METRICS))
    target = fields.Raw(required=True)


class MilestoneListArgs(Input):
    shared = fields.String(metadata={"description": "1: the milestones shared with me instead of mine"})
    page = fields.Integer()
    per_page = fields.Integer()


class MilestoneProgressIn(Input):
    value = fields.Raw(required=True, metadata={"description": "manual milestones: a whole number ≥ 0"})


class MilestoneSharesIn(Input):
    usernames = fields.Raw(required=True, metadata={"description": "[username]: exactly who may read it"})


def _payload(milestone: Milestone) -> dict:
    return milestone_payload(milestone_queries.milestone_views([milestone])[0])


@bp.get("/milestones")
@login_required
@bp.arguments(MilestoneListArgs, location="query")
def list_milestones(args: dict):
    page = parse_page(args.get("page"), args.get("per_page"))
    if args.get("shared") in ("1", "true"):
        milestones, total = milestone_queries.shared_with(current_user, page)
    else:
        milestones, total = milestone_queries.my_milestones(current_user, page)
    items = [milestone_payload(view) for view in milestone_queries.milestone_views(milestones)]
    return page_payload(items, total, page.page, page.per_page)


@bp.post("/milestones")
@login_required
@bp.arguments(MilestoneIn)
def create_milestone(data: dict):
    return _payload(milestone_actions.create_milestone(current_user, data)), 201


@bp.get("/milestones/<int:milestone_id>")
@login_required
def get_milestone(milestone_id: int):
    return _payload(milestone_queries.visible_milestone(current_user, milestone_id))


@bp.patch("/milestones/<int:milestone_id>")
@login_required
@bp.arguments(MilestonePatch)
def update_milestone(data: dict, milestone_id: int):
    return _payload(milestone_actions.update_milestone(current_user, milestone_id, data))


@bp.delete("/milestones/<int:milestone_id>")
@login_required
def delete_milestone(milestone_id: int):
    milestone_actions.delete_milestone(current_user, milestone_id)
    return "", 204


@bp.put("/milestones/<int:milestone_id>/progress")
@login_required
@bp.arguments(MilestoneProgressIn)
def set_progress(data: dict, milestone_id: int):
    return _payload(milestone_actions.set_manual_progress(current_user, milestone_id, data["value"]))


@bp.put("/milestones/<int:milestone_id>/shares")
@login_required
@bp.arguments(MilestoneSharesIn)
def set_shares(data: dict, milestone_id: int):
    return _payload(milestone_actions.set_shares(current_user, milestone_id, data["usernames"]))
