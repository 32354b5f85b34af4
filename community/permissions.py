"""Who may do what: can_<verb>_<noun>(user, obj) -> bool, used by actions, views and templates.

``user`` may be None or an anonymous user (Flask-Login's AnonymousUserMixin) for readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from .db import flushed_connection
from .errors import Forbidden
from .extensions import db
from .models import HelpRequest, HelpStatus, Message, Post, Resource, Room, User
from .models.base import utcnow
from .settings import setting


def _member(user: User | None) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def _writer(user: User | None) -> bool:
    """A member who may change things: logged in and not suspended."""
    return _member(user) and not user.is_suspended


def suspension_message(until: datetime, reason: str = "") -> str:
    because = f" Reason: {reason}" if reason else ""
    return (f"Your account is suspended until {until:%Y-%m-%d %H:%M} UTC; you can read but not post."
            f"{because}")


# Built once and run as Core: every write runs it, and the ORM path cost more than the database.
_STORED_SUSPENSION = (select(User.__table__.c.suspended_until, User.__table__.c.suspension_reason)
                      .where(User.__table__.c.id == bindparam("user_id")))


def require_active_account(actor: User) -> None:
    """Raise Forbidden when the actor is suspended. Every write action calls this first.

    It reads the stored suspension rather than the actor object, which may have been loaded long
    ago (a socket keeps its user for the whole connection), so a suspension applies at once.
    """
    if not _member(actor):
        return  # the action's own permission check refuses anonymous callers with its message
    row = flushed_connection().execute(_STORED_SUSPENSION, {"user_id": actor.id}).one_or_none()
    if row is None or row.suspended_until is None or row.suspended_until <= utcnow():
        return
    raise Forbidden(suspension_message(row.suspended_until, row.suspension_reason))


def _moderator(user: User | None) -> bool:
    return _member(user) and user.is_moderator


def privilege(name: str) -> int:
    """The reputation a privilege needs (COMMUNITY_PRIVILEGE_<NAME> overrides the default)."""
    return int(setting(f"PRIVILEGE_{name.upper()}"))


# --- locked and closed threads ---------------------------------------------------------------------
# Locked: nobody but moderators answers, edits, votes, accepts, retags or deletes in the thread.
# Closed: nobody answers (a moderator reopens it first); editing and voting go on as usual.


def thread_of(post: Post) -> Post | None:
    """The question a post belongs to (itself for a question), from the session when loaded."""
    if post.parent_id is None:
        return post
    return db.session.get(Post, post.parent_id)


def _frozen(user: User | None, post: Post) -> bool:
    """The post's thread is locked and the user is no moderator."""
    thread = thread_of(post)
    return thread is not None and thread.is_locked and not _moderator(user)


def can_moderate_thread(user: User | None, thread: Post) -> bool:
    """Lock, unlock, close, reopen and merge a question: moderators."""
    return _writer(user) and user.is_moderator and thread.is_question


def thread_refusal(user: User | None, post: Post, *, answering: bool = False) -> str | None:
    """Why the thread's state refuses ``user`` (locked; or closed, for answering), else None."""
    thread = thread_of(post)
    if thread is None:
        return None
    if thread.is_locked and not _moderator(user):
        return f"This question is locked: {thread.lock_reason}"
    if answering and thread.is_closed:
        return f"This question is closed: {thread.close_reason}; it no longer accepts answers."
    return None


def can_view_post(user: User | None, post: Post) -> bool:
    """Deleted posts: moderators only. Posts hidden by flags: their author and moderators (a
    hidden answer still shows on its thread page as a placeholder, see can_see_hidden)."""
    if post.is_deleted:
        return _moderator(user)
    return not post.is_hidden or can_see_hidden(user, post.author_id)


def can_ask(user: User | None) -> bool:
    return _writer(user)


