"""Reading badges: how many people hold each, who earned them recently, a user's awards."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..badges import RULES_BY_SLUG, BadgeRule, Tier
from ..errors import NotFound
from ..extensions import db
from ..models import BadgeAward, User
from .paging import Page

TIER_ORDER = {Tier.GOLD: 0, Tier.SILVER: 1, Tier.BRONZE: 2}


def access_badge(slug: str) -> BadgeRule:
    rule = RULES_BY_SLUG.get(slug) if isinstance(slug, str) else None
    if rule is None:
        raise NotFound("No such badge.")
    return rule


def _active():
    return BadgeAward.revoked_at.is_(None)


def holder_counts() -> dict[str, int]:
    """Badge slug -> how many different people hold it now."""
    rows = db.session.execute(select(BadgeAward.badge_slug, func.count(func.distinct(BadgeAward.user_id)))
                              .where(_active()).group_by(BadgeAward.badge_slug))
    return {slug: count for slug, count in rows}


def recent_awards(per_badge: int = 3) -> dict[str, list[BadgeAward]]:
    """Badge slug -> its newest awards (at most ``per_badge``), one query for every badge."""
    newest = func.row_number().over(partition_by=BadgeAward.badge_slug,
                                    order_by=(BadgeAward.awarded_at.desc(), BadgeAward.id.desc()))
    ranked = select(BadgeAward.id, newest.label("n")).where(_active()).subquery()
    rows = db.session.scalars(select(BadgeAward).join(ranked, ranked.c.id == BadgeAward.id)
                              .where(ranked.c.n <= per_badge)
                              .order_by(BadgeAward.awarded_at.desc(), BadgeAward.id.desc()))
    recent: dict[str, list[BadgeAward]] = {}
    for award in rows:
        recent.setdefault(award.badge_slug, []).append(award)
    return recent


def list_badge_awards(rule: BadgeRule, page: Page) -> tuple[list[BadgeAward], int]:
    base = select(BadgeAward).where(BadgeAward.badge_slug == rule.slug, _active())
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = db.session.scalars(base.order_by(BadgeAward.awarded_at.desc(), BadgeAward.id.desc())
                              .offset(page.offset).limit(page.per_page))
    return list(rows), total


def user_awards(user: User, page: Page | None = None) -> tuple[list[BadgeAward], int]:
    """The user's badges (not revoked) for rules that still exist, newest first."""
    base = select(BadgeAward).where(BadgeAward.user_id == user.id, _active(),
                                    BadgeAward.badge_slug.in_(list(RULES_BY_SLUG)))
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    stmt = base.order_by(BadgeAward.awarded_at.desc(), BadgeAward.id.desc())
    if page is not None:
        stmt = stmt.offset(page.offset).limit(page.per_page)
    return list(db.session.scalars(stmt)), total


@dataclass(frozen=True)
class BadgeSummary:
    """One badge on a profile: the rule, how many times the user earned it, the latest award."""

    rule: BadgeRule
    count: int
    latest: BadgeAward


def summarize(awards: list[BadgeAward]) -> list[BadgeSummary]:
    """Awards grouped by badge, gold first, then by name."""
    grouped: dict[str, list[BadgeAward]] = {}
    for award in awards:
        grouped.setdefault(award.badge_slug, []).append(award)
    summaries = [BadgeSummary(RULES_BY_SLUG[slug], len(items), items[0])
                 for slug, items in grouped.items()]
    return sorted(summaries, key=lambda s: (TIER_ORDER[s.rule.tier], s.rule.name))


def tier_counts(awards: list[BadgeAward]) -> dict[str, int]:
    counts = {tier.value: 0 for tier in TIER_ORDER}
    for award in awards:
        counts[RULES_BY_SLUG[award.badge_slug].tier.value] += 1
    return counts
