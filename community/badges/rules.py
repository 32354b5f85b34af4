"""Every badge, as data. Add a badge by adding a rule here; `community badges recompute` backfills it.

A rule names the triggers that may change its outcome and a condition (a query) that says which
subjects the user qualifies for.
"""

from __future__ import annotations

from datetime import timedelta

from ..models import PostType
from . import conditions as c
from .base import BadgeRule, Tier, Trigger

LIFELINE_WAIT = timedelta(days=1)
LIFELINE_TAG = "stuck"
FAST_HELPER_WITHIN = timedelta(minutes=30)

_Q, _A = PostType.QUESTION, PostType.ANSWER
_VOTED = (Trigger.VOTE_RECEIVED,)
_ACCEPTED = (Trigger.ANSWER_ACCEPTED,)

RULES: tuple[BadgeRule, ...] = (
    # --- asking and answering --------------------------------------------------------------
    BadgeRule("first-question", "First Question", Tier.BRONZE, "Asked your first question.",
              (Trigger.QUESTION_ASKED,), c.PostCount(_Q, 1)),
    BadgeRule("first-answer", "First Answer", Tier.BRONZE, "Answered a colleague's question.",
              (Trigger.ANSWER_POSTED,), c.PostCount(_A, 1)),
    BadgeRule("first-accepted-answer", "Problem Solver", Tier.BRONZE,
              "Had an answer accepted for the first time.", _ACCEPTED, c.AcceptedCount(1)),
    BadgeRule("scholar", "Scholar", Tier.BRONZE,
              "Accepted a colleague's answer to your question.",
              (Trigger.ACCEPT_GIVEN,), c.AcceptsGiven(1)),
    BadgeRule("supporter", "Supporter", Tier.BRONZE, "Upvoted a colleague's post.",
              (Trigger.VOTE_CAST,), c.UpvotesCast(1)),
    # --- scores (repeatable, one per post) -------------------------------------------------
    BadgeRule("nice-answer", "Nice Answer", Tier.BRONZE,
              "An answer with a score of 5 or more (taken back if the score falls below 5).",
              _VOTED, c.PostScore(_A, 5), repeatable=True, revocable=True),
    BadgeRule("good-answer", "Good Answer", Tier.SILVER, "An answer with a score of 10 or more.",
              _VOTED, c.PostScore(_A, 10), repeatable=True),
    BadgeRule("great-answer", "Great Answer", Tier.GOLD, "An answer with a score of 25 or more.",
              _VOTED, c.PostScore(_A, 25), repeatable=True),
    BadgeRule("nice-question", "Nice Question", Tier.BRONZE,
              "A question with a score of 5 or more (taken back if the score falls below 5).",
              _VOTED, c.PostScore(_Q, 5), repeatable=True, revocable=True),
    BadgeRule("good-question", "Good Question", Tier.SILVER, "A question with a score of 10 or more.",
              _VOTED, c.PostScore(_Q, 10), repeatable=True),
    # --- helping ---------------------------------------------------------------------------
    BadgeRule("helpful", "Helpful", Tier.BRONZE, "5 answers accepted by colleagues.",
              _ACCEPTED, c.AcceptedCount(5)),
    BadgeRule("go-to-colleague", "Go-to Colleague", Tier.SILVER, "25 answers accepted by colleagues.",
              _ACCEPTED, c.AcceptedCount(25)),
    BadgeRule("pillar", "Pillar of the Community", Tier.GOLD, "100 answers accepted by colleagues.",
              _ACCEPTED, c.AcceptedCount(100)),
    BadgeRule("lifeline", "Lifeline", Tier.SILVER,
              "Answer accepted on a question that had waited more than a day, or was tagged "
              f"“{LIFELINE_TAG}”.", _ACCEPTED, c.AcceptedAfterWait(LIFELINE_WAIT, LIFELINE_TAG)),
    BadgeRule("fast-helper", "Fast Helper", Tier.BRONZE,
              "Answer accepted that came within 30 minutes of the question.",
              _ACCEPTED, c.AcceptedWithin(FAST_HELPER_WITHIN)),
    BadgeRule("steady-helper", "Steady Helper", Tier.BRONZE, "Answered questions on 5 different days.",
              (Trigger.ANSWER_POSTED,), c.AnswerDays(5)),
    BadgeRule("dedicated-helper", "Dedicated Helper", Tier.SILVER,
              "Answered questions on 30 different days.", (Trigger.ANSWER_POSTED,), c.AnswerDays(30)),
    BadgeRule("tag-regular", "Tag Regular", Tier.BRONZE,
              "Answers with a total score of 10 or more in one tag.",
              _VOTED, c.TagAnswerScore(10), repeatable=True),
    BadgeRule("tag-expert", "Tag Expert", Tier.SILVER,
              "Answers with a total score of 40 or more in one tag.",
              _VOTED, c.TagAnswerScore(40), repeatable=True),
    # --- kudos -----------------------------------------------------------------------------
    BadgeRule("appreciated", "Appreciated", Tier.BRONZE, "Received kudos from a colleague.",
              (Trigger.KUDOS_RECEIVED,), c.KudosReceived(1)),
    BadgeRule("mentor", "Mentor", Tier.SILVER, "Received kudos from 10 different colleagues.",
              (Trigger.KUDOS_RECEIVED,), c.KudosReceived(10)),
    BadgeRule("grateful", "Grateful", Tier.BRONZE, "Thanked 3 different colleagues with kudos.",
              (Trigger.KUDOS_GIVEN,), c.KudosGiven(3)),
    # --- live help rooms (issue 4): resolving a request calls award_for(helper, HELP_REQUEST_RESOLVED)
    BadgeRule("first-rescue", "First Rescue", Tier.BRONZE,
              "Claimed and resolved a help request in a live help room.",
              (Trigger.HELP_REQUEST_RESOLVED,), c.HelpRequestsResolved(1)),
    BadgeRule("live-helper", "Live Helper", Tier.SILVER,
              "Claimed and resolved 10 help requests in live help rooms.",
              (Trigger.HELP_REQUEST_RESOLVED,), c.HelpRequestsResolved(10)),
    # --- the resource library (issue 6): sharing and rating call award_for
    BadgeRule("curator", "Curator", Tier.SILVER,
              "Shared 5 resources that each have an average rating of 4 stars or more from at "
              "least 3 colleagues.", (Trigger.RESOURCE_SHARED, Trigger.RESOURCE_RATED),
              c.WellRatedResources(5, min_ratings=3, min_average=4)),
    BadgeRule("reviewer", "Reviewer", Tier.BRONZE, "Rated 10 shared resources.",
              (Trigger.RESOURCE_RATED,), c.ResourcesRated(10)),
    # --- later features (declared now; their actions will call award_for with these triggers)
    BadgeRule("track-finisher", "Track Finisher", Tier.SILVER, "Completed a learning track.",
              (Trigger.TRACK_COMPLETED,), c.TracksCompleted(), repeatable=True),
    BadgeRule("milestone-reached", "Goal Getter", Tier.BRONZE, "Reached one of your own milestones.",
              (Trigger.MILESTONE_REACHED,), c.MilestonesReached(1)),
)

RULES_BY_SLUG: dict[str, BadgeRule] = {rule.slug: rule for rule in RULES}
assert len(RULES_BY_SLUG) == len(RULES), "badge slugs must be unique"


def rules_for(trigger: Trigger) -> list[BadgeRule]:
    return [rule for rule in RULES if trigger in rule.triggers]
