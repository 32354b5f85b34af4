"""Questions and answers, with the body withheld while flags keep a post hidden."""

from __future__ import annotations

from typing import Any

from ..models import Post
from .common import answer_url, iso, thread_url, user_payload, withheld_if_hidden


def _edit_fields(post: Post) -> dict[str, Any]:
    return {
        "edited_at": iso(post.edited_at),
        "last_editor": user_payload(post.last_editor) if post.last_editor_id else None,
        "deleted": post.is_deleted,
        "hidden": post.is_hidden,
    }


def thread_payload(thread: Post, *, reveal_hidden: bool = False) -> dict[str, Any]:
    return withheld_if_hidden({
        "id": thread.id,
        "title": thread.title,
        "body": thread.body,
        "body_html": thread.body_html,
        "tags": thread.tag_names,
        "author": user_payload(thread.author),
        "score": thread.score,
        "view_count": thread.view_count,
        "answer_count": thread.answer_count,
        "accepted_answer_id": thread.accepted_answer_id,
        "solved": thread.accepted_answer_id is not None,
        "created_at": iso(thread.created_at),
        "updated_at": iso(thread.updated_at),
        "last_activity_at": iso(thread.last_activity_at),
        "url": thread_url(thread.id),
        **_edit_fields(thread),
        **_thread_state_fields(thread),
    }, thread.is_hidden, reveal_hidden)


def _thread_state_fields(thread: Post) -> dict[str, Any]:
    """Locked (only moderators act), closed (no new answers) and merged-into (a closed duplicate)."""
    target = thread.duplicate_of if thread.duplicate_of_id else None
    return {
        "locked": thread.is_locked,
        "lock_reason": thread.lock_reason if thread.is_locked else None,
        "locked_at": iso(thread.locked_at),
        "locked_by": user_payload(thread.locked_by) if thread.locked_by_id else None,
        "closed": thread.is_closed,
        "close_reason": thread.close_reason if thread.is_closed else None,
        "closed_at": iso(thread.closed_at),
        "closed_by": user_payload(thread.closed_by) if thread.closed_by_id else None,
        "duplicate_of": ({"id": target.id, "title": target.title, "url": thread_url(target.id)}
                         if target is not None else None),
    }


def answer_payload(answer: Post, accepted_answer_id: int | None, *,
                   reveal_hidden: bool = False) -> dict[str, Any]:
    return withheld_if_hidden({
        "id": answer.id,
        "thread_id": answer.parent_id,
        "body": answer.body,
        "body_html": answer.body_html,
        "author": user_payload(answer.author),
        "score": answer.score,
        "accepted": answer.id == accepted_answer_id,
        "created_at": iso(answer.created_at),
        "updated_at": iso(answer.updated_at),
        "url": answer_url(answer.parent_id, answer.id),
        **_edit_fields(answer),
    }, answer.is_hidden, reveal_hidden)
