"""Awarding badges: evaluate the rules of community/badges/ right after the write that earned them.

Actions call ``award_after_commit(user_id, Trigger.X, post_id=...)``: the rules are evaluated in a
transaction of its own right after the vote, answer or acceptance commits and its live event has
gone out (a follow-up, as Discourse grants badges in a job), and before the action returns; they
see the write committed. A crash in between loses no write, only the award, which the next
trigger or ``community badges recompute`` gives. Awards are rows with a unique
(user, badge, subject) key and are inserted with ON CONFLICT DO NOTHING, so two transactions
evaluating the same rule at once can never award it twice, and evaluations for one user take
turns (``_one_evaluation_at_a_time``). Each new award stores a ``badge_awarded`` notification and
publishes a ``badge_awarded`` event to ``user:<id>`` only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select, text, update

from ..badges import RULES, BadgeRule, Context, Earned, Trigger, rules_for
from ..db import atomic, follow_up, insert_ignoring_conflicts
from ..extensions import db
from ..models import BadgeAward
from ..models.base import utcnow
from ..payloads import award_payload
from ..realtime import channels
from ..realtime.events import record_event
from .notifications import notify

BADGE_LOCK_SPACE = 0x62646765  # "bdge": the first key of the per-user evaluation lock


@dataclass
class Outcome:
    awarded: list[BadgeAward] = field(default_factory=list)
    revoked: list[BadgeAward] = field(default_factory=list)


def award_for(user_id: int, trigger: Trigger, *, post_id: int | None = None) -> list[BadgeAward]:
    """Evaluate every rule ``trigger`` may change for this user; returns the new awards.

    ``post_id`` is the post the trigger concerns (the answer voted on, the answer accepted): rules
    about single posts then look at that post only. Call it in an atomic() block.
    """
    return _evaluate(user_id, rules_for(trigger), Context(user_id, post_id)).awarded


def award_after_commit(user_id: int, trigger: Trigger, *, post_id: int | None = None) -> None:
    """award_for(), run as a follow-up of the current transaction (see the module docstring)."""
    follow_up(award_for, user_id, trigger, post_id=post_id)


def recompute_badges(user_id: int) -> Outcome:
    """Re-evaluate every rule for one user (the CLI backfill): award what is missing and take
    back revocable awards that no longer qualify. Running it again changes nothing."""
    with atomic():
        return _evaluate(user_id, RULES, Context(user_id))


def _evaluate(user_id: int, rules: Iterable[BadgeRule], ctx: Context) -> Outcome:
    _one_evaluation_at_a_time(user_id)
    rules = list(rules)
    held = _held_subjects(user_id, [rule.slug for rule in rules])
    outcome = Outcome()
    for rule in rules:
        mine = held.get(rule.slug, set())
        if "" in mine and not rule.repeatable and not rule.revocable:
            continue  # earned for good; nothing can change it
        earned = rule.condition(ctx)
        for item in earned:
            if item.subject not in mine and (award := _grant(user_id, rule, item)) is not None:
                outcome.awarded.append(award)
        if rule.revocable:
            gone = {s for s in mine if _in_scope(s, ctx)} - {item.subject for item in earned}
            outcome.revoked += _revoke(user_id, rule, gone)
    return outcome


def _one_evaluation_at_a_time(user_id: int) -> None:
    """Two follow-ups of racing votes must not both judge from the awards held before either
    committed (PostgreSQL; SQLite writers queue anyway). A transaction-scoped advisory lock of its
    own, not the user's row: row locks here would invert the order the vote takes them in (post,
    then users) and deadlock; nothing else takes this lock, and evaluations take it first."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:space, :user_id)"),
                           {"space": BADGE_LOCK_SPACE, "user_id": user_id})


def _in_scope(subject: str, ctx: Context) -> bool:
    """With a post in context only that post's award (and once-only awards) can be re-judged."""
    return ctx.post_id is None or subject in ("", f"post:{ctx.post_id}")


def _held_subjects(user_id: int, slugs: list[str]) -> dict[str, set[str]]:
    rows = db.session.execute(
        select(BadgeAward.badge_slug, BadgeAward.subject)
        .where(BadgeAward.user_id == user_id, BadgeAward.badge_slug.in_(slugs),
               BadgeAward.revoked_at.is_(None)))
    held: dict[str, set[str]] = {}
    for slug, subject in rows:
        held.setdefault(slug, set()).add(subject)
    return held


def _grant(user_id: int, rule: BadgeRule, item: Earned) -> BadgeAward | None:
    """Insert the award (or restore a revoked one); None when another transaction has it."""
    now = utcnow()
    values = {"post_id": item.post_id, "reason_url": item.reason_url[:300], "awarded_at": now}
    key = {"user_id": user_id, "badge_slug": rule.slug, "subject": item.subject}
    inserted = insert_ignoring_conflicts(BadgeAward.__table__,
                                         [{**key, **values, "revoked_at": None}])
    if not inserted:
        restored = db.session.execute(
            update(BadgeAward).where(*(getattr(BadgeAward, k) == v for k, v in key.items()),
                                     BadgeAward.revoked_at.is_not(None))
            .values(revoked_at=None, **values).returning(BadgeAward.id)
            .execution_options(synchronize_session=False)).first()
        if restored is None:
            return None
    award = db.session.scalar(
        select(BadgeAward).where(*(getattr(BadgeAward, k) == v for k, v in key.items()))
        .execution_options(populate_existing=True))
    _announce(award, rule)
    return award


def _announce(award: BadgeAward, rule: BadgeRule) -> None:
    payload = award_payload(award, rule)
    notify([award.user_id], "badge_awarded", None, rule.name, f"/badges/{rule.slug}", award.post_id)
    record_event(channels.user(award.user_id), "badge_awarded", payload,
                 subject=f"badge:{rule.slug}")


def _revoke(user_id: int, rule: BadgeRule, subjects: set[str]) -> list[BadgeAward]:
    if not subjects:
        return []
    ids = db.session.scalars(
        update(BadgeAward).where(BadgeAward.user_id == user_id, BadgeAward.badge_slug == rule.slug,
                                 BadgeAward.subject.in_(sorted(subjects)),
                                 BadgeAward.revoked_at.is_(None))
        .values(revoked_at=utcnow()).returning(BadgeAward.id)
        .execution_options(synchronize_session=False)).all()
    revoked = list(db.session.scalars(select(BadgeAward).where(BadgeAward.id.in_(ids))
                                      .execution_options(populate_existing=True)))
    for award in revoked:
        record_event(channels.user(user_id), "badge_revoked", award_payload(award, rule),
                     subject=f"badge:{rule.slug}")
    return revoked
