"""Polls on a question thread, in a live room, or after a live training session.

The asker (or a moderator) adds a poll to an open question; anyone who may post in a room adds one
there; a session's host (or a moderator) adds its feedback poll. Whoever may read the poll's home
votes (one ballot each, changed or withdrawn until the poll closes); its author, the room owner,
the session host or a moderator closes it; the author or a moderator deletes it (softly).

Every change records ``poll_created`` / ``poll_updated`` on the home's channel (``thread:<id>``
or ``room:<slug>``; a session's poll uses its linked room, if any) with the results but without
anyone's own choices, so every watcher gets the same payload. The closing job closes polls whose
time has come, each exactly once, however many processes run it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update

from ..db import atomic
from ..errors import Conflict, Forbidden, ValidationFailed
from ..extensions import db
from ..models import LiveSession, Poll, PollBallot, PollChoice, PollOption, Post, Room, User
from ..models.base import utcnow
from ..payloads.polls import poll_payload
from ..permissions import can_post_in_room, require_active_account, thread_refusal
from ..queries import polls as poll_queries
from ..queries.polls import PollHome
from ..queries.rooms import access_room
from ..queries.threads import access_thread
from ..realtime import channels
from ..realtime.events import record_event
from ..text.validation import check_moment, check_text

QUESTION_MAX = 300
OPTION_MAX = 200
MIN_OPTIONS, MAX_OPTIONS = 2, 10


@dataclass(frozen=True)
class PollDraft:
    question: object
    options: object
    multiple: object = False
    anonymous: object = False
    closes_at: object = None
    thread_id: object = None
    room: object = None  # the room's slug
    live_session_id: object = None


@dataclass(frozen=True)
class CheckedDraft:
    question: str
    options: list[str]
    multiple: bool
    anonymous: bool
    closes_at: datetime | None


def check_options(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(label, str) for label in value):
        raise ValidationFailed({"options": "must be a list of option labels"})
    labels = [check_text("options", label, max_len=OPTION_MAX).strip() for label in value]
    if any(not label for label in labels):
        raise ValidationFailed({"options": "must not contain empty options"})
    if len({label.casefold() for label in labels}) != len(labels):
        raise ValidationFailed({"options": "must be distinct"})
    if not MIN_OPTIONS <= len(labels) <= MAX_OPTIONS:
        raise ValidationFailed({"options": f"must have {MIN_OPTIONS}-{MAX_OPTIONS} options"})
    return labels


def check_closes_at(value: object, now: datetime) -> datetime | None:
    """An ISO 8601 time with an offset (or Z), in the future; or None for "until closed by hand"."""
    if value is None:
        return None
    moment = check_moment("closes_at", value, naive_is_utc=False)
    if moment <= now:
        raise ValidationFailed({"closes_at": "must be in the future"})
    return moment


def _check_flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed({name: "must be true or false"})
    return value


def check_poll_draft(draft: PollDraft, now: datetime) -> CheckedDraft:
    question = check_text("question", draft.question, min_len=1, max_len=QUESTION_MAX).strip()
    return CheckedDraft(question, check_options(draft.options), _check_flag("multiple", draft.multiple),
                        _check_flag("anonymous", draft.anonymous), check_closes_at(draft.closes_at, now))


def _draft_home(actor: User, draft: PollDraft) -> PollHome:
    """The one home named by the draft, checked for the actor's right to post a poll there."""
    named = [value for value in (draft.thread_id, draft.room, draft.live_session_id) if value is not None]
    if len(named) != 1:
        raise ValidationFailed({"thread_id": "give exactly one of thread_id, room or live_session_id"})
    if draft.thread_id is not None:
        thread = access_thread(actor, draft.thread_id, for_update=True)
        refusal = poll_queries.thread_poll_refusal(actor, thread)
        if refusal:
            raise Forbidden(refusal)
        return PollHome(thread=thread)
    if draft.room is not None:
        room = access_room(actor, draft.room)
        if not can_post_in_room(actor, room):
            raise Forbidden("This room is archived." if room.archived else "Log in to post in this room.")
        return PollHome(room=room)
    live_session = poll_queries.access_live_session(actor, draft.live_session_id)
    if not (actor.is_moderator or live_session.host_id == actor.id):
        raise Forbidden("Only the session's host or a moderator can add a poll to it.")
    return PollHome(live_session=live_session)


def create_poll(actor: User, draft: PollDraft) -> Poll:
    """Post a poll in a thread, a room or a live session; 201 with it, and ``poll_created``."""
    require_active_account(actor)
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden("Log in to add a poll.")
    now = utcnow()
    checked = check_poll_draft(draft, now)
    with atomic():
        home = _draft_home(actor, draft)
        poll = Poll(thread_id=home.thread.id if home.thread is not None else None,
                    room_id=home.room.id if home.room is not None else None,
                    live_session_id=home.live_session.id if home.live_session is not None else None,
                    author_id=actor.id, question=checked.question, multiple=checked.multiple,
                    anonymous=checked.anonymous, closes_at=checked.closes_at, created_at=now,
                    options=[PollOption(position=i, label=label) for i, label in enumerate(checked.options)])
        db.session.add(poll)
        db.session.flush()
        _announce(poll, home, "poll_created")
    return poll


def _announce(poll: Poll, home: PollHome, type_: str) -> None:
    """Record the poll's event on its home's channel (none for a session without a room)."""
    if home.thread is not None:
        channel = channels.thread(home.thread.id)
    elif home.event_room is not None:
        channel = channels.room(home.event_room.slug)
    else:
        return
    view = poll_queries.poll_views(None, [poll], room_slug=home.room.slug if home.room else None)[0]
    record_event(channel, type_, poll_payload(poll, view.results, view.room_slug, personal=False),
                 subject=f"poll:{poll.id}")


