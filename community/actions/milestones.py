"""Milestones: a member's own measurable goals, reached by their activity or typed-in progress.

Only the owner changes a milestone; the colleagues it is shared with may read it (a write from
them is a 403, since they can see it); anyone else gets a 404, moderators included.

``reach_finished_milestones`` runs right after every activity that can count (asking, answering,
finishing a resource; see actions/progress.py). The one that reaches a target stamps ``reached_at``
with a conditional UPDATE (``WHERE reached_at IS NULL``), so two concurrent writes can never both
"reach" it: only the one whose UPDATE matched notifies the owner and evaluates the badge. Each of
those writes also records a ``milestone_progress`` event on the owner's ``user:<id>`` channel,
which the milestone pages listen to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from ..badges import Trigger
from ..db import atomic
from ..errors import Conflict, Forbidden, ValidationFailed
from ..extensions import db
from ..models import Milestone, MilestoneMetric, MilestoneShare, ResourceKind, Tag, User
from ..models.base import utcnow
from ..payloads.milestones import milestone_progress_payload, milestone_url
from ..permissions import require_active_account
from ..queries import milestones as queries
from ..realtime import channels
from ..realtime.events import record_event
from ..text.validation import check_moment, check_text, check_whole_number
from .badges import award_after_commit
from .notifications import notify
from .reminders import claim_reminder

TITLE_MIN, TITLE_MAX = 3, 200
TARGET_MIN, TARGET_MAX = 1, 1000
MANUAL_MAX = 1_000_000
MAX_SHARES = 20
METRICS = tuple(metric.value for metric in MilestoneMetric)
TAG_METRICS = (MilestoneMetric.ANSWERS.value, MilestoneMetric.QUESTIONS.value)
RESOURCE_KINDS = tuple(kind.value for kind in ResourceKind)
REMINDER_KIND = "milestone.due_tomorrow"
REMINDER_LEAD = timedelta(days=1)
# Fields that say what is measured: fixed once the milestone is reached (reached_at is for good).
MEASURE_FIELDS = ("metric", "tag", "resource_kind", "target", "starts_at", "due_at")


@dataclass(frozen=True)
class MilestoneDraft:
    title: str
    metric: str
    tag_id: int | None
    resource_kind: str | None
    target: int
    starts_at: datetime
    due_at: datetime | None


# --- validation --------------------------------------------------------------------------------


def _check_tag(value: object) -> int | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise ValidationFailed({"tag": "must be the name of an existing tag"})
    name = value.strip().lstrip("#").lower()
    tag_id = db.session.scalar(select(Tag.id).where(Tag.name == name)) if name else None
    if tag_id is None:
        raise ValidationFailed({"tag": f"“{value.strip()[:40]}” is not a tag on this site"})
    return tag_id


def _check_moment(field: str, value: object, naive_is_utc: bool) -> datetime:
    return check_moment(field, value, naive_is_utc=naive_is_utc).replace(microsecond=0)


class _Fields:
    """The submitted fields of a create (all of them) or a PATCH (missing ones keep ``base``),
    collecting every problem so a form can show them all at once."""

    def __init__(self, data: Mapping[str, Any], base: Milestone | None) -> None:
        self.data, self.base = data, base
        self.problems: dict[str, str] = {}

    def given(self, name: str) -> bool:
        return self.base is None or name in self.data

    def blank(self, name: str) -> bool:
        return self.data.get(name) in (None, "")

    def checked(self, name: str, check: Callable[[object], Any], fallback: Any) -> Any:
        if not self.given(name):
            return fallback
        try:
            return check(self.data.get(name))
        except ValidationFailed as failed:
            self.problems.update(failed.fields)
            return fallback


def _check_measure(f: _Fields) -> tuple[str, int | None, str | None]:
    """The metric and its filter; a filter the metric ignores would silently measure something
    else, so giving one is refused (a PATCH that only changes the metric drops the old one)."""
    base = f.base
    metric = f.data.get("metric") if f.given("metric") else base.metric
    if metric not in METRICS:
        f.problems["metric"] = "must be one of " + ", ".join(METRICS)
    tag_id = f.checked("tag", _check_tag, base.tag_id if base else None)
    kind = f.checked("resource_kind", _check_kind, base.resource_kind if base else None)
    if tag_id is not None and metric not in TAG_METRICS:
        if f.given("tag") and not f.blank("tag"):
            f.problems["tag"] = "only applies to the answers and questions metrics"
        tag_id = None
    if kind is not None and metric != MilestoneMetric.RESOURCES_FINISHED:
        if f.given("resource_kind") and not f.blank("resource_kind"):
            f.problems["resource_kind"] = "only applies to the resources_finished metric"
        kind = None
    return str(metric), tag_id, kind


def _check_kind(value: object) -> str | None:
    if value in (None, ""):
        return None
    if value not in RESOURCE_KINDS:
        raise ValidationFailed({"resource_kind": "must be one of " + ", ".join(RESOURCE_KINDS)})
    return str(value)


def _check_window(f: _Fields, naive_is_utc: bool, now: datetime) -> tuple[datetime, datetime | None]:
    base = f.base
    starts_at = base.starts_at if base else now  # exact: what came before creating it never counts
    if f.given("starts_at") and not f.blank("starts_at"):
        starts_at = f.checked("starts_at", lambda v: _check_moment("starts_at", v, naive_is_utc), starts_at)
    due_at = base.due_at if base else None
    if f.given("due_at"):
        due_at = None if f.blank("due_at") else f.checked(
            "due_at", lambda v: _check_moment("due_at", v, naive_is_utc), due_at)
        if due_at is not None and "due_at" not in f.problems:
            if due_at <= starts_at:
                f.problems["due_at"] = "must be after the start"
            elif due_at <= now:
                f.problems["due_at"] = "must be in the future"
    return starts_at, due_at


def check_milestone_fields(data: Mapping[str, Any], *, base: Milestone | None = None,
                           naive_is_utc: bool = False) -> MilestoneDraft:
    """Validated fields of a create or a PATCH; every problem at once in one ValidationFailed.

    ``naive_is_utc`` is for the HTML form, whose date fields carry no offset and are labelled UTC.
    """
    f = _Fields(data, base)
    title = f.checked("title", lambda v: check_text("title", v, min_len=TITLE_MIN, max_len=TITLE_MAX).strip(),
                      base.title if base else "")
    metric, tag_id, kind = _check_measure(f)
    target = f.checked("target",
                       lambda v: check_whole_number("target", v, TARGET_MIN, TARGET_MAX, from_text=True),
                       base.target if base else TARGET_MIN)
    starts_at, due_at = _check_window(f, naive_is_utc, utcnow())
    if f.problems:
        raise ValidationFailed(f.problems)
    return MilestoneDraft(title, metric, tag_id, kind, target, starts_at, due_at)


# --- reading for writes ------------------------------------------------------------------------


def _require_member(actor: User) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise Forbidden("Log in to keep milestones.")
    require_active_account(actor)


# --- writes ------------------------------------------------------------------------------------


def create_milestone(actor: User, data: Mapping[str, Any], *, naive_is_utc: bool = False) -> Milestone:
    """A new milestone of the actor's; reached at once if past activity in its window meets it."""
    _require_member(actor)
    draft = check_milestone_fields(data, naive_is_utc=naive_is_utc)
    with atomic():
        now = utcnow()
        milestone = Milestone(owner_id=actor.id, title=draft.title, metric=draft.metric,
                              tag_id=draft.tag_id, resource_kind=draft.resource_kind, target=draft.target,
                              manual_progress=0, starts_at=draft.starts_at, due_at=draft.due_at,
                              created_at=now, updated_at=now)
        db.session.add(milestone)
        db.session.flush()
        _settle([milestone])
    return milestone


