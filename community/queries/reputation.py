"""A user's reputation over time, from the ledger (for the profile's graph)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import ReputationEntry, User

MAX_POINTS = 400


def reputation_history(user: User) -> list[tuple[datetime, int]]:
    """(moment, reputation) from joining (1) through every ledger change, oldest first.

    Long histories keep one point per UTC day (the day's last value), so the graph stays small;
    the last value is always the current reputation (1 + the sum of the ledger).
    """
    value = 1
    points: list[tuple[datetime, int]] = []
    rows = db.session.execute(select(ReputationEntry.created_at, ReputationEntry.delta)
                              .where(ReputationEntry.user_id == user.id)
                              .order_by(ReputationEntry.created_at, ReputationEntry.id))
    for created_at, delta in rows:
        value += delta
        points.append((created_at, value))
    if len(points) > MAX_POINTS:
        daily: dict[object, tuple[datetime, int]] = {}
        for moment, reached in points:
            daily[moment.date()] = (moment, reached)
        points = list(daily.values())
    start = min([user.created_at, *(moment for moment, _ in points[:1])])
    return [(start, 1), *points]
