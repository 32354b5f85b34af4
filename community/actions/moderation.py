"""Moderators' tools on threads: lock, unlock, close, reopen, and merge a duplicate into another.

- Locked (Discourse's and Stack Overflow's sense): nobody but moderators answers, edits, votes,
  accepts, retags or deletes in the thread; it stays readable. Usually for a heated thread.
- Closed: no new answers from anyone (a moderator reopens it first); editing and voting go on, so
  the author can still improve it. The rules live in permissions.py.
- Merged: the source question's answers move to the target thread, with their votes and their
  authors' reputation, and the source is closed as a duplicate (``duplicate_of_id``), showing
  "merged into ..." with a link. The answers arrive un-accepted: acceptance was the source asker's
  choice, which the target's asker never made, and carrying it over would let the target's asker
  later "undo" reputation they never received. The reputation the acceptance earned stays.

Each change writes one audit row (``thread.lock``, ``thread.unlock``, ``thread.close``,
``thread.reopen``, ``thread.merge``) and a ``thread_updated`` event on the thread's channel (the
live page, catch-up and the search indexer read it). Repeating a change changes nothing.
"""

from __future__ import annotations

from sqlalchemy import select, update

from ..db import atomic
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import Post, User
from ..models.base import utcnow
from ..payloads import answer_payload, answer_url, thread_payload
from ..permissions import can_moderate_thread, require_active_account
from ..queries.threads import access_thread, is_post_id
from ..realtime import channels
from ..realtime.events import record_event
from ..text.validation import check_text
from .audit import record_audit
from .resource_links import post_links_moved

REASON_MIN, REASON_MAX = 1, 500


def check_reason(value: object) -> str:
    return check_text("reason", value, min_len=REASON_MIN, max_len=REASON_MAX).strip()


def lock_thread(actor: User, thread_id: int, reason: object) -> Post:
    """Only moderators may act in the thread from now on; ``reason`` shows on its page."""
    require_active_account(actor)
    with atomic():
        thread = _moderated_thread(actor, thread_id, "lock")
        reason = check_reason(reason)
        if thread.is_locked:
            return thread
        thread.locked_at, thread.lock_reason = utcnow(), reason
        thread.locked_by_id, thread.locked_by = actor.id, db.session.get(User, actor.id)
        _changed(actor, thread, "thread.lock", reason)
    return thread


def unlock_thread(actor: User, thread_id: int) -> Post:
    require_active_account(actor)
    with atomic():
        thread = _moderated_thread(actor, thread_id, "unlock")
        if not thread.is_locked:
            return thread
        details = {"lock_reason": thread.lock_reason, "locked_by_id": thread.locked_by_id}
        thread.locked_at, thread.locked_by_id, thread.locked_by, thread.lock_reason = None, None, None, ""
        _changed(actor, thread, "thread.unlock", "", details)
    return thread


def close_thread(actor: User, thread_id: int, reason: object) -> Post:
    """No new answers from now on; ``reason`` shows on the page."""
    require_active_account(actor)
    with atomic():
        thread = _moderated_thread(actor, thread_id, "close")
        reason = check_reason(reason)
        if thread.is_closed:
            return thread
        _close(actor, thread, reason)
        _changed(actor, thread, "thread.close", reason)
    return thread


def reopen_thread(actor: User, thread_id: int) -> Post:
    """Answers are welcome again; a merged duplicate stops pointing at its target (its answers
    stay where they were moved)."""
    require_active_account(actor)
    with atomic():
        thread = _moderated_thread(actor, thread_id, "reopen")
        if not thread.is_closed:
            return thread
        details = {"close_reason": thread.close_reason, "duplicate_of_id": thread.duplicate_of_id}
        thread.closed_at, thread.closed_by_id, thread.closed_by, thread.close_reason = None, None, None, ""
        thread.duplicate_of_id, thread.duplicate_of = None, None
        _changed(actor, thread, "thread.reopen", "", details)
    return thread


