"""The JSON shapes of "was this helpful?" feedback: an item's summary, an author's totals and items.

No shape here has a user in it: who gave which feedback is known to the giver only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import iso

if TYPE_CHECKING:  # the queries import payloads; only their types are needed here
    from ..queries.content_feedback import FeedbackComment, FeedbackItem, FeedbackSummary, FeedbackTotals


def feedback_comment_payload(comment: FeedbackComment) -> dict[str, Any]:
    # created_at is the start of the UTC day it was written: finer would tell who was on the page.
    return {"helpful": comment.helpful, "comment": comment.comment, "created_at": iso(comment.created_at)}


def feedback_summary_payload(summary: FeedbackSummary) -> dict[str, Any]:
    """``comments`` is null unless the caller wrote the item or is a moderator."""
    mine = summary.mine
    return {
        "target_type": summary.target_type,
        "target_id": summary.target_id,
        "helpful_count": summary.helpful_count,
        "not_helpful_count": summary.not_helpful_count,
        "mine": {"helpful": mine.helpful, "comment": mine.comment} if mine else None,
        "comments": (None if summary.comments is None
                     else [feedback_comment_payload(c) for c in summary.comments]),
        "comment_count": summary.comment_count if summary.comments is not None else None,
    }


def feedback_totals_payload(totals: FeedbackTotals) -> dict[str, Any]:
    return {"helpful_count": totals.helpful_count, "not_helpful_count": totals.not_helpful_count,
            "answer_count": totals.answer_count, "resource_count": totals.resource_count}


def feedback_item_payload(item: FeedbackItem) -> dict[str, Any]:
    return {**feedback_summary_payload(item.summary), "title": item.title, "url": item.url}
