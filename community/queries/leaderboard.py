"""The leaderboard: who helped most this week, this month or ever, by department and tag.

Periods are calendar periods in UTC: "week" starts on Monday 00:00 UTC, "month" on the 1st.
``reputation_gained`` is the sum of the ledger within the period; ``accepted_answers`` counts
acceptances within the period (less those undone in it), from the ledger too; ``kudos`` counts
kudos received. With a tag, only reputation and kudos for posts in threads with that tag count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Select, case, func, or_, select

from ..errors import ValidationFailed
from ..extensions import db
from ..models import Kudos, Post, ReputationEntry, Tag, User, post_tags
from ..models.base import utcnow
from ..text.validation import text_problem
from .paging import Page

PERIODS = ("week", "month", "all")


@dataclass(frozen=True)
class LeaderboardFilter:
    period: str = "week"
    department: str | None = None
    tag: str | None = None


@dataclass(frozen=True)
class LeaderRow:
    user: User
    reputation_gained: int
    accepted_answers: int
    kudos: int


def check_leaderboard_filter(period: object = None, department: object = None,
                             tag: object = None) -> LeaderboardFilter:
    if period not in (None, "", *PERIODS):
        raise ValidationFailed({"period": "must be one of " + ", ".join(PERIODS)})
    for name, value, limit in (("department", department, 80), ("tag", tag, 35)):
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            raise ValidationFailed({name: f"must be at most {limit} characters"})
        if isinstance(value, str) and (problem := text_problem(value)):
            raise ValidationFailed({name: problem})
    return LeaderboardFilter(period=period or "week", department=(department or "").strip() or None,
                             tag=(tag or "").strip().lower() or None)


def period_start(period: str, now: datetime | None = None) -> datetime | None:
    """The UTC moment the period began (None for all time)."""
    today = datetime.combine((now or utcnow()).astimezone(UTC).date(), time.min, tzinfo=UTC)
    if period == "week":
        return today - timedelta(days=today.weekday())
    if period == "month":
        return today.replace(day=1)
    return None


def _posts_in_tag(tag: str) -> Select:
    """Ids of questions tagged ``tag`` and of the answers in those threads."""
    tagged = select(post_tags.c.post_id).join(Tag, Tag.id == post_tags.c.tag_id).where(Tag.name == tag)
    return select(Post.id).where(func.coalesce(Post.parent_id, Post.id).in_(tagged))


def _ledger(flt: LeaderboardFilter, start: datetime | None):
    accepted = case((ReputationEntry.reason == "accepted", 1),
                    (ReputationEntry.reason == "accepted_undone", -1), else_=0)
    stmt = select(ReputationEntry.user_id.label("user_id"),
                  func.sum(ReputationEntry.delta).label("gained"),
                  func.sum(accepted).label("accepted")).group_by(ReputationEntry.user_id)
    if start is not None:
        stmt = stmt.where(ReputationEntry.created_at >= start)
    if flt.tag:
        stmt = stmt.where(ReputationEntry.post_id.in_(_posts_in_tag(flt.tag)))
    return stmt.subquery("ledger")


def _kudos(flt: LeaderboardFilter, start: datetime | None):
    stmt = (select(Kudos.to_user_id.label("user_id"), func.count(Kudos.id).label("received"))
            .group_by(Kudos.to_user_id))
    if start is not None:
        stmt = stmt.where(Kudos.created_at >= start)
    if flt.tag:
        stmt = stmt.where(Kudos.post_id.in_(_posts_in_tag(flt.tag)))
    return stmt.subquery("kudos_received")


def leaderboard(flt: LeaderboardFilter, page: Page, *, now: datetime | None = None
                ) -> tuple[list[LeaderRow], int]:
    start = period_start(flt.period, now)
    ledger, kudos = _ledger(flt, start), _kudos(flt, start)
    gained = func.coalesce(ledger.c.gained, 0)
    accepted = func.coalesce(ledger.c.accepted, 0)
    received = func.coalesce(kudos.c.received, 0)
    stmt = (select(User, gained, accepted, received)
            .outerjoin(ledger, ledger.c.user_id == User.id)
            .outerjoin(kudos, kudos.c.user_id == User.id)
            .where(or_(gained != 0, accepted != 0, received != 0)))
    if flt.department:
        stmt = stmt.where(func.lower(User.department) == flt.department.lower())
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.execute(stmt.order_by(gained.desc(), accepted.desc(), received.desc(), User.id)
                              .offset(page.offset).limit(page.per_page))
    return [LeaderRow(user, int(g), int(a), int(k)) for user, g, a, k in rows], total


def list_departments() -> list[str]:
    """Every department someone has on their profile, for the leaderboard filter."""
    return list(db.session.scalars(select(User.department).where(User.department != "")
                                   .distinct().order_by(User.department)))