def merge_thread(actor: User, source_id: int, target_id: object, reason: object) -> Post:
    """Move the source question's answers to the target and close the source as its duplicate;
    returns the target. Merging again into the same target changes nothing."""
    require_active_account(actor)
    with atomic():
        source = _moderated_thread(actor, source_id, "merge", for_update=False)
        reason = check_reason(reason)
        if not is_post_id(target_id) or isinstance(target_id, bool):
            raise ValidationFailed({"into": "must be the id of another question"})
        if target_id == source.id:
            raise ValidationFailed({"into": "must be another question, not this one"})
        source, target = _lock_pair(actor, source.id, target_id)
        if source.duplicate_of_id == target.id:
            return target
        _check_mergeable(source, target)
        accepted = source.accepted_answer_id
        moved = _move_answers(source, target)
        _close(actor, source, reason)
        source.duplicate_of_id, source.duplicate_of = target.id, target
        record_audit(actor, "thread.merge", "post", source.id, label=source.title or "", reason=reason,
                     details={"into": target.id, "into_title": target.title,
                              "answers_moved": [answer.id for answer in moved],
                              "unaccepted_answer_id": accepted})
        db.session.flush()
        _merge_events(source, target, moved)
    return target


# --- the steps --------------------------------------------------------------------------------


def _moderated_thread(actor: User, thread_id: int, verb: str, *, for_update: bool = True) -> Post:
    thread = access_thread(actor, thread_id, for_update=for_update)
    if not can_moderate_thread(actor, thread):
        raise Forbidden(f"Only moderators can {verb} questions.")
    return thread


def _changed(actor: User, thread: Post, action: str, reason: str, details: dict | None = None) -> None:
    record_audit(actor, action, "post", thread.id, label=thread.title or "", reason=reason,
                 details=details)
    db.session.flush()
    record_event(channels.thread(thread.id), "thread_updated", thread_payload(thread),
                 subject=f"post:{thread.id}")


def _close(actor: User, thread: Post, reason: str) -> None:
    thread.closed_at, thread.close_reason = utcnow(), reason
    thread.closed_by_id, thread.closed_by = actor.id, db.session.get(User, actor.id)


def _lock_pair(actor: User, source_id: int, target_id: int) -> tuple[Post, Post]:
    """Both rows locked in id order, so two merges of the same pair can't deadlock."""
    def target() -> Post:
        try:
            return access_thread(actor, target_id, for_update=True)
        except NotFound:
            raise ValidationFailed({"into": "is not a question on this site"}) from None

    if source_id < target_id:
        source = access_thread(actor, source_id, for_update=True)
        return source, target()
    found = target()
    return access_thread(actor, source_id, for_update=True), found


def _check_mergeable(source: Post, target: Post) -> None:
    if source.is_deleted:
        raise Conflict("A deleted question can't be merged.")
    if source.duplicate_of_id is not None:
        raise Conflict(f"This question was already merged into question {source.duplicate_of_id}; "
                       "reopen it first to merge it elsewhere.")
    if target.is_deleted:
        raise ValidationFailed({"into": "is a deleted question"})
    if target.duplicate_of_id is not None:
        raise ValidationFailed({"into": f"was itself merged into question {target.duplicate_of_id}; "
                                        "merge into that one"})


def _move_answers(source: Post, target: Post) -> list[Post]:
    """Re-parent every answer (deleted and hidden ones too, so nothing is orphaned) and move the
    counters with them: whatever the source counted, the target now counts."""
    answers = list(db.session.scalars(
        select(Post).where(Post.parent_id == source.id).order_by(Post.id)
        .with_for_update(of=Post).execution_options(populate_existing=True)))
    for answer in answers:
        answer.parent_id = target.id
    # The acceptance was the source asker's choice; in the target the answer is not accepted.
    source.accepted_answer_id = None
    now = utcnow()
    count = db.session.scalar(
        update(Post).where(Post.id == target.id)
        .values(answer_count=Post.answer_count + source.answer_count, last_activity_at=now)
        .returning(Post.answer_count).execution_options(synchronize_session=False))
    target.answer_count, target.last_activity_at = count, now
    source.answer_count, source.last_activity_at = 0, now
    db.session.flush()
    post_links_moved([answer.id for answer in answers], target.id)
    return answers


def _merge_events(source: Post, target: Post, moved: list[Post]) -> None:
    """The source page drops the moved answers; the target page receives them as new answers."""
    source_channel, target_channel = channels.thread(source.id), channels.thread(target.id)
    for answer in moved:
        record_event(source_channel, "answer_moved",
                     {"post_id": answer.id, "thread_id": target.id,
                      "url": answer_url(target.id, answer.id)}, subject=f"post:{answer.id}")
    record_event(source_channel, "thread_updated", thread_payload(source), subject=f"post:{source.id}")
    for answer in moved:
        if not answer.is_deleted and not answer.is_hidden:  # never broadcast what readers can't see
            record_event(target_channel, "answer_created",
                         answer_payload(answer, target.accepted_answer_id), subject=f"post:{answer.id}")
    record_event(target_channel, "thread_updated", thread_payload(target), subject=f"post:{target.id}")
