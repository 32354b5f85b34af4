"""Recognition in the API: badges, kudos, the leaderboard, privileges and vote flags."""

from __future__ import annotations

from flask_login import current_user, login_required

from ...actions import kudos as kudos_actions
from ...actions import vote_flags as vote_flag_actions
from ...badges import RULES
from ...payloads import (
    award_payload,
    badge_payload,
    kudos_payload,
    page_payload,
    user_payload,
    vote_flag_payload,
)
from ...permissions import next_privilege, privileges_ladder
from ...queries import badges as badge_queries
from ...queries import leaderboard as leaderboard_queries
from ...queries.kudos import list_kudos
from ...queries.paging import MAX_PER_PAGE, parse_page
from ...queries.users import get_user_by_username
from ...queries.vote_flags import list_vote_flags
from .blueprint import ApiBlueprint
from .schemas import KudosIn, KudosListArgs, LeaderboardArgs, PageArgs, VoteFlagArgs

bp = ApiBlueprint("recognition_api", __name__, url_prefix="/api/v1",
                  description="Badges, kudos, leaderboard and privileges")

RECENT_AWARDS = 10


@bp.get("/badges")
def badges():
    counts = badge_queries.holder_counts()
    items = [{**badge_payload(rule), "awarded_count": counts.get(rule.slug, 0)} for rule in RULES]
    return page_payload(items, len(items), 1, MAX_PER_PAGE)


@bp.get("/badges/<slug>")
@bp.arguments(PageArgs, location="query")
def badge(args: dict, slug: str):
    rule = badge_queries.access_badge(slug)
    page = parse_page(args.get("page"), args.get("per_page", RECENT_AWARDS))
    awards, total = badge_queries.list_badge_awards(rule, page)
    recent = [{"user": user_payload(a.user), **award_payload(a, rule)} for a in awards]
    return {**badge_payload(rule), "awarded_count": badge_queries.holder_counts().get(rule.slug, 0),
            "awards": page_payload(recent, total, page.page, page.per_page)}


@bp.post("/kudos")
@login_required
@bp.arguments(KudosIn)
def give_kudos(data: dict):
    draft = kudos_actions.KudosDraft(to=data["to"], message=data["message"], post_id=data["post_id"])
    return kudos_payload(kudos_actions.give_kudos(current_user, draft)), 201


@bp.get("/kudos")
@bp.arguments(KudosListArgs, location="query")
def kudos_feed(args: dict):
    page = parse_page(args.get("page"), args.get("per_page"))
    recipient = get_user_by_username(args["to"]) if args.get("to") else None
    if args.get("to") and recipient is None:
        return page_payload([], 0, page.page, page.per_page)  # like the author filter of threads
    found, total = list_kudos(page, to=recipient)
    return page_payload([kudos_payload(k) for k in found], total, page.page, page.per_page)


@bp.get("/leaderboard")
@bp.arguments(LeaderboardArgs, location="query")
def leaderboard(args: dict):
    page = parse_page(args.pop("page", None), args.pop("per_page", None))
    flt = leaderboard_queries.check_leaderboard_filter(**args)
    rows, total = leaderboard_queries.leaderboard(flt, page)
    items = [{"rank": page.offset + n, "user": user_payload(row.user),
              "reputation_gained": row.reputation_gained, "accepted_answers": row.accepted_answers,
              "kudos": row.kudos} for n, row in enumerate(rows, start=1)]
    since = leaderboard_queries.period_start(flt.period)
    return {**page_payload(items, total, page.page, page.per_page), "period": flt.period,
            "since": since.strftime("%Y-%m-%dT%H:%M:%SZ") if since else None}


@bp.get("/privileges")
def privileges():
    """What reputation unlocks; ``unlocked`` and ``next`` are for the caller (if logged in)."""
    member = current_user.is_authenticated
    items = [{"name": p.name or "participate", "label": p.label, "reputation": p.reputation,
              "unlocked": member and (current_user.is_moderator or current_user.reputation >= p.reputation)}
             for p in privileges_ladder()]
    upcoming = next_privilege(current_user)
    return {"items": items, "next": upcoming.name if upcoming else None}


@bp.get("/vote-flags")
@login_required
@bp.arguments(VoteFlagArgs, location="query")
def vote_flags(args: dict):
    page = parse_page(args.get("page"), args.get("per_page"))
    flags, total = list_vote_flags(current_user, page, include_resolved=args["resolved"])
    return page_payload([vote_flag_payload(f) for f in flags], total, page.page, page.per_page)


@bp.post("/vote-flags/<int:flag_id>/resolve")
@login_required
def resolve_vote_flag(flag_id: int):
    return vote_flag_payload(vote_flag_actions.resolve_vote_flag(current_user, flag_id))
