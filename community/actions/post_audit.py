"""The audit trail of moderators changing other people's questions and answers.

Authors editing their own posts, and members using an earned privilege, are ordinary activity
(the post's "edited by" line shows them); a moderator acting on someone else's post is moderation,
so it leaves an audit row (``post.edit``, ``thread.retag``, ``post.delete``) with short before and
after values. Called inside the edit's or deletion's transaction.
"""

from __future__ import annotations

from ..models import Post, User
from .audit import record_audit

SNIPPET = 200  # characters of a title or body kept in the audit row: enough to recognise it


def moderating(actor: User, post: Post) -> bool:
    """Is this a moderator acting on someone else's post?"""
    return actor.is_moderator and post.author_id != actor.id


def audit_post_edit(actor: User, post: Post, thread_title: str,
                    changes: dict[str, tuple[object, object]]) -> None:
    """Record a moderator's edit of another's post; ``changes`` maps field -> (before, after).

    Only the tags changed: ``thread.retag``; anything else: ``post.edit``. No change, no row.
    """
    changed = {name: {"before": _short(before), "after": _short(after)}
               for name, (before, after) in changes.items() if before != after}
    if not changed or not moderating(actor, post):
        return
    action = "thread.retag" if set(changed) == {"tags"} else "post.edit"
    record_audit(actor, action, "post", post.id, label=_label(post, thread_title), details=changed)


def audit_post_delete(actor: User, post: Post, thread_title: str) -> None:
    """Record a moderator's deletion of another's post, with what it said."""
    if not moderating(actor, post):
        return
    record_audit(actor, "post.delete", "post", post.id, label=_label(post, thread_title),
                 details={"deleted": {"before": False, "after": True}, "body": _short(post.body),
                          "author_id": post.author_id})


def _label(post: Post, thread_title: str) -> str:
    return thread_title if post.is_question else f"Answer {post.id} to: {thread_title}"


def _short(value: object) -> object:
    if isinstance(value, str) and len(value) > SNIPPET:
        return value[:SNIPPET - 1] + "…"
    return value
