"""What a profile shows about recognition: badges, kudos, the reputation graph, privileges."""

from __future__ import annotations

from dataclasses import dataclass

from ...models import Kudos, User
from ...models.base import utcnow
from ...permissions import Privilege, next_privilege, privileges_ladder
from ...queries.badges import BadgeSummary, summarize, tier_counts, user_awards
from ...queries.kudos import list_kudos
from ...queries.paging import Page
from ...queries.reputation import reputation_history
from .charts import Chart, reputation_chart

RECENT_KUDOS = 3


@dataclass(frozen=True)
class ProfileRecognition:
    badges: list[BadgeSummary]
    tiers: dict[str, int]
    kudos: list[Kudos]
    kudos_count: int
    chart: Chart
    accept_rate: int | None          # percent of answers accepted; None without answers
    next_privilege: Privilege | None  # only on your own profile
    ladder: list[Privilege]           # only on your own profile


def profile_recognition(user: User, viewer: User, stats: dict) -> ProfileRecognition:
    awards, _ = user_awards(user)
    kudos, kudos_count = list_kudos(Page(1, RECENT_KUDOS), to=user)
    answers = int(stats["answer_count"])
    own = bool(viewer.is_authenticated) and viewer.id == user.id
    return ProfileRecognition(
        badges=summarize(awards), tiers=tier_counts(awards), kudos=kudos, kudos_count=kudos_count,
        chart=reputation_chart(reputation_history(user), utcnow()),
        accept_rate=round(100 * int(stats["accepted_count"]) / answers) if answers else None,
        next_privilege=next_privilege(user) if own else None,
        ladder=privileges_ladder() if own else [],
    )
