"""Badge rules as data, evaluated inside the action's transaction.

The rules live in rules.py; the write side (inserting awards, notifying, publishing) is
community/actions/badges.py, whose ``award_for(user_id, trigger, post_id=...)`` every action calls.
"""

from .base import BadgeRule, Context, Earned, Tier, Trigger
from .rules import RULES, RULES_BY_SLUG, rules_for

__all__ = ["RULES", "RULES_BY_SLUG", "BadgeRule", "Context", "Earned", "Tier", "Trigger", "rules_for"]
