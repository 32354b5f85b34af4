"""Suspensions: a moderator stops a member from writing for a while; they can still log in and read.

Every write action calls permissions.require_active_account first, which reads the stored
suspension, so a suspension applies at once to the member's open sockets and sessions. Their
open pages learn it live from an ``account_updated`` event on their ``user:<id>`` channel (a
banner, composers disabled), and a notification says why and until when.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ..db import atomic
from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import User
from ..models.base import utcnow
from ..payloads import iso, user_url
from ..permissions import require_active_account, suspension_refusal
from ..realtime import channels
from ..realtime.events import record_event
from ..text.validation import check_moment, check_text, text_problem
from .audit import record_audit
from .notifications import notify

REASON_MAX = 500
SHORTEST = timedelta(hours=1)
LONGEST = timedelta(days=365)
# A suspension "until" a moment one hour away reaches the server a little later than it was
# written; that much slack keeps the one-hour minimum from refusing it.
_SLACK = timedelta(minutes=1)


def suspension_end(now: datetime, *, days: object = None, hours: object = None,
                   until: object = None) -> datetime:
    """When a suspension given as days, hours or an end time ends; 422 unless 1 hour..365 days."""
    given = [name for name, value in (("days", days), ("hours", hours), ("until", until))
             if value not in (None, "")]
    if len(given) != 1:
        raise ValidationFailed({"days": "give exactly one of days, hours or until"},
                               "Say how long: days, hours or an end time (until).")
    field = given[0]
    if field == "until":
        end = check_moment("until", until, naive_is_utc=True)
    else:
        amount = days if field == "days" else hours
        if isinstance(amount, bool) or not isinstance(amount, int | float) or amount != amount:
            raise ValidationFailed({field: "must be a number"})
        if abs(amount) > 1_000_000:
            raise ValidationFailed({field: "must be at most 365 days"})
        end = now + (timedelta(days=amount) if field == "days" else timedelta(hours=amount))
    if end - now < SHORTEST - _SLACK or end - now > LONGEST + _SLACK:
        raise ValidationFailed({field: "must make the suspension last between 1 hour and 365 days"})
    return end


def suspend_user(actor: User, username: object, *, reason: object, days: object = None,
                 hours: object = None, until: object = None) -> User:
    """Suspend a member (or, for admins, a moderator) with a reason; replaces a running suspension."""
    require_active_account(actor)
    now = utcnow()
    with atomic():
        target = _locked_target(actor, username)
        reason_text = check_text("reason", reason, min_len=1, max_len=REASON_MAX).strip()
        end = suspension_end(now, days=days, hours=hours, until=until)
        before = iso(target.suspended_until) if target.is_suspended else None
        target.suspended_until, target.suspension_reason = end, reason_text
        record_audit(actor, "user.suspend", "user", target.id, label=target.username, reason=reason_text,
                     details={"until": iso(end), "previous_until": before})
        notify([target.id], "account_suspended", actor,
               f"Suspended until {end:%Y-%m-%d %H:%M} UTC: {reason_text}", user_url(target.username))
        _announce(target)
    return target


def lift_suspension(actor: User, username: object) -> User:
    """End a suspension now. Lifting when there is none changes nothing (and logs nothing)."""
    require_active_account(actor)
    with atomic():
        target = _locked_target(actor, username)
        if not target.is_suspended:
            return target
        before = iso(target.suspended_until)
        target.suspended_until, target.suspension_reason = None, ""
        record_audit(actor, "user.unsuspend", "user", target.id, label=target.username,
                     details={"previous_until": before})
        notify([target.id], "suspension_lifted", actor, "You can post again.", user_url(target.username))
        _announce(target)
    return target


def _locked_target(actor: User, username: object) -> User:
    """The user to act on, row-locked (two moderators acting at once queue), after the rules."""
    target = None
    if isinstance(username, str) and len(username) <= 30 and not text_problem(username):
        target = db.session.scalar(select(User).where(User.username_key == username.lower())
                                   .with_for_update())
    if target is None:
        raise NotFound("No such user.")
    refusal = suspension_refusal(db.session.get(User, actor.id), target)
    if refusal:
        raise Forbidden(refusal)
    return target


def _announce(target: User) -> None:
    """Tell the member's open pages at once: a banner appears, composers are disabled."""
    record_event(channels.user(target.id), "account_updated",
                 {"suspended_until": iso(target.suspended_until) if target.suspended_until else None,
                  "reason": target.suspension_reason or None, "role": target.role},
                 subject=f"user:{target.id}")
