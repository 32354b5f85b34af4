"""Learning progress that follows from community activity.

Asking, answering and finishing a resource call ``after_activity`` inside their own transaction,
so the write that completes a track's last step or reaches a milestone also stamps it, notifies
the member and awards the badge, exactly once.
"""

from __future__ import annotations


def after_activity(user_id: int) -> None:
    from . import milestones, tracks

    tracks.complete_finished_tracks(user_id)
    milestones.reach_finished_milestones(user_id)
