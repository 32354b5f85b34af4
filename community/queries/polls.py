"""Reading polls: who may see, vote on, close and create them, and their results.

A poll is as visible as its home: the thread or room it is posted in, or, for a live training
session's feedback poll, the session's host, the members with an RSVP row and moderators. A poll
the caller may not see, or a deleted one, is "not found" (never "forbidden").

Results are counted from the ballots in one statement for any number of polls, so a page shows
all its polls with a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select

from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..models import LiveSession, LiveSessionRsvp, Poll, PollBallot, PollChoice, Room, User
from ..models.base import is_row_id
from ..permissions import can_answer, can_post_in_room, can_read_room, thread_refusal
from .paging import Page
from .rooms import access_room
from .threads import access_thread


def _member(user: User | None) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def _moderator(user: User | None) -> bool:
    return _member(user) and user.is_moderator


# --- who may ---------------------------------------------------------------------------------------


def may_see_live_session(user: User | None, live_session: LiveSession) -> bool:
    """A session's polls: its host, moderators and members with an RSVP (going or waitlisted)."""
    if not _member(user):
        return False
    if user.is_moderator or live_session.host_id == user.id:
        return True
    return db.session.scalar(select(LiveSessionRsvp.id).where(
        LiveSessionRsvp.live_session_id == live_session.id, LiveSessionRsvp.user_id == user.id)) is not None


def thread_poll_refusal(user: User | None, thread) -> str | None:
    """Why ``user`` may not add a poll to the thread, or None: the asker or a moderator, while
    the thread takes answers (not deleted, closed, or locked to non-moderators)."""
    if not _member(user) or user.is_suspended:
        return "Log in to add a poll."
    if thread.author_id != user.id and not user.is_moderator:
        return "Only the asker or a moderator can add a poll to a question."
    if not can_answer(user, thread):
        return thread_refusal(user, thread, answering=True) or "This question is not open."
    return None


def may_create_thread_poll(user: User | None, thread) -> bool:
    return thread_poll_refusal(user, thread) is None


def may_create_room_poll(user: User | None, room: Room) -> bool:
    return can_post_in_room(user, room)


def may_manage_poll(user: User | None, poll: Poll, home: PollHome) -> bool:
    """Close a poll: its author, the room's owner, the session's host, or a moderator."""
    if not _member(user) or user.is_suspended:
        return False
    if user.is_moderator or poll.author_id == user.id:
        return True
    if home.room is not None and poll.room_id is not None and home.room.created_by_id == user.id:
        return True
    return home.live_session is not None and home.live_session.host_id == user.id


def may_delete_poll(user: User | None, poll: Poll) -> bool:
    return _member(user) and not user.is_suspended and (user.is_moderator or poll.author_id == user.id)


# --- finding polls ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PollHome:
    """Where a poll lives, loaded once: the thread, the room, or the live session (with its room)."""

    thread: object = None
    room: Room | None = None
    live_session: LiveSession | None = None

    @property
    def event_room(self) -> Room | None:
        """The room whose channel carries the poll's events (a session's linked room)."""
        if self.room is not None:
            return self.room
        return self.live_session.room if self.live_session is not None else None


def get_poll(poll_id: int, *, for_update: bool = False) -> Poll | None:
    stmt = select(Poll).where(Poll.id == poll_id)
    if for_update:
        stmt = stmt.with_for_update(of=Poll).execution_options(populate_existing=True)
    return db.session.scalar(stmt)


def access_live_session(actor: User | None, session_id: object) -> LiveSession:
    if not is_row_id(session_id):
        raise NotFound("No such live session.")
    live_session = db.session.get(LiveSession, session_id)
    if live_session is None or not may_see_live_session(actor, live_session):
        raise NotFound("No such live session.")
    return live_session


def poll_home(actor: User | None, poll: Poll) -> PollHome:
    """The poll's home if ``actor`` may read it; NotFound otherwise."""
    if poll.thread_id is not None:
        return PollHome(thread=access_thread(actor, poll.thread_id))
    if poll.room_id is not None:
        room = db.session.get(Room, poll.room_id)
        if room is None or not can_read_room(actor, room):
            raise NotFound("No such poll.")
        return PollHome(room=room)
    return PollHome(live_session=access_live_session(actor, poll.live_session_id))


def access_poll(actor: User | None, poll_id: object, *, for_update: bool = False) -> tuple[Poll, PollHome]:
    """The poll and its home if it exists, is not deleted and ``actor`` may see it; else NotFound."""
    if not is_row_id(poll_id):
        raise NotFound("No such poll.")
    poll = get_poll(poll_id, for_update=for_update)
    if poll is None or poll.is_deleted:
        raise NotFound("No such poll.")
    try:
        home = poll_home(actor, poll)
    except NotFound:
        raise NotFound("No such poll.") from None
    return poll, home


@dataclass(frozen=True)
class PollFilter:
    thread_id: int | None = None
    room: Room | None = None
    live_session_id: int | None = None


def check_poll_filter(actor: User | None, thread_id: object = None, room: object = None,
                      live_session_id: object = None) -> PollFilter:
    """Exactly one home to list, which the actor may read (NotFound otherwise)."""
    given = [name for name, value in (("thread_id", thread_id), ("room", room),
                                      ("live_session_id", live_session_id)) if value is not None]
    if len(given) != 1:
        raise ValidationFailed({"thread_id": "give exactly one of thread_id, room or live_session_id"})
    if thread_id is not None:
        return PollFilter(thread_id=access_thread(actor, thread_id).id)
    if room is not None:
        return PollFilter(room=access_room(actor, room))
    return PollFilter(live_session_id=access_live_session(actor, live_session_id).id)


