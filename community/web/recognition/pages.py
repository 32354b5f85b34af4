"""Badges and the leaderboard as pages."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ...badges import RULES, Tier
from ...queries import badges as badge_queries
from ...queries import leaderboard as leaderboard_queries
from ...queries.kudos import list_kudos
from ...queries.paging import Page, parse_page
from .blueprint import bp

FEED_ON_LEADERBOARD = 6
PERIOD_LABELS = {"week": "This week", "month": "This month", "all": "All time"}


def _mine() -> set[str]:
    if not current_user.is_authenticated:
        return set()
    awards, _ = badge_queries.user_awards(current_user)
    return {award.badge_slug for award in awards}


@bp.get("/badges")
def badges() -> ResponseReturnValue:
    by_tier = {tier: [rule for rule in RULES if rule.tier == tier] for tier in badge_queries.TIER_ORDER}
    return render_template("recognition/badges.html", by_tier=by_tier, tiers=Tier,
                           counts=badge_queries.holder_counts(), recent=badge_queries.recent_awards(),
                           mine=_mine())


@bp.get("/badges/<slug>")
def badge(slug: str) -> ResponseReturnValue:
    rule = badge_queries.access_badge(slug)
    page = parse_page(request.args.get("page"))
    awards, total = badge_queries.list_badge_awards(rule, page)
    return render_template("recognition/badge.html", rule=rule, awards=awards, total=total, page=page,
                           holders=badge_queries.holder_counts().get(rule.slug, 0), mine=_mine())


@bp.get("/leaderboard")
def leaderboard() -> ResponseReturnValue:
    page = parse_page(request.args.get("page"))
    flt = leaderboard_queries.check_leaderboard_filter(
        request.args.get("period"), request.args.get("department"), request.args.get("tag"))
    rows, total = leaderboard_queries.leaderboard(flt, page)
    feed, _ = list_kudos(Page(1, FEED_ON_LEADERBOARD))
    return render_template("recognition/leaderboard.html", rows=rows, total=total, page=page, flt=flt,
                           periods=PERIOD_LABELS, since=leaderboard_queries.period_start(flt.period),
                           departments=leaderboard_queries.list_departments(), feed=feed)
