"""Learning progress that follows from community activity.

Asking, answering and finishing a resource call ``after_activity`` with what the member did. The
progress is settled right after their transaction commits (a follow-up, off the path of the
write's live update) and before the action returns, so the answer that completes a track's last
step or reaches a milestone also stamps it, notifies the member and awards the badge; the stamps
are conditional updates, so each happens exactly once however many writes race. Only the tracks
with a step of that kind and the milestones measuring it are looked at (and get a progress event).
"""

from __future__ import annotations

import enum

from ..db import follow_up
from ..models import MilestoneMetric, StepKind


class Activity(enum.Enum):
    """What a member did, as the track step kind and the milestone metric it can move."""

    QUESTION = (StepKind.ASK_IN_TAG, MilestoneMetric.QUESTIONS)
    ANSWER = (StepKind.ANSWER_IN_TAG, MilestoneMetric.ANSWERS)
    RESOURCE_FINISHED = (StepKind.RESOURCE, MilestoneMetric.RESOURCES_FINISHED)


def after_activity(user_id: int, activity: Activity) -> None:
    follow_up(settle_progress, user_id, activity)


def settle_progress(user_id: int, activity: Activity | None = None) -> None:
    """Complete tracks and reach milestones ``activity`` may have finished (None: every kind)."""
    from . import milestones, tracks

    step_kind, metric = activity.value if activity is not None else (None, None)
    tracks.complete_finished_tracks(user_id, step_kind)
    milestones.reach_finished_milestones(user_id, metric)