def _home_clause(flt: PollFilter):
    if flt.thread_id is not None:
        return Poll.thread_id == flt.thread_id
    if flt.room is not None:
        return Poll.room_id == flt.room.id
    return Poll.live_session_id == flt.live_session_id


def list_polls(flt: PollFilter, page: Page) -> tuple[list[Poll], int]:
    """The home's polls that are not deleted, newest first."""
    where = and_(_home_clause(flt), Poll.deleted_at.is_(None))
    total = db.session.scalar(select(func.count(Poll.id)).where(where)) or 0
    polls = db.session.scalars(select(Poll).where(where).order_by(Poll.id.desc())
                               .limit(page.per_page).offset(page.offset)).all()
    return list(polls), total


def thread_polls(thread_id: int) -> list[Poll]:
    """Every live poll of a thread, oldest first (the page shows them under the question)."""
    return list(db.session.scalars(select(Poll).where(Poll.thread_id == thread_id, Poll.deleted_at.is_(None))
                                   .order_by(Poll.id)).all())


def room_polls(room: Room, limit: int = 20) -> list[Poll]:
    """The room's newest polls, oldest of them first (pinned above the timeline)."""
    polls = db.session.scalars(select(Poll).where(Poll.room_id == room.id, Poll.deleted_at.is_(None))
                               .order_by(Poll.id.desc()).limit(limit)).all()
    return list(reversed(polls))


# --- results ---------------------------------------------------------------------------------------


@dataclass
class PollResults:
    counts: dict[int, int] = field(default_factory=dict)  # option id -> ballots choosing it
    voter_count: int = 0
    mine: list[int] = field(default_factory=list)  # the viewer's choices
    voters: dict[int, list[User]] = field(default_factory=dict)  # non-anonymous polls only


@dataclass(frozen=True)
class PollRights:
    """What the viewer may do with a poll (the widget shows only those controls)."""

    vote: bool = False
    close: bool = False
    delete: bool = False


def poll_rights(user: User | None, poll: Poll, home: PollHome) -> PollRights:
    """Computed from loaded rows only, so a page of polls costs no extra queries."""
    if not _member(user) or user.is_suspended or poll.is_deleted:
        return PollRights()
    open_home = not ((home.thread is not None and thread_refusal(user, home.thread))
                     or (home.room is not None and home.room.archived))
    return PollRights(vote=open_home and not poll.is_closed(),
                      close=poll.closed_at is None and may_manage_poll(user, poll, home),
                      delete=may_delete_poll(user, poll))


@dataclass(frozen=True)
class PollView:
    """A poll with what its payload and widget show."""

    poll: Poll
    results: PollResults
    room_slug: str | None
    rights: PollRights = PollRights()


def poll_results(actor: User | None, polls: list[Poll]) -> dict[int, PollResults]:
    """Results of every poll in one query: counts, voters (never for anonymous polls) and the
    actor's own choices."""
    results = {poll.id: PollResults() for poll in polls}
    if not polls:
        return results
    me = actor.id if _member(actor) else None
    # The voter's user row is joined only where the poll is not anonymous.
    rows = db.session.execute(
        select(PollBallot.poll_id, PollBallot.user_id, PollChoice.option_id, User)
        .join(PollChoice, PollChoice.ballot_id == PollBallot.id)
        .join(Poll, Poll.id == PollBallot.poll_id)
        .outerjoin(User, and_(User.id == PollBallot.user_id, Poll.anonymous.is_(False)))
        .where(PollBallot.poll_id.in_(list(results)))
        .order_by(PollBallot.poll_id, PollBallot.id)).all()
    voters: dict[int, set[int]] = defaultdict(set)
    for poll_id, user_id, option_id, user in rows:
        found = results[poll_id]
        found.counts[option_id] = found.counts.get(option_id, 0) + 1
        voters[poll_id].add(user_id)
        if user_id == me:
            found.mine.append(option_id)
        if user is not None:
            found.voters.setdefault(option_id, []).append(user)
    for poll_id, ids in voters.items():
        results[poll_id].voter_count = len(ids)
    return results


def poll_views(actor: User | None, polls: list[Poll], *, room_slug: str | None = None,
               home: PollHome | None = None) -> list[PollView]:
    """Views of ``polls`` in a fixed number of queries; ``room_slug`` when the caller knows it,
    ``home`` (shared by every poll) to include the viewer's rights."""
    results = poll_results(actor, polls)
    slugs: dict[int, str] = {}
    room_ids = {p.room_id for p in polls if p.room_id is not None}
    if room_ids and room_slug is None:
        slugs = dict(db.session.execute(select(Room.id, Room.slug).where(Room.id.in_(room_ids))).all())
    return [PollView(p, results[p.id],
                     (room_slug or slugs.get(p.room_id)) if p.room_id is not None else None,
                     poll_rights(actor, p, home) if home is not None else PollRights())
            for p in polls]


def poll_view(actor: User | None, poll: Poll) -> PollView:
    return poll_views(actor, [poll])[0]



def thread_poll_views(actor: User | None, thread) -> list[PollView]:
    """The thread page's polls: one query when there are none, three however many there are."""
    return poll_views(actor, thread_polls(thread.id), home=PollHome(thread=thread))


def room_poll_views(actor: User | None, room: Room) -> list[PollView]:
    return poll_views(actor, room_polls(room), room_slug=room.slug, home=PollHome(room=room))
