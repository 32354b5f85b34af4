"""Giving, changing and withdrawing "was this helpful?" feedback on answers and resources.

One row per member per item (the unique key of community/models/feedback.py); giving it again
replaces the earlier choice and comment. No live events and no notifications are recorded: the
aggregates are for the author, who reads them on their pages, and an event at the moment of a
change would tell them who was just on the page.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from ..db import atomic, insert_ignoring_conflicts
from ..errors import Forbidden, ValidationFailed
from ..extensions import db
from ..models import ContentFeedback, FeedbackTarget, Post, User
from ..models.base import utcnow
from ..permissions import require_active_account, thread_refusal
from ..queries.content_feedback import FeedbackSummary, Target, access_target, summary_for
from ..text.validation import check_text

COMMENT_MAX = 500


def check_helpful(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed({"helpful": "must be true or false"})
    return value


def check_comment(value: object) -> str:
    return check_text("comment", value, max_len=COMMENT_MAX, required=False).strip()


def _refusal(actor: User, target: Target) -> str | None:
    """Why the actor may not give feedback on the target (one they may see), or None."""
    noun = target.type.value
    if not getattr(actor, "is_authenticated", False):
        return f"Log in to say whether this {noun} helped."
    if target.author_id == actor.id:
        return f"This {noun} is yours; feedback on it comes from others."
    if target.deleted:
        return f"This {noun} was deleted; it takes no new feedback."
    if isinstance(target.item, Post):
        return thread_refusal(actor, target.item)  # locked: no votes, and no feedback either
    return None


def give_feedback(actor: User, target_type: FeedbackTarget, target_id: object, helpful: object,
                  comment: object = None) -> FeedbackSummary:
    """Say whether an answer or resource helped, with an optional comment (what was missing)."""
    require_active_account(actor)
    helpful = check_helpful(helpful)
    comment = check_comment(comment)
    with atomic():
        target = access_target(actor, target_type, target_id)
        refusal = _refusal(actor, target)
        if refusal:
            raise Forbidden(refusal)
        now = utcnow()
        row = {"target_type": target.type.value, "target_id": target.id, "user_id": actor.id,
               "helpful": helpful, "comment": comment, "created_at": now, "updated_at": now}
        # Insert-or-update on the unique key, so a double click never meets the constraint.
        if not insert_ignoring_conflicts(ContentFeedback.__table__, [row]):
            feedback = db.session.scalar(select(ContentFeedback).where(
                ContentFeedback.target_type == target.type.value, ContentFeedback.target_id == target.id,
                ContentFeedback.user_id == actor.id).with_for_update()
                .execution_options(populate_existing=True))
            if feedback.helpful != helpful or feedback.comment != comment:
                feedback.helpful, feedback.comment, feedback.updated_at = helpful, comment, now
    return summary_for(actor, target)


def withdraw_feedback(actor: User, target_type: FeedbackTarget, target_id: object) -> FeedbackSummary:
    """Take one's feedback back. Nothing to withdraw is fine (the same answer twice); one's own
    feedback can be withdrawn from a deleted or locked item too, as long as one may still see it."""
    require_active_account(actor)
    with atomic():
        target = access_target(actor, target_type, target_id)
        if not getattr(actor, "is_authenticated", False):
            raise Forbidden(f"Log in to change your feedback on this {target.type.value}.")
        db.session.execute(delete(ContentFeedback).where(
            ContentFeedback.target_type == target.type.value, ContentFeedback.target_id == target.id,
            ContentFeedback.user_id == actor.id))
    return summary_for(actor, target)
