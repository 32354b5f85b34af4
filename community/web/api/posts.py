"""Posts (questions and answers alike) in the API: edit, delete, vote."""

from __future__ import annotations

from flask_login import current_user, login_required

from ...actions import answers as answer_actions
from ...actions import votes as vote_actions
from ...payloads import answer_payload, thread_payload
from ...queries.threads import get_post
from .blueprint import ApiBlueprint
from .schemas import BodyPatch, VoteIn

bp = ApiBlueprint("posts", __name__, url_prefix="/api/v1", description="Votes, edits, deletes")


@bp.patch("/posts/<int:post_id>")
@login_required
@bp.arguments(BodyPatch)
def update_post(data: dict, post_id: int):
    post = answer_actions.edit_post_body(current_user, post_id, data["body"])
    # Only its author or a moderator gets to edit a post hidden by flags: they may read it.
    if post.is_question:
        return thread_payload(post, reveal_hidden=True)
    return answer_payload(post, get_post(post.parent_id).accepted_answer_id, reveal_hidden=True)


@bp.delete("/posts/<int:post_id>")
@login_required
def delete_post(post_id: int):
    answer_actions.delete_post(current_user, post_id)
    return "", 204


@bp.post("/posts/<int:post_id>/vote")
@login_required
@bp.arguments(VoteIn)
def vote(data: dict, post_id: int):
    result = vote_actions.cast_vote(current_user, post_id, data["value"])
    return {"post_id": result.post_id, "score": result.score, "my_vote": result.my_vote}
