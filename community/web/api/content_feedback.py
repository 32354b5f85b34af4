""""Was this helpful?" in the API: feedback on answers and resources, and an author's summary.

``PUT`` and ``GET`` on /posts/{id}/feedback (answers only: a question's id is a 404, questions take
no feedback) and /resources/{id}/feedback answer 200 with the item's summary, so a client shows the
new state from the reply; ``DELETE`` withdraws the caller's feedback (204, like every DELETE).
Every call needs a login; the comments in a summary are for the item's author and moderators, and
nobody is ever named.
"""

from __future__ import annotations

from flask_login import current_user, login_required
from marshmallow import fields

from ...actions import content_feedback as feedback_actions
from ...models import FeedbackTarget
from ...payloads import (
    feedback_item_payload,
    feedback_summary_payload,
    feedback_totals_payload,
    page_payload,
)
from ...queries import content_feedback as feedback_queries
from ...queries.paging import parse_page
from .blueprint import ApiBlueprint
from .schemas import Input, PageArgs

bp = ApiBlueprint("content_feedback", __name__, url_prefix="/api/v1",
                  description='"Was this helpful?" feedback on answers and resources')


class FeedbackIn(Input):
    # Raw, so that the action reports a wrong type in its own words instead of coercing "yes" or 1.
    helpful = fields.Raw(required=True, metadata={"type": "boolean"})
    comment = fields.Raw(load_default=None, allow_none=True,
                         metadata={"type": "string", "description": "optional, at most 500 characters"})


def _summary(target_type: FeedbackTarget, target_id: int) -> dict:
    target = feedback_queries.access_target(current_user, target_type, target_id)
    return feedback_summary_payload(feedback_queries.summary_for(current_user, target))


def _give(target_type: FeedbackTarget, target_id: int, data: dict) -> dict:
    summary = feedback_actions.give_feedback(current_user, target_type, target_id, data["helpful"],
                                             data["comment"])
    return feedback_summary_payload(summary)


def _withdraw(target_type: FeedbackTarget, target_id: int) -> tuple[str, int]:
    feedback_actions.withdraw_feedback(current_user, target_type, target_id)
    return "", 204


@bp.get("/posts/<int:post_id>/feedback")
@login_required
def answer_feedback(post_id: int):
    return _summary(FeedbackTarget.ANSWER, post_id)


@bp.put("/posts/<int:post_id>/feedback")
@login_required
@bp.arguments(FeedbackIn)
def give_answer_feedback(data: dict, post_id: int):
    return _give(FeedbackTarget.ANSWER, post_id, data)


@bp.delete("/posts/<int:post_id>/feedback")
@login_required
def withdraw_answer_feedback(post_id: int):
    return _withdraw(FeedbackTarget.ANSWER, post_id)


@bp.get("/resources/<int:resource_id>/feedback")
@login_required
def resource_feedback(resource_id: int):
    return _summary(FeedbackTarget.RESOURCE, resource_id)


@bp.put("/resources/<int:resource_id>/feedback")
@login_required
@bp.arguments(FeedbackIn)
def give_resource_feedback(data: dict, resource_id: int):
    return _give(FeedbackTarget.RESOURCE, resource_id, data)


@bp.delete("/resources/<int:resource_id>/feedback")
@login_required
def withdraw_resource_feedback(resource_id: int):
    return _withdraw(FeedbackTarget.RESOURCE, resource_id)


@bp.get("/me/feedback")
@login_required
@bp.arguments(PageArgs, location="query")
def my_feedback(args: dict):
    """Feedback on the caller's answers and resources: totals, then the items that have any,
    latest feedback first, with their comments."""
    page = parse_page(args.get("page"), args.get("per_page"))
    items, total = feedback_queries.list_author_feedback(current_user, page)
    return {**page_payload([feedback_item_payload(i) for i in items], total, page.page, page.per_page),
            "totals": feedback_totals_payload(feedback_queries.author_totals(current_user))}
