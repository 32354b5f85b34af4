"""Learning progress that follows from community activity.

Asking, answering and finishing a resource call ``after_activity``. The progress is settled right
after their transaction commits (a follow-up, off the path of the write's live update) and before
the action returns, so the answer that completes a track's last step or reaches a milestone also
stamps it, notifies the member and awards the badge; the stamps are conditional updates, so each
happens exactly once however many writes race.
"""

from __future__ import annotations

from ..db import follow_up


def after_activity(user_id: int) -> None:
    follow_up(settle_progress, user_id)


def settle_progress(user_id: int) -> None:
    from . import milestones, tracks

    tracks.complete_finished_tracks(user_id)
    milestones.reach_finished_milestones(user_id)
