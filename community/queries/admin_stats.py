"""Site activity for the admin dashboard and GET /api/v1/admin/stats: totals, the last 7 and 30
days, active members, open flags and posts per UTC day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import case, func, select, union

from ..errors import Forbidden
from ..extensions import db
from ..models import Flag, FlagStatus, Message, Post, PostType, Resource, User
from ..models.base import utc_date
from ..permissions import can_view_admin

CHART_DAYS = 30
WINDOWS = (7, 30)


@dataclass(frozen=True)
class DayCount:
    day: date
    questions: int
    answers: int

    @property
    def posts(self) -> int:
        return self.questions + self.answers


@dataclass(frozen=True)
class SiteStats:
    totals: dict[str, int]  # noun -> count (live content)
    recent: dict[int, dict[str, int]]  # days -> noun -> created in the last that many days
    active_users: dict[int, int]  # days -> members who posted, chatted or shared then
    open_flags: int
    per_day: list[DayCount]  # the last CHART_DAYS UTC days, oldest first, today last

    def to_dict(self) -> dict[str, Any]:
        return {"totals": {**self.totals, "open_flags": self.open_flags},
                **{f"last_{days}_days": {**self.recent[days], "active_users": self.active_users[days]}
                   for days in WINDOWS},
                "posts_per_day": [{"date": d.day.isoformat(), "questions": d.questions,
                                   "answers": d.answers} for d in self.per_day]}


def _counts(column: Any, *where: Any, now: datetime) -> tuple[int, dict[int, int]]:
    """The total and the counts created in each window, in one query."""
    windows = [func.count(case((column >= now - timedelta(days=days), 1))) for days in WINDOWS]
    row = db.session.execute(select(func.count(), *windows).select_from(column.class_).where(*where)).one()
    return int(row[0]), {days: int(n) for days, n in zip(WINDOWS, row[1:], strict=True)}


def _active_users(since: datetime) -> int:
    authors = union(
        select(Post.author_id.label("uid")).where(Post.created_at >= since),
        select(Message.author_id.label("uid")).where(Message.created_at >= since),
        select(Resource.shared_by_id.label("uid")).where(Resource.created_at >= since),
    ).subquery()
    return db.session.scalar(select(func.count()).select_from(authors)) or 0


def _per_day(now: datetime) -> list[DayCount]:
    first = now.date() - timedelta(days=CHART_DAYS - 1)
    since = datetime.combine(first, time.min, tzinfo=UTC)
    day = utc_date(Post.created_at)
    rows = db.session.execute(
        select(day, Post.post_type, func.count())
        .where(Post.created_at >= since, Post.deleted_at.is_(None))
        .group_by(day, Post.post_type)).all()
    counts: dict[tuple[str, str], int] = {(str(d)[:10], kind): n for d, kind, n in rows}
    days = [first + timedelta(days=n) for n in range(CHART_DAYS)]
    return [DayCount(d, counts.get((d.isoformat(), PostType.QUESTION.value), 0),
                     counts.get((d.isoformat(), PostType.ANSWER.value), 0)) for d in days]


def site_stats(now: datetime) -> SiteStats:
    nouns = {
        "members": _counts(User.created_at, now=now),
        "questions": _counts(Post.created_at, Post.post_type == PostType.QUESTION.value,
                             Post.deleted_at.is_(None), now=now),
        "answers": _counts(Post.created_at, Post.post_type == PostType.ANSWER.value,
                           Post.deleted_at.is_(None), now=now),
        "messages": _counts(Message.created_at, Message.deleted_at.is_(None), now=now),
        "resources": _counts(Resource.created_at, Resource.deleted_at.is_(None), now=now),
        "flags": _counts(Flag.created_at, now=now),
    }
    open_flags = db.session.scalar(select(func.count(Flag.id))
                                   .where(Flag.status == FlagStatus.OPEN.value)) or 0
    return SiteStats(
        totals={noun: total for noun, (total, _) in nouns.items()},
        recent={days: {noun: recent[days] for noun, (_, recent) in nouns.items()} for days in WINDOWS},
        active_users={days: _active_users(now - timedelta(days=days)) for days in WINDOWS},
        open_flags=open_flags,
        per_day=_per_day(now),
    )


def access_site_stats(viewer: User, now: datetime) -> SiteStats:
    if not can_view_admin(viewer):
        raise Forbidden("Only moderators and administrators can see site activity.")
    return site_stats(now)
