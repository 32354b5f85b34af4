"""Answering, editing and deleting answers, and accepting one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..badges import Trigger
from ..db import atomic, follow_up
from ..errors import Forbidden, ValidationFailed
from ..extensions import db
from ..models import Post, PostType, User, WatchReason
from ..models.base import utcnow
from ..payloads import answer_payload, answer_url
from ..permissions import (
    can_accept,
    can_answer,
    can_delete_post,
    can_edit_post,
    require_active_account,
    thread_refusal,
)
from ..queries.threads import access_post, access_thread, get_post, is_post_id
from ..realtime import channels
from ..realtime.events import record_event
from ..text.markdown import render_markdown
from . import reputation
from .badges import award_after_commit
from .follows import watch_automatically
from .notifications import notify, notify_mentions, notify_new_answer
from .post_audit import audit_post_delete, audit_post_edit
from .post_limits import check_post_rate
from .progress import Activity, after_activity
from .resource_links import post_deleted, sync_post_links
from .threads import (
    QuestionChanges,
    check_body,
    delete_question,
    edit_question,
    edit_refusal,
    mark_edited,
)


def post_answer(actor: User, thread_id: int, body: object) -> Post:
    require_active_account(actor)
    body = check_body(body)
    with atomic():
        thread = access_thread(actor, thread_id, for_update=True)
        if not can_answer(actor, thread):
            raise Forbidden("This question was deleted; it takes no new answers." if thread.is_deleted
                            else thread_refusal(actor, thread, answering=True) or "Log in to answer.")
        check_post_rate(actor)
        now = utcnow()
        answer = db.session.scalars(_INSERT_POST, {
            "post_type": PostType.ANSWER.value, "parent_id": thread.id, "author_id": actor.id,
            "body": body, "body_html": render_markdown(body), "created_at": now, "updated_at": now,
            "last_activity_at": now}).one()
        set_committed_value(answer, "author", db.session.get(User, actor.id))
        _count_new_answer(thread, now)
        sync_post_links(answer, thread, is_new=True)
        record_event(channels.thread(thread.id), "answer_created",
                     answer_payload(answer, thread.accepted_answer_id),
                     subject=f"post:{answer.id}")
        follow_up(notify_new_answer, actor.id, answer.id)
        watch_automatically(actor.id, thread.id, WatchReason.ANSWERED)
        award_after_commit(actor.id, Trigger.ANSWER_POSTED, post_id=answer.id)
        after_activity(actor.id, Activity.ANSWER)
    return answer


_posts = Post.__table__
# Built once and run as Core, with the whole row returned and loaded as the answer: the unit of
# work's flush of one new post cost more than the rest of the answer's write.
_INSERT_POST = select(Post).from_statement(insert(_posts).returning(*_posts.c))
# Built once and run as Core, counting in SQL (another answer may have committed since the thread
# was read): the ORM's update of this counter cost more than the rest of the answer's write.
_COUNT_NEW_ANSWER = (update(_posts).where(_posts.c.id == bindparam("thread_id"))
                     .values(answer_count=_posts.c.answer_count + 1,
                             last_activity_at=bindparam("now", type_=_posts.c.last_activity_at.type))
                     .returning(_posts.c.answer_count))


def _count_new_answer(thread: Post, now: datetime) -> None:
    answer_count = db.session.connection().execute(
        _COUNT_NEW_ANSWER, {"thread_id": thread.id, "now": now}).scalar_one()
    # The loaded thread matches its row again, without a reload and without a change to flush.
    set_committed_value(thread, "answer_count", answer_count)
    set_committed_value(thread, "last_activity_at", now)


def edit_answer(actor: User, answer_id: int, body: object) -> Post:
    require_active_account(actor)
    body = check_body(body)
    with atomic():
        answer = access_post(actor, answer_id, for_update=True)
        if not can_edit_post(actor, answer):
            raise Forbidden(edit_refusal(actor, answer))
        previous_body = answer.body
        answer.body, answer.body_html = body, render_markdown(body)
        mark_edited(answer, actor)
        thread = get_post(answer.parent_id)
        audit_post_edit(actor, answer, thread.title, {"body": (previous_body, body)})
        notify_mentions(actor, answer, thread, previous_body=previous_body)
        db.session.execute(update(Post).where(Post.id == thread.id)
                           .values(last_activity_at=answer.edited_at))
        db.session.flush()
        sync_post_links(answer, thread)
        record_event(channels.thread(thread.id), "answer_updated",
                     answer_payload(answer, thread.accepted_answer_id),
                     subject=f"post:{answer.id}")
    return answer


def edit_post_body(actor: User, post_id: int, body: object) -> Post:
    """PATCH /posts/{id}: a question's or an answer's body."""
    if access_post(actor, post_id).is_question:
        return edit_question(actor, post_id, QuestionChanges(body=body))
    return edit_answer(actor, post_id, body)


def delete_post(actor: User, post_id: int) -> None:
    """Soft-delete a question or an answer. Deleting the accepted answer un-accepts it."""
    require_active_account(actor)
    with atomic():
        post = access_post(actor, post_id, for_update=True)
        if post.is_question:
            delete_question(actor, post)
            return
        if post.is_deleted:
            return  # a moderator deleting it again: DELETE is idempotent
        if not can_delete_post(actor, post):
            raise Forbidden(thread_refusal(actor, post)
                            or "Only the author or a moderator can delete this answer.")
        thread = get_post(post.parent_id, for_update=True)
        if thread.accepted_answer_id == post.id:
            _move_acceptance(thread, None)
        post.deleted_at = utcnow()
        post.deleted_by_id = actor.id
        audit_post_delete(actor, post, thread.title)
        db.session.execute(update(Post).where(Post.id == thread.id)
                           .values(answer_count=Post.answer_count - 1))
        db.session.flush()
        post_deleted(post)
        record_event(channels.thread(thread.id), "post_deleted", {"post_id": post.id},
                     subject=f"post:{post.id}")


def accept_answer(actor: User, thread_id: int, answer_id: object) -> Post:
    """Accept an answer (or un-accept with None); accepting another moves the acceptance."""
    require_active_account(actor)
    if answer_id is not None and (not isinstance(answer_id, int) or isinstance(answer_id, bool)):
        raise ValidationFailed({"answer_id": "must be an answer id or null"})
    with atomic():
        thread = access_thread(actor, thread_id, for_update=True)
        if not can_accept(actor, thread):
            raise Forbidden(thread_refusal(actor, thread)
                            or "Only the person who asked can accept an answer.")
        answer = None
        if answer_id is not None:
            answer = get_post(answer_id) if is_post_id(answer_id) else None
            if answer is None or answer.parent_id != thread.id or answer.is_deleted:
                raise ValidationFailed({"answer_id": "is not an answer to this question"})
        if thread.accepted_answer_id != answer_id:
            _move_acceptance(thread, answer)
        db.session.flush()
    return thread


def _move_acceptance(thread: Post, answer: Post | None) -> None:
    """Reverse the old acceptance's reputation, grant the new one's, record the event."""
    old = get_post(thread.accepted_answer_id) if thread.accepted_answer_id is not None else None
    reputation.lock_users(thread.author_id, *(p.author_id for p in (old, answer) if p is not None))
    if old is not None and old.author_id != thread.author_id:
        reputation.reverse(old.author_id, reputation.ACCEPTED, "accepted", old.id)
        reputation.reverse(thread.author_id, reputation.ACCEPT_GIVEN, "accept_given", old.id)
    if answer is not None and answer.author_id != thread.author_id:
        reputation.grant(answer.author_id, reputation.ACCEPTED, "accepted", answer.id)
        reputation.grant(thread.author_id, reputation.ACCEPT_GIVEN, "accept_given", answer.id)
        notify([answer.author_id], "answer_accepted", thread.author, thread.title,
               answer_url(thread.id, answer.id), answer.id)
    thread.accepted_answer_id = answer.id if answer is not None else None
    record_event(channels.thread(thread.id), "answer_accepted",
                 {"thread_id": thread.id, "answer_id": thread.accepted_answer_id},
                 subject=f"post:{thread.id}")
    if answer is not None and answer.author_id != thread.author_id:
        db.session.flush()
        award_after_commit(answer.author_id, Trigger.ANSWER_ACCEPTED, post_id=answer.id)
        award_after_commit(thread.author_id, Trigger.ACCEPT_GIVEN, post_id=answer.id)