def _open_for_voting(actor: User, poll: Poll, home: PollHome) -> None:
    if not getattr(actor, "is_authenticated", False) or actor.is_suspended:
        raise Forbidden("Log in to vote.")
    if poll.is_closed():
        raise Conflict("This poll is closed.", code="poll_closed")
    if home.thread is not None:
        refusal = thread_refusal(actor, home.thread)
        if refusal:
            raise Forbidden(refusal)
    if home.room is not None and home.room.archived:
        raise Forbidden("This room is archived.")


def check_option_ids(poll: Poll, value: object) -> list[int]:
    if (not isinstance(value, list)
            or not all(isinstance(i, int) and not isinstance(i, bool) for i in value)):
        raise ValidationFailed({"option_ids": "must be a list of option ids"})
    ids = list(dict.fromkeys(value))
    if not ids:
        raise ValidationFailed({"option_ids": "must name at least one option"})
    if not poll.multiple and len(ids) != 1:
        raise ValidationFailed({"option_ids": "must name exactly one option: this poll is single choice"})
    known = {option.id for option in poll.options}
    if any(i not in known for i in ids):
        raise ValidationFailed({"option_ids": "must be options of this poll"})
    return ids


def vote(actor: User, poll_id: object, option_ids: object) -> Poll:
    """Create or replace the actor's ballot."""
    require_active_account(actor)
    with atomic():
        # The poll row lock queues one member's concurrent votes (SQLite: the write lock already
        # does); the unique (poll, user) constraint is the last line of defence.
        poll, home = poll_queries.access_poll(actor, poll_id, for_update=True)
        _open_for_voting(actor, poll, home)
        ids = check_option_ids(poll, option_ids)
        ballot = _ballot_of(poll.id, actor.id)
        now = utcnow()
        if ballot is None:
            ballot = PollBallot(poll_id=poll.id, user_id=actor.id, created_at=now, updated_at=now)
            db.session.add(ballot)
            db.session.flush()
        else:
            db.session.execute(delete(PollChoice).where(PollChoice.ballot_id == ballot.id)
                               .execution_options(synchronize_session=False))
            ballot.updated_at = now
        # Core inserts: the replaced choices may still sit in the session under the same keys.
        db.session.execute(insert(PollChoice), [{"ballot_id": ballot.id, "option_id": i} for i in ids])
        db.session.expire(ballot, ["choices"])
        db.session.flush()
        _announce(poll, home, "poll_updated")
    return poll


def _ballot_of(poll_id: int, user_id: int) -> PollBallot | None:
    return db.session.scalar(select(PollBallot).where(PollBallot.poll_id == poll_id,
                                                      PollBallot.user_id == user_id))


def withdraw_vote(actor: User, poll_id: object) -> Poll:
    """Delete the actor's ballot (nothing to do when there is none)."""
    require_active_account(actor)
    with atomic():
        poll, home = poll_queries.access_poll(actor, poll_id, for_update=True)
        _open_for_voting(actor, poll, home)
        gone = db.session.execute(delete(PollBallot).where(PollBallot.poll_id == poll.id,
                                                           PollBallot.user_id == actor.id)
                                  .execution_options(synchronize_session=False)).rowcount
        if gone:
            _announce(poll, home, "poll_updated")
    return poll


def close_poll(actor: User, poll_id: object) -> Poll:
    """Close a poll by hand; closing a closed poll changes nothing."""
    require_active_account(actor)
    with atomic():
        poll, home = poll_queries.access_poll(actor, poll_id, for_update=True)
        if not poll_queries.may_manage_poll(actor, poll, home):
            raise Forbidden("Only the poll's author, the room's owner or a moderator can close it.")
        if poll.closed_at is None:
            now = utcnow()
            # Past its closing time it was already closed to voters: keep that as the moment.
            poll.closed_at = poll.closes_at if poll.closes_at is not None and poll.closes_at <= now else now
            db.session.flush()
            _announce(poll, home, "poll_updated")
    return poll


def delete_poll(actor: User, poll_id: object) -> None:
    """Soft-delete a poll: it answers 404 from now on, and watchers drop it."""
    require_active_account(actor)
    with atomic():
        poll, home = poll_queries.access_poll(actor, poll_id, for_update=True)
        if not poll_queries.may_delete_poll(actor, poll):
            raise Forbidden("Only the poll's author or a moderator can delete it.")
        poll.deleted_at = utcnow()
        db.session.flush()
        _announce(poll, home, "poll_updated")


def close_due_polls(now: datetime) -> int:
    """Close the polls whose closing time has passed; returns how many this call closed.

    The conditional UPDATE closes each poll once however many processes run the job at once: a
    poll another process closed first no longer matches ``closed_at IS NULL``.
    """
    with atomic():
        closed = db.session.scalars(
            update(Poll).where(Poll.closed_at.is_(None), Poll.closes_at.is_not(None), Poll.closes_at <= now,
                               Poll.deleted_at.is_(None))
            .values(closed_at=Poll.closes_at).returning(Poll.id)
            .execution_options(synchronize_session=False)).all()
        if not closed:
            return 0
        polls = db.session.scalars(select(Poll).where(Poll.id.in_(closed))
                                   .execution_options(populate_existing=True)).all()
        for poll in polls:
            _announce(poll, _home_unchecked(poll), "poll_updated")
    return len(closed)


def _home_unchecked(poll: Poll) -> PollHome:
    """The poll's home for the job, which acts for nobody in particular (no access check)."""
    if poll.thread_id is not None:
        return PollHome(thread=db.session.get(Post, poll.thread_id))
    if poll.room_id is not None:
        return PollHome(room=db.session.get(Room, poll.room_id))
    return PollHome(live_session=db.session.get(LiveSession, poll.live_session_id))
