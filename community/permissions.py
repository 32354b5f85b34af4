"""Who may do what: can_<verb>_<noun>(user, obj) -> bool, used by actions, views and templates.

``user`` may be None or an anonymous user (Flask-Login's AnonymousUserMixin) for readers.
"""

from __future__ import annotations

from flask import current_app

from .models import Post, User


def _member(user: User | None) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def _moderator(user: User | None) -> bool:
    return _member(user) and user.is_moderator


def privilege(name: str) -> int:
    """The reputation a privilege needs (COMMUNITY_PRIVILEGE_<NAME> overrides the default)."""
    return int(current_app.config[f"PRIVILEGE_{name.upper()}"])


def can_view_post(user: User | None, post: Post) -> bool:
    return not post.is_deleted or _moderator(user)


def can_ask(user: User | None) -> bool:
    return _member(user)


def can_answer(user: User | None, thread: Post) -> bool:
    return _member(user) and not thread.is_deleted


def can_edit_post(user: User | None, post: Post) -> bool:
    if not _member(user) or (post.is_deleted and not user.is_moderator):
        return False
    return (post.author_id == user.id or user.is_moderator
            or user.reputation >= privilege("edit_others"))


def can_delete_post(user: User | None, post: Post) -> bool:
    """Authors delete their answers, and their questions while unanswered; moderators anything."""
    if not _member(user) or post.is_deleted:
        return False
    if user.is_moderator:
        return True
    if post.author_id != user.id:
        return False
    return not post.is_question or post.answer_count == 0


def can_vote(user: User | None, post: Post) -> bool:
    return _member(user) and post.author_id != user.id and not post.is_deleted


def can_downvote(user: User | None) -> bool:
    return _member(user) and (user.is_moderator or user.reputation >= privilege("downvote"))


def can_accept(user: User | None, thread: Post) -> bool:
    return _member(user) and thread.author_id == user.id and not thread.is_deleted


def can_see_deleted(user: User | None) -> bool:
    return _moderator(user)