def can_answer(user: User | None, thread: Post) -> bool:
    """Closed: nobody answers (a moderator reopens first); locked: moderators only."""
    return (_writer(user) and not thread.is_deleted and not thread.is_closed
            and (not thread.is_locked or user.is_moderator))


def can_edit_post(user: User | None, post: Post) -> bool:
    if not _writer(user) or (post.is_deleted and not user.is_moderator) or _frozen(user, post):
        return False
    return (post.author_id == user.id or user.is_moderator
            or user.reputation >= privilege("edit_others"))


def can_delete_post(user: User | None, post: Post) -> bool:
    """Authors delete their answers, and their questions while unanswered; moderators anything."""
    if not _writer(user) or post.is_deleted:
        return False
    if user.is_moderator:
        return True
    if post.author_id != user.id or _frozen(user, post):
        return False
    return not post.is_question or post.answer_count == 0


def can_vote(user: User | None, post: Post) -> bool:
    return (_writer(user) and post.author_id != user.id and not post.is_deleted
            and not _frozen(user, post))


def can_downvote(user: User | None) -> bool:
    return _writer(user) and (user.is_moderator or user.reputation >= privilege("downvote"))


def can_accept(user: User | None, thread: Post) -> bool:
    return (_writer(user) and thread.author_id == user.id and not thread.is_deleted
            and not _frozen(user, thread))


def can_see_deleted(user: User | None) -> bool:
    return _moderator(user)


def can_retag(user: User | None, thread: Post) -> bool:
    """Change the tags of a question (only the tags): whoever may edit it, or PRIVILEGE_RETAG."""
    if can_edit_post(user, thread):
        return True
    return (_writer(user) and thread.is_question and not thread.is_deleted
            and not _frozen(user, thread) and user.reputation >= privilege("retag"))


def can_share_resource(user: User | None) -> bool:
    return _writer(user)


def can_edit_resource(user: User | None, resource: Resource) -> bool:
    """The sharer, moderators, and members with PRIVILEGE_EDIT_OTHERS (as for posts)."""
    if not _writer(user) or resource.is_deleted:
        return False
    return (resource.shared_by_id == user.id or user.is_moderator
            or user.reputation >= privilege("edit_others"))


def can_delete_resource(user: User | None, resource: Resource) -> bool:
    return _writer(user) and not resource.is_deleted and (
        resource.shared_by_id == user.id or user.is_moderator)


def can_rate_resource(user: User | None, resource: Resource) -> bool:
    return _writer(user) and not resource.is_deleted and resource.shared_by_id != user.id


def can_give_kudos(user: User | None) -> bool:
    return _writer(user)


def can_review_vote_flags(user: User | None) -> bool:
    return _moderator(user)


# --- member flags and the review queue ------------------------------------------------------------


def can_see_hidden(user: User | None, author_id: int) -> bool:
    """Content hidden by flags keeps showing in full to its author (with a notice, so they know
    why others don't see it) and to moderators (who review it)."""
    return _moderator(user) or (_member(user) and user.id == author_id)


def can_flag(user: User | None, author_id: int) -> bool:
    """Any active member may flag what someone else wrote (flagging your own content is refused)."""
    return _writer(user) and user.id != author_id


def can_review_flags(user: User | None) -> bool:
    return _moderator(user)


@dataclass(frozen=True)
class Privilege:
    name: str  # the config key: PRIVILEGE_<NAME>; "" for what every member may do
    label: str

    @property
    def reputation(self) -> int:
        return privilege(self.name) if self.name else 1


# What reputation unlocks, in order (thresholds come from the config, see privilege()).
PRIVILEGES = (
    Privilege("", "Ask, answer, upvote and create tags"),
    Privilege("downvote", "Downvote"),
    Privilege("retag", "Change the tags of anyone's question"),
    Privilege("edit_others", "Edit anyone's posts"),
)


def privileges_ladder() -> list[Privilege]:
    return sorted(PRIVILEGES, key=lambda p: p.reputation)


