"""Asking, editing and deleting questions; counting views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import update

from ..badges import Trigger
from ..db import atomic, insert_ignoring_conflicts
from ..errors import Forbidden
from ..extensions import db
from ..models import Post, PostType, ThreadView, User, WatchReason
from ..models.base import utcnow
from ..payloads import thread_payload
from ..permissions import (
    can_ask,
    can_delete_post,
    can_edit_post,
    can_retag,
    privilege,
    privilege_refusal,
    require_active_account,
    thread_refusal,
)
from ..queries.threads import access_thread
from ..realtime import channels
from ..realtime.events import record_event
from ..text.markdown import render_markdown
from ..text.validation import check_tag_names, check_text
from .badges import award_after_commit
from .follows import watch_automatically
from .notifications import notify_mentions
from .post_audit import audit_post_delete, audit_post_edit
from .post_limits import check_post_rate
from .progress import Activity, after_activity
from .resource_links import post_deleted, sync_post_links
from .tags import adjust_question_counts, ensure_tags

TITLE_MIN, TITLE_MAX = 10, 200
BODY_MIN, BODY_MAX = 1, 30_000
MAX_TAGS = 5


@dataclass(frozen=True)
class QuestionDraft:
    title: object
    body: object
    tags: object = None


def check_title(value: object) -> str:
    return check_text("title", value, min_len=TITLE_MIN, max_len=TITLE_MAX)


def check_body(value: object) -> str:
    return check_text("body", value, min_len=BODY_MIN, max_len=BODY_MAX)


def check_tags(value: object) -> list[str]:
    return check_tag_names("tags", value, max_count=MAX_TAGS)


def ask_question(actor: User, draft: QuestionDraft) -> Post:
    require_active_account(actor)
    title, body, tag_names = check_title(draft.title), check_body(draft.body), check_tags(draft.tags)
    if not can_ask(actor):
        raise Forbidden("Log in to ask a question.")
    check_post_rate(actor)
    with atomic():
        now = utcnow()
        thread = Post(post_type=PostType.QUESTION.value, author_id=actor.id, title=title,
                      body=body, body_html=render_markdown(body), score=0, answer_count=0,
                      view_count=0, created_at=now, updated_at=now, last_activity_at=now)
        db.session.add(thread)
        tags = ensure_tags(tag_names)
        thread.tags = tags
        db.session.flush()
        adjust_question_counts(tags, +1)
        sync_post_links(thread, thread, is_new=True)
        record_event(channels.THREADS, "thread_created", thread_payload(thread),
                     subject=f"post:{thread.id}")
        notify_mentions(actor, thread, thread)
        watch_automatically(actor.id, thread.id, WatchReason.ASKED)
        award_after_commit(actor.id, Trigger.QUESTION_ASKED, post_id=thread.id)
        after_activity(actor.id, Activity.QUESTION)
    return thread


@dataclass(frozen=True)
class QuestionChanges:
    title: object = None
    body: object = None
    tags: object = None


def edit_question(actor: User, thread_id: int, changes: QuestionChanges) -> Post:
    require_active_account(actor)
    title = check_title(changes.title) if changes.title is not None else None
    body = check_body(changes.body) if changes.body is not None else None
    tag_names = check_tags(changes.tags) if changes.tags is not None else None
    with atomic():
        thread = access_thread(actor, thread_id, for_update=True)
        _check_may_edit(actor, thread,
                        only_tags=title is None and body is None and tag_names is not None)
        before = {"title": thread.title, "body": thread.body, "tags": thread.tag_names}
        if title is not None:
            thread.title = title
        previous_body = thread.body
        if body is not None:
            thread.body, thread.body_html = body, render_markdown(body)
        if tag_names is not None and tag_names != thread.tag_names:
            adjust_question_counts(thread.tags, -1)
            thread.tags = ensure_tags(tag_names)
            adjust_question_counts(thread.tags, +1)
        mark_edited(thread, actor)
        thread.last_activity_at = thread.edited_at
        audit_post_edit(actor, thread, thread.title, {
            "title": (before["title"], thread.title), "body": (before["body"], thread.body),
            "tags": (before["tags"], thread.tag_names)})
        db.session.flush()
        if body is not None:
            sync_post_links(thread, thread)
        notify_mentions(actor, thread, thread, previous_body=previous_body)
        record_event(channels.thread(thread.id), "thread_updated", thread_payload(thread),
                     subject=f"post:{thread.id}")
    return thread


def _check_may_edit(actor: User, thread: Post, *, only_tags: bool) -> None:
    """Authors, moderators and PRIVILEGE_EDIT_OTHERS edit; PRIVILEGE_RETAG may change tags only."""
    if can_edit_post(actor, thread) or (only_tags and can_retag(actor, thread)):
        return
    raise Forbidden(retag_refusal(actor, thread) if only_tags else edit_refusal(actor, thread))


def retag_refusal(actor: User, thread: Post | None = None) -> str:
    locked = thread_refusal(actor, thread) if thread is not None else None
    return locked or (privilege_refusal("retag", "Changing the tags of other people's questions", actor)
                      + f" Editing them needs {privilege('edit_others'):,} (moderators always may).")


def edit_refusal(actor: User | None = None, post: Post | None = None) -> str:
    """Why an edit is refused: the thread is locked, or the privilege is missing."""
    locked = thread_refusal(actor, post) if post is not None else None
    return locked or (f"Editing other people's posts needs {privilege('edit_others'):,} reputation "
                      "(moderators always may).")


def mark_edited(post: Post, actor: User) -> None:
    post.edited_at = post.updated_at = utcnow()
    post.last_editor_id = actor.id
    post.last_editor = db.session.get(User, actor.id)  # the session's instance, never a detached one


def delete_question(actor: User, thread: Post) -> None:
    """Soft delete; the caller holds the row lock. Authors only while it has no answers."""
    if thread.is_deleted:
        return  # a moderator deleting it again: DELETE is idempotent
    if not can_delete_post(actor, thread):
        locked = thread_refusal(actor, thread)
        if locked:
            raise Forbidden(locked)
        if thread.author_id == actor.id:
            raise Forbidden("A question that has answers can't be deleted by its author; "
                            "flag it for a moderator instead.")
        raise Forbidden("Only the author or a moderator can delete this question.")
    thread.deleted_at = utcnow()
    thread.deleted_by_id = actor.id
    audit_post_delete(actor, thread, thread.title)
    adjust_question_counts(thread.tags, -1)
    db.session.flush()
    post_deleted(thread)
    channel = channels.thread(thread.id)
    record_event(channel, "thread_updated", thread_payload(thread), subject=f"post:{thread.id}")
    record_event(channel, "post_deleted", {"post_id": thread.id}, subject=f"post:{thread.id}")


def delete_thread(actor: User, thread_id: int) -> None:
    require_active_account(actor)
    with atomic():
        delete_question(actor, access_thread(actor, thread_id, for_update=True))


def record_thread_view(thread_id: int, viewer_key: str) -> bool:
    """Count a view once per viewer per UTC day; returns whether it counted."""
    with atomic():
        inserted = insert_ignoring_conflicts(ThreadView.__table__, [
            {"thread_id": thread_id, "viewer_key": viewer_key[:64], "viewed_on": _today()}])
        if inserted:
            db.session.execute(
                update(Post).where(Post.id == thread_id)
                .values(view_count=Post.view_count + 1))
    return bool(inserted)


def _today() -> date:
    return utcnow().date()