def update_milestone(actor: User, milestone_id: object, data: Mapping[str, Any], *,
                     naive_is_utc: bool = False) -> Milestone:
    _require_member(actor)
    with atomic():
        milestone = queries.owned_milestone(actor, milestone_id)
        draft = check_milestone_fields(data, base=milestone, naive_is_utc=naive_is_utc)
        if milestone.reached_at is not None and _changes_measure(milestone, draft):
            raise Conflict("This milestone is already reached; only its title can change.",
                           code="milestone_reached")
        milestone.title, milestone.metric, milestone.tag_id = draft.title, draft.metric, draft.tag_id
        milestone.resource_kind, milestone.target = draft.resource_kind, draft.target
        milestone.starts_at, milestone.due_at = draft.starts_at, draft.due_at
        milestone.updated_at = utcnow()
        db.session.flush()
        _settle([milestone])
    return milestone


def _changes_measure(milestone: Milestone, draft: MilestoneDraft) -> bool:
    return (milestone.metric, milestone.tag_id, milestone.resource_kind, milestone.target,
            milestone.starts_at, milestone.due_at) != (draft.metric, draft.tag_id, draft.resource_kind,
                                                       draft.target, draft.starts_at, draft.due_at)


def delete_milestone(actor: User, milestone_id: object) -> None:
    _require_member(actor)
    with atomic():
        db.session.delete(queries.owned_milestone(actor, milestone_id))


def set_manual_progress(actor: User, milestone_id: object, value: object) -> Milestone:
    """The owner's own count for a ``manual`` milestone (409 for the automatic metrics, whose
    progress is counted from activity, and after the due date)."""
    _require_member(actor)
    with atomic():
        milestone = queries.owned_milestone(actor, milestone_id)
        if milestone.metric != MilestoneMetric.MANUAL:
            raise Conflict("Progress of this milestone is counted from your activity; only manual "
                           "milestones take a number.", code="not_manual")
        if milestone.due_at is not None and milestone.due_at < utcnow():
            raise Conflict("This milestone's due date has passed.", code="milestone_closed")
        milestone.manual_progress = check_whole_number("value", value, 0, MANUAL_MAX, from_text=True)
        milestone.updated_at = utcnow()
        db.session.flush()
        _settle([milestone])
    return milestone