def next_privilege(user: User | None) -> Privilege | None:
    """The first privilege the user has not unlocked yet (None for moderators and the top)."""
    if not _member(user) or user.is_moderator:
        return None
    return next((p for p in privileges_ladder() if p.reputation > user.reputation), None)


def privilege_refusal(name: str, action: str, user: User | None) -> str:
    """The 403 message: what the action needs and how far the user is."""
    have = f"; you have {user.reputation:,}" if _member(user) else ""
    return f"{action} needs {privilege(name):,} reputation{have}."


# --- live help rooms ----------------------------------------------------------------------------
# Public rooms are open to everyone in the company; private rooms to their members only. Site
# moderators may read and moderate every room (they handle reports); the room's creator owns it.


def can_read_room(user: User | None, room: Room) -> bool:
    if not room.private:
        return True
    return _member(user) and (user.is_moderator or room.has_member(user.id))


def can_take_part_in_room(user: User | None, room: Room) -> bool:
    """Read, and speak when it is open: a logged-in reader."""
    return _member(user) and can_read_room(user, room)


def can_post_in_room(user: User | None, room: Room) -> bool:
    return can_take_part_in_room(user, room) and not room.archived and not user.is_suspended


def can_moderate_room(user: User | None, room: Room) -> bool:
    """Edit the topic, archive, remove messages and members: the owner or a site moderator."""
    return _writer(user) and (user.is_moderator or room.created_by_id == user.id)


def can_delete_message(user: User | None, room: Room, message: Message) -> bool:
    if not can_take_part_in_room(user, room) or message.is_deleted or user.is_suspended:
        return False
    return message.author_id == user.id or can_moderate_room(user, room)


def can_save_transcript(user: User | None, room: Room) -> bool:
    """Anyone taking part in a public room; the owner (or a moderator) of a private one, because
    the answer it becomes is public."""
    if room.private:
        return can_moderate_room(user, room)
    return can_take_part_in_room(user, room)


def can_claim_help_request(user: User | None, room: Room, request: HelpRequest) -> bool:
    return (can_post_in_room(user, room) and request.status == HelpStatus.OPEN.value
            and request.requester_id != user.id)


def can_resolve_help_request(user: User | None, room: Room, request: HelpRequest) -> bool:
    if (not can_take_part_in_room(user, room) or request.status == HelpStatus.RESOLVED.value
            or user.is_suspended):
        return False
    return user.id in (request.requester_id, request.helper_id) or can_moderate_room(user, room)


# --- suspensions, roles, site settings and the admin area ------------------------------------------
# Moderators suspend members; only admins suspend (or lift the suspension of) moderators; admins
# can't be suspended and nobody acts on themselves. Roles and site settings are for admins.


def suspension_refusal(actor: User | None, target: User) -> str | None:
    """Why ``actor`` may not suspend ``target`` (or lift a suspension), or None when they may."""
    if not _moderator(actor):
        return "Only moderators and administrators can suspend members."
    if actor.id == target.id:
        return "You can't suspend yourself or lift your own suspension."
    if target.is_admin:
        return "Administrators can't be suspended."
    if target.is_moderator and not actor.is_admin:
        return "Only an administrator can suspend a moderator."
    return None


def can_suspend_user(actor: User | None, target: User) -> bool:
    return _writer(actor) and suspension_refusal(actor, target) is None


def can_see_suspension(viewer: User | None, user: User) -> bool:
    """Moderators see who is suspended and why; members see only their own suspension."""
    return _moderator(viewer) or (_member(viewer) and viewer.id == user.id)


def can_change_roles(user: User | None) -> bool:
    return _writer(user) and user.is_admin


def can_edit_settings(user: User | None) -> bool:
    return _writer(user) and user.is_admin


def can_view_admin(user: User | None) -> bool:
    """The admin dashboard, the user list and the audit log: moderators and admins."""
    return _moderator(user)
