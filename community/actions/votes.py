"""Voting on questions and answers, with the reputation it moves."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, update

from ..badges import Trigger
from ..db import atomic
from ..errors import Forbidden, ValidationFailed
from ..extensions import db
from ..models import Post, User, Vote
from ..permissions import can_downvote, can_vote, privilege, require_active_account, thread_refusal
from ..queries.threads import access_post
from ..realtime import channels
from ..realtime.events import record_event
from . import reputation
from .badges import award_after_commit
from .vote_flags import flag_vote_pair


@dataclass(frozen=True)
class VoteResult:
    post_id: int
    score: int
    my_vote: int


def check_vote_value(value: object) -> int:
    if isinstance(value, bool) or value not in (-1, 0, 1):
        raise ValidationFailed({"value": "must be 1, -1 or 0"})
    return int(value)


def cast_vote(actor: User, post_id: int, value: object) -> VoteResult:
    """Set the actor's vote on a post to +1, -1 or 0 (none). Repeating a vote changes nothing."""
    require_active_account(actor)
    value = check_vote_value(value)
    with atomic():
        post = access_post(actor, post_id, for_update=True)  # serializes votes on this post
        _check_may_vote(actor, post, value)
        reputation.lock_users(post.author_id, actor.id)
        existing = db.session.scalar(
            select(Vote).where(Vote.post_id == post.id, Vote.user_id == actor.id))
        if (existing.value if existing else 0) == value:
            return VoteResult(post.id, post.score, value)
        delta = 0
        if existing is not None:
            delta -= existing.value
            _undo_vote(existing, post)
        if value:
            delta += value
            _add_vote(actor, post, value)
        score = db.session.scalar(
            update(Post).where(Post.id == post.id).values(score=Post.score + delta)
            .returning(Post.score))
        post.score = score
        record_event(channels.thread(post.thread_id), "vote_changed",
                     {"post_id": post.id, "score": score}, subject=f"post:{post.id}")
        _recognize(actor, post, value)
    return VoteResult(post.id, score, value)


def _recognize(actor: User, post: Post, value: int) -> None:
    """Badges the vote may earn (or take back), and the anti-gaming count of the pair."""
    award_after_commit(post.author_id, Trigger.VOTE_RECEIVED, post_id=post.id)
    if value == 1:
        award_after_commit(actor.id, Trigger.VOTE_CAST, post_id=post.id)
    if value:
        flag_vote_pair(actor.id, post.author_id)


def _check_may_vote(actor: User, post: Post, value: int) -> None:
    if not can_vote(actor, post):
        if post.is_deleted:
            raise Forbidden("Deleted posts can't be voted on.")
        raise Forbidden(thread_refusal(actor, post) or "You can't vote on your own post.")
    if value == -1 and not can_downvote(actor):
        raise Forbidden(f"Downvoting needs {privilege('downvote')} reputation; "
                        f"you have {actor.reputation}.")


def _add_vote(actor: User, post: Post, value: int) -> None:
    if value == 1:
        author_delta = reputation.grant(post.author_id, reputation.UPVOTE, "upvote", post.id,
                                        capped=True)
        voter_delta = 0
    else:
        author_delta = reputation.grant(post.author_id, reputation.DOWNVOTE_RECEIVED,
                                        "downvote", post.id)
        voter_delta = 0
        if not post.is_question:
            voter_delta = reputation.grant(actor.id, reputation.DOWNVOTE_GIVEN,
                                           "downvote_given", post.id)
    db.session.add(Vote(post_id=post.id, user_id=actor.id, value=value,
                        author_delta=author_delta, voter_delta=voter_delta))
    db.session.flush()


def _undo_vote(vote: Vote, post: Post) -> None:
    kind = "upvote" if vote.value == 1 else "downvote"
    reputation.reverse(post.author_id, vote.author_delta, kind, post.id)
    if vote.voter_delta:
        reputation.reverse(vote.user_id, vote.voter_delta, "downvote_given", post.id)
    db.session.execute(delete(Vote).where(Vote.id == vote.id))