def set_shares(actor: User, milestone_id: object, usernames: object) -> Milestone:
    """Share the milestone with exactly these colleagues (an empty list makes it private).
    Newly added colleagues are notified."""
    _require_member(actor)
    if not isinstance(usernames, list) or not all(isinstance(n, str) for n in usernames):
        raise ValidationFailed({"usernames": "must be a list of usernames"})
    keys = list(dict.fromkeys(name.strip().lstrip("@").lower() for name in usernames if name.strip()))
    if len(keys) > MAX_SHARES:
        raise ValidationFailed({"usernames": f"must name at most {MAX_SHARES} colleagues"})
    with atomic():
        milestone = queries.owned_milestone(actor, milestone_id)
        found = dict(db.session.execute(select(User.username_key, User.id)
                                        .where(User.username_key.in_(keys))).all()) if keys else {}
        unknown = [k for k in keys if k not in found]
        if unknown:
            raise ValidationFailed({"usernames": "no such user: " + ", ".join(unknown[:5])})
        if actor.id in found.values():
            raise ValidationFailed({"usernames": "must not include yourself"})
        wanted = set(found.values())
        current = {share.user_id for share in milestone.shares}
        for share in list(milestone.shares):
            if share.user_id not in wanted:
                milestone.shares.remove(share)
        now = utcnow()
        added = sorted(wanted - current)
        for user_id in added:
            milestone.shares.append(MilestoneShare(user_id=user_id, created_at=now))
        milestone.updated_at = now
        db.session.flush()
        notify(added, "milestone_shared", actor, milestone.title, milestone_url(milestone.id))
    db.session.refresh(milestone)
    return milestone


# --- reaching ----------------------------------------------------------------------------------


def reach_finished_milestones(user_id: int, metric: MilestoneMetric | None = None) -> list[Milestone]:
    """Stamp the user's milestones whose target their activity now meets; returns those reached.

    Call in an atomic() block (actions/progress.py does, after the activity). Only open milestones
    (started, not due, not reached, not manual; of ``metric`` when given) are looked at, in a
    fixed number of queries.
    """
    return _settle(queries.unreached_automatic(user_id, metric))


def _settle(milestones: list[Milestone]) -> list[Milestone]:
    """Stamp those whose progress meets the target; record the progress of each for live pages."""
    if not milestones:
        return []
    now = utcnow()
    newly = []
    for view in queries.milestone_views(milestones, now):
        milestone = view.milestone
        if queries.is_open(milestone, now) and view.progress >= milestone.target \
                and _stamp_reached(milestone, now):
            newly.append(milestone)
            view = replace(view, status=queries.status_of(milestone, now))
        _record_progress(view)
    return newly


def _stamp_reached(milestone: Milestone, now: datetime) -> bool:
    """Stamp it once; only the transaction whose UPDATE matched announces it."""
    stamped = db.session.execute(
        update(Milestone).where(Milestone.id == milestone.id, Milestone.reached_at.is_(None))
        .values(reached_at=now, updated_at=now).returning(Milestone.id)
        .execution_options(synchronize_session=False)).first()
    if stamped is None:
        return False
    db.session.refresh(milestone)
    notify([milestone.owner_id], "milestone_reached", None, milestone.title, milestone_url(milestone.id))
    award_after_commit(milestone.owner_id, Trigger.MILESTONE_REACHED)
    return True


def _record_progress(view: queries.MilestoneView) -> None:
    record_event(channels.user(view.milestone.owner_id), "milestone_progress",
                 milestone_progress_payload(view), subject=f"milestone:{view.milestone.id}")


# --- reminders (a scheduled job) ---------------------------------------------------------------


def send_due_reminders(now: datetime) -> int:
    """"Due tomorrow" to the owner of each unreached milestone due within a day; each is claimed
    first, so several processes running this at once send it once."""
    sent = 0
    for milestone_id in queries.unreached_due_within(now, REMINDER_LEAD):
        with atomic():
            milestone = db.session.get(Milestone, milestone_id)
            if milestone is None or milestone.reached_at is not None:
                continue
            if claim_reminder(REMINDER_KIND, milestone.id, milestone.owner_id):
                progress = queries.milestone_progress([milestone]).get(milestone.id, 0)
                sent += len(notify([milestone.owner_id], "milestone_due_soon", None,
                                   f"{milestone.title} ({progress} of {milestone.target}) is due tomorrow",
                                   milestone_url(milestone.id)))
    return sent
