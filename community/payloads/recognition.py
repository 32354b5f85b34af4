"""Reputation, badges, kudos and suspicious-vote flags."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..models import BadgeAward, Kudos, ReputationEntry, VoteFlag
from .common import iso, user_payload

if TYPE_CHECKING:
    from ..badges import BadgeRule


def reputation_entry_payload(entry: ReputationEntry) -> dict[str, Any]:
    return {
        "delta": entry.delta,
        "reason": entry.reason,
        "post_id": entry.post_id,
        "created_at": iso(entry.created_at),
    }


def badge_payload(rule: BadgeRule) -> dict[str, Any]:
    """A badge as listed: the rule's public fields (awarded_count is added by the caller)."""
    return {"slug": rule.slug, "name": rule.name, "tier": rule.tier.value,
            "description": rule.description, "repeatable": rule.repeatable,
            "revocable": rule.revocable, "url": f"/badges/{rule.slug}"}


def award_payload(award: BadgeAward, rule: BadgeRule) -> dict[str, Any]:
    return {
        "badge": {"slug": rule.slug, "name": rule.name, "tier": rule.tier.value},
        "awarded_at": iso(award.awarded_at),
        "reason_url": award.reason_url or None,
        "post_id": award.post_id,
        "subject": award.subject or None,
    }


def kudos_payload(kudos: Kudos) -> dict[str, Any]:
    return {
        "id": kudos.id,
        "from": user_payload(kudos.giver),
        "to": user_payload(kudos.recipient),
        "post_id": kudos.post_id,
        "message": kudos.message,
        "created_at": iso(kudos.created_at),
    }


def vote_flag_payload(flag: VoteFlag) -> dict[str, Any]:
    return {
        "id": flag.id,
        "users": [user_payload(flag.user_a), user_payload(flag.user_b)],
        "day": flag.day.isoformat(),
        "vote_count": flag.vote_count,
        "created_at": iso(flag.created_at),
        "updated_at": iso(flag.updated_at),
        "resolved": flag.resolved_at is not None,
        "resolved_at": iso(flag.resolved_at),
    }
