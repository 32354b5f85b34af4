"""Reading member flags: what a flag points at, one flag, the list, and the review queue.

A flag names its target by kind and id (post, message or resource). ``FlaggedTarget`` wraps the
row it points at with what every layer asks of it (its author, a label, a link, an excerpt), so
the actions, the API and the queue page treat the three kinds alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select

from .. import search
from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import Flag, FlagStatus, FlagTarget, Message, Post, Resource, Room, User
from ..models.base import is_row_id
from ..payloads import answer_url, message_url, resource_page_url, room_url, thread_url
from ..permissions import can_read_room, can_review_flags, can_see_hidden
from .paging import Page
from .resources import access_resource
from .threads import access_post, get_post

TARGET_TYPES = tuple(kind.value for kind in FlagTarget)
STATUSES = tuple(status.value for status in FlagStatus)
EXCERPT_CHARS = 160

Row = Post | Message | Resource


@dataclass
class FlaggedTarget:
    """The flagged row with its context: the thread of a post, the room of a message."""

    kind: str
    row: Row
    thread: Post | None = None
    room: Room | None = None

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def author(self) -> User:
        return self.row.shared_by if self.kind == FlagTarget.RESOURCE else self.row.author

    @property
    def author_id(self) -> int:
        return self.author.id

    @property
    def hidden(self) -> bool:
        return self.row.is_hidden

    @property
    def deleted(self) -> bool:
        return self.row.is_deleted

    @property
    def is_question(self) -> bool:
        return self.kind == FlagTarget.POST and self.row.is_question

    @property
    def noun(self) -> str:
        """What to call it in messages: question, answer, message or resource."""
        if self.kind == FlagTarget.POST:
            return "question" if self.row.is_question else "answer"
        return self.kind

    @property
    def excerpt(self) -> str:
        if self.kind == FlagTarget.RESOURCE:
            text = self.row.description or self.row.url
        else:
            text = search.plain_text(self.row.body_html)
        text = " ".join(text.split())
        return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS - 1] + "…"

    @property
    def title_or_excerpt(self) -> str:
        if self.kind == FlagTarget.RESOURCE:
            return self.row.title
        if self.is_question:
            return self.row.title or ""
        return self.excerpt

    @property
    def context_title(self) -> str:
        """The thread's title for a post, the room's for a message, the resource's own title."""
        if self.kind == FlagTarget.POST:
            return self.thread.title or "" if self.thread is not None else ""
        if self.kind == FlagTarget.MESSAGE:
            return self.room.title if self.room is not None else ""
        return self.row.title

    @property
    def label(self) -> str:
        """What the audit log and notifications call it (kept after the target changes)."""
        if self.kind == FlagTarget.POST:
            return (f"Question “{self.context_title}”" if self.is_question
                    else f"Answer to “{self.context_title}”")
        if self.kind == FlagTarget.MESSAGE:
            return f"Message in {self.context_title}: {self.excerpt[:80]}"
        return f"Resource “{self.row.title}”"

    @property
    def url(self) -> str:
        if self.kind == FlagTarget.POST:
            return (thread_url(self.row.id) if self.is_question
                    else answer_url(self.row.parent_id, self.row.id))
        if self.kind == FlagTarget.MESSAGE:
            return message_url(self.room.slug, self.row.id) if self.room is not None else ""
        return resource_page_url(self.row.id)

    @property
    def place_url(self) -> str:
        """Where the target was, readable by anyone after it is hidden or deleted: the thread of
        an answer, the room of a message, the question list or the library."""
        if self.kind == FlagTarget.POST:
            return "/" if self.is_question else thread_url(self.row.parent_id)
        if self.kind == FlagTarget.MESSAGE:
            return room_url(self.room.slug) if self.room is not None else "/rooms"
        return "/resources"


def check_target_type(value: object) -> str:
    if value not in TARGET_TYPES:
        raise ValidationFailed({"target_type": "must be one of " + ", ".join(TARGET_TYPES)})
    return str(value)


