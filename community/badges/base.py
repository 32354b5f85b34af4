"""The vocabulary of badge rules: tiers, triggers, what a condition sees and what it returns."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class Tier(enum.StrEnum):
    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"


class Trigger(enum.StrEnum):
    """Something that happened to a user; the action that did it calls award_for(user, trigger).

    The user is always the one who may earn the badge (the answerer for ANSWER_ACCEPTED, the
    asker for ACCEPT_GIVEN, the recipient for KUDOS_RECEIVED).
    """

    QUESTION_ASKED = "question_asked"
    ANSWER_POSTED = "answer_posted"
    VOTE_RECEIVED = "vote_received"
    VOTE_CAST = "vote_cast"
    ANSWER_ACCEPTED = "answer_accepted"
    ACCEPT_GIVEN = "accept_given"
    KUDOS_RECEIVED = "kudos_received"
    KUDOS_GIVEN = "kudos_given"
    # Later features: their actions call award_for with these once they exist.
    RESOURCE_SHARED = "resource_shared"              # issue 6: the sharer
    RESOURCE_RATED = "resource_rated"                # issue 6: the rater, and the sharer
    HELP_REQUEST_RESOLVED = "help_request_resolved"  # issue 4: the helper
    TRACK_COMPLETED = "track_completed"              # issue 8: the learner
    MILESTONE_REACHED = "milestone_reached"          # issue 8: the learner


@dataclass(frozen=True)
class Context:
    """What a condition is asked about: a user, and the post the trigger concerns (if any).

    With ``post_id`` a condition may look at that post only (a vote on answer 12 can only change
    answer 12's badges); without it (a recompute) it must find every qualifying subject.
    """

    user_id: int
    post_id: int | None = None
    # Results that several rules of one evaluation share (e.g. the user's answer days for both
    # day-count badges), so the query runs once; not part of the context's identity.
    shared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Earned:
    """One qualifying subject: "" for once-only badges, "post:12" or "tag:excel" otherwise.

    ``post_id`` is the post that earned it (shown on the profile); ``reason_url`` where to look.
    """

    subject: str = ""
    post_id: int | None = None
    reason_url: str = ""


Condition = Callable[[Context], list[Earned]]  # in practice a frozen dataclass (conditions.py)


@dataclass(frozen=True)
class BadgeRule:
    slug: str
    name: str
    tier: Tier
    description: str
    triggers: tuple[Trigger, ...]
    condition: Condition
    repeatable: bool = False   # once per subject (a post, a tag) instead of once per user
    revocable: bool = False    # taken back when the condition stops holding (e.g. score drops)