def _with_context(kind: str, row: Row | None) -> FlaggedTarget | None:
    if row is None:
        return None
    if kind == FlagTarget.POST:
        return FlaggedTarget(kind, row, thread=row if row.is_question else get_post(row.parent_id))
    if kind == FlagTarget.MESSAGE:
        return FlaggedTarget(kind, row, room=db.session.get(Room, row.room_id))
    return FlaggedTarget(kind, row)


def load_target(kind: str, target_id: int, *, for_update: bool = False) -> FlaggedTarget | None:
    """The target whatever its state (for moderators' decisions), or None when it is gone."""
    model = {FlagTarget.POST: Post, FlagTarget.MESSAGE: Message, FlagTarget.RESOURCE: Resource}[kind]
    stmt = select(model).where(model.id == target_id)
    if for_update:
        stmt = stmt.with_for_update(of=model).execution_options(populate_existing=True)
    return _with_context(kind, db.session.scalar(stmt))


def access_flag_target(actor: User, kind: str, target_id: object, *,
                       for_update: bool = False) -> FlaggedTarget:
    """The live target if the actor may see it; NotFound otherwise (deleted content included:
    there is nothing left to flag, and its existence is not leaked)."""
    missing = NotFound(f"No such {kind}.")
    if not is_row_id(target_id):
        raise missing
    if kind == FlagTarget.POST:
        target = _with_context(kind, access_post(actor, target_id, for_update=for_update))
    elif kind == FlagTarget.RESOURCE:
        target = _with_context(kind, access_resource(actor, target_id, for_update=for_update))
    else:
        target = load_target(kind, target_id, for_update=for_update)
        if target is None or target.room is None or not can_read_room(actor, target.room):
            raise missing
        if target.hidden and not can_see_hidden(actor, target.author_id):
            raise missing
    if target is None or target.deleted:
        raise missing
    return target


def load_targets(keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], FlaggedTarget]:
    """Many targets at once (a page of flags): one query per kind, plus their threads and rooms."""
    wanted: dict[str, set[int]] = {}
    for kind, target_id in keys:
        wanted.setdefault(kind, set()).add(target_id)
    rows: dict[tuple[str, int], Row] = {}
    for kind, model in ((FlagTarget.POST, Post), (FlagTarget.MESSAGE, Message),
                        (FlagTarget.RESOURCE, Resource)):
        if wanted.get(kind.value):
            for row in db.session.scalars(select(model).where(model.id.in_(wanted[kind.value]))):
                rows[(kind.value, row.id)] = row
    thread_ids = {row.parent_id for (kind, _), row in rows.items()
                  if kind == FlagTarget.POST and row.parent_id is not None}
    threads = ({p.id: p for p in db.session.scalars(select(Post).where(Post.id.in_(thread_ids)))}
               if thread_ids else {})
    room_ids = {row.room_id for (kind, _), row in rows.items() if kind == FlagTarget.MESSAGE}
    rooms = ({r.id: r for r in db.session.scalars(select(Room).where(Room.id.in_(room_ids)))}
             if room_ids else {})
    found: dict[tuple[str, int], FlaggedTarget] = {}
    for (kind, target_id), row in rows.items():
        if kind == FlagTarget.POST:
            found[(kind, target_id)] = FlaggedTarget(
                kind, row, thread=row if row.is_question else threads.get(row.parent_id))
        elif kind == FlagTarget.MESSAGE:
            found[(kind, target_id)] = FlaggedTarget(kind, row, room=rooms.get(row.room_id))
        else:
            found[(kind, target_id)] = FlaggedTarget(kind, row)
    return found


def open_reporter_count(kind: str, target_id: int) -> int:
    """Distinct members with an open flag on the target (one flag per member per target)."""
    return db.session.scalar(select(func.count(func.distinct(Flag.reporter_id))).where(
        Flag.target_type == kind, Flag.target_id == target_id,
        Flag.status == FlagStatus.OPEN.value)) or 0


def find_flag(reporter_id: int, kind: str, target_id: int) -> Flag | None:
    return db.session.scalar(select(Flag).where(Flag.reporter_id == reporter_id,
                                                Flag.target_type == kind, Flag.target_id == target_id))


def open_flags_on(kind: str, target_id: int, *, for_update: bool = False) -> list[Flag]:
    stmt = select(Flag).where(Flag.target_type == kind, Flag.target_id == target_id,
                              Flag.status == FlagStatus.OPEN.value).order_by(Flag.id)
    if for_update:
        stmt = stmt.with_for_update(of=Flag)
    return list(db.session.scalars(stmt))


def access_flag(actor: User, flag_id: object) -> Flag:
    """The flag if the actor is a moderator or its reporter; NotFound otherwise."""
    flag = db.session.get(Flag, flag_id) if is_row_id(flag_id) else None
    if flag is None or not (can_review_flags(actor) or flag.reporter_id == actor.id):
        raise NotFound("No such flag.")
    return flag


@dataclass(frozen=True)
class FlagFilter:
    status: str | None = None
    target_type: str | None = None


def check_flag_filter(status: object = None, target_type: object = None) -> FlagFilter:
    if status not in (None, "", *STATUSES):
        raise ValidationFailed({"status": "must be one of " + ", ".join(STATUSES)})
    if target_type not in (None, ""):
        check_target_type(target_type)
    return FlagFilter(status or None, target_type or None)


def _filtered(actor: User, flt: FlagFilter) -> Select:
    stmt = select(Flag)
    if not can_review_flags(actor):
        stmt = stmt.where(Flag.reporter_id == actor.id)  # a member sees only their own flags
    if flt.status:
        stmt = stmt.where(Flag.status == flt.status)
    if flt.target_type:
        stmt = stmt.where(Flag.target_type == flt.target_type)
    return stmt


def list_flags(actor: User, flt: FlagFilter, page: Page) -> tuple[list[Flag], int]:
    """Newest first: every flag for moderators, one's own for members."""
    stmt = _filtered(actor, flt)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.order_by(Flag.created_at.desc(), Flag.id.desc())
                              .offset(page.offset).limit(page.per_page))
    return list(rows), total


# --- the review queue: flags grouped by target ------------------------------------------------------


@dataclass
class ReviewItem:
    """One flagged target in the queue with its flags (of the status shown)."""

    kind: str
    target_id: int
    target: FlaggedTarget | None
    flags: list[Flag]
    first_flagged_at: datetime

    @property
    def reasons(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for flag in self.flags:
            counts[flag.reason] = counts.get(flag.reason, 0) + 1
        return counts


def list_review_items(actor: User, status: str, page: Page) -> tuple[list[ReviewItem], int]:
    """Targets with flags of this status, most flagged first (then oldest first): one page."""
    if not can_review_flags(actor):
        raise Forbidden("Only moderators review flags.")
    grouped = (select(Flag.target_type, Flag.target_id, func.count(Flag.id).label("n"),
                      func.min(Flag.created_at).label("first"))
               .where(Flag.status == status).group_by(Flag.target_type, Flag.target_id))
    total = db.session.scalar(select(func.count()).select_from(grouped.subquery())) or 0
    groups = db.session.execute(grouped.order_by(func.count(Flag.id).desc(), func.min(Flag.created_at),
                                                 Flag.target_type, Flag.target_id)
                                .offset(page.offset).limit(page.per_page)).all()
    keys = [(row.target_type, row.target_id) for row in groups]
    targets = load_targets(keys)
    flags: dict[tuple[str, int], list[Flag]] = {key: [] for key in keys}
    if keys:
        for kind in {kind for kind, _ in keys}:
            ids = [target_id for k, target_id in keys if k == kind]
            for flag in db.session.scalars(select(Flag).where(
                    Flag.status == status, Flag.target_type == kind, Flag.target_id.in_(ids))
                    .order_by(Flag.created_at, Flag.id)):
                flags[(flag.target_type, flag.target_id)].append(flag)
    items = [ReviewItem(row.target_type, row.target_id, targets.get(key), flags[key], row.first)
             for row, key in zip(groups, keys, strict=True)]
    return items, total


def count_open_targets() -> int:
    """How many targets wait for review (the "Review (N)" link)."""
    waiting = (select(Flag.target_type, Flag.target_id).where(Flag.status == FlagStatus.OPEN.value)
               .group_by(Flag.target_type, Flag.target_id))
    return db.session.scalar(select(func.count()).select_from(waiting.subquery())) or 0
