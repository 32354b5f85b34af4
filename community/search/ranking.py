"""Ranking: BM25F over several fields with query-time boosts, times a prior (a post's vote score,
a resource's rating) and a weight for the kind of document (chat messages count for less than
posts).

The parameters were tuned on half of the relevance set in /work/shared/data/relevance (title-only
queries for "similar questions") and checked on the other half; see bench/relevance.py and
bench/RESULTS.md. The prior multiplies each matching term's score, so Whoosh's block-quality
skipping (which finds the top hits without scoring every match) keeps working. The kind weight
multiplies every term score of a kind's fields the same way (each kind has its own fields).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from whoosh.collectors import TimeLimit, WrappingCollector
from whoosh.scoring import BM25F, BM25FScorer

from .schema import SIBLING_FIELDS, kind_of_field

MAX_PRIOR_VOTES = 1000  # the prior stops growing here, which bounds it for block skipping
MIDDLE_STARS = 3  # a resource rated this (or not rated at all) gets a neutral prior of 1.0


@dataclass(frozen=True)
class RankingParams:
    # Tuned with `python -m bench.relevance --tune` (coordinate ascent on the even query ids).
    field_boosts: dict[str, float] = field(default_factory=lambda: {
        "title": 1.5, "body": 1.0, "answers": 1.0, "tag_words": 1.0, "links": 0.5,
        # Not tuned (the relevance set has no resources): text someone else wrote counts for
        # less than the document's own. ``page`` is a resource's fetched page, under its sharer's
        # title and description; ``linked_resources`` what a thread's posts link, under its answers.
        "page": 0.4, "linked_resources": 0.3})
    pair_boost: float = 0.5  # shared adjacent word pairs (title and link texts)
    vote_prior: float = 0.3  # score * (1 + vote_prior * log(1 + votes))
    k1: float = 0.9
    b: float = 0.6
    # A chat message is one line of a conversation, not a worked answer: it scores half of what a
    # post matching as well would (a post's prior is 1.0 at 0 votes and grows with votes), so room
    # chatter doesn't swamp the threads in type=all. Posts' scores are unchanged by it.
    kind_weights: dict[str, float] = field(default_factory=lambda: {"room": 0.5})
    # A resource's prior comes from the Bayesian average of its ratings (the library's "top"
    # order): score * (1 + rating_prior * (stars - 3)), from 0.8 (rated 1) to 1.2 (rated 5), 1.0
    # unrated. A well-rated resource beats a poorly rated one that matches as well, yet even a
    # top-rated one stays below a post with a single upvote (prior 1.21) that matches as well.
    rating_prior: float = 0.1

    def kind_weight(self, kind: str) -> float:
        return self.kind_weights.get(kind, 1.0)

    def resource_prior(self, rating_hundredths: int) -> float:
        stars = min(max(rating_hundredths / 100, 1.0), 5.0)
        return 1.0 + self.rating_prior * (stars - MIDDLE_STARS)

    def prior_of_kind(self, kind: str) -> tuple[str, Callable[[int], float], float]:
        """The column a kind's prior reads, the prior of a value of it, and the largest prior."""
        if kind == "resource":
            return "rating", self.resource_prior, self.resource_prior(500)
        return "votes", self.prior, self.max_prior

    def prior(self, votes: int) -> float:
        if votes >= 0:
            return 1.0 + self.vote_prior * math.log1p(min(votes, MAX_PRIOR_VOTES))
        return 1.0 / (1.0 + self.vote_prior * math.log1p(min(-votes, MAX_PRIOR_VOTES)))

    @property
    def max_prior(self) -> float:
        return self.prior(MAX_PRIOR_VOTES)


DEFAULT_RANKING = RankingParams()


class _PriorScorer(BM25FScorer):
    def __init__(self, searcher, fieldname, text, params: RankingParams, qf=1):
        super().__init__(searcher, fieldname, text, params.b, params.k1, qf=qf)
        kind = kind_of_field(fieldname)
        column, self._prior, max_prior = params.prior_of_kind(kind)
        self._values = searcher.reader().column_reader(column)
        self._kind_weight = params.kind_weight(kind)
        self._max_prior = max_prior * self._kind_weight
        self._maxquality *= self._max_prior

    def score(self, matcher):
        docnum = matcher.id()
        return (self._score(matcher.weight(), self.dfl(docnum)) * self._prior(self._values[docnum])
                * self._kind_weight)

    def block_quality(self, matcher):
        return super().block_quality(matcher) * self._max_prior


class CommunityWeighting(BM25F):
    def __init__(self, params: RankingParams = DEFAULT_RANKING) -> None:
        super().__init__(B=params.b, K1=params.k1)
        self.params = params

    def idf(self, searcher, fieldname, text):
        parent = searcher.get_parent()
        frequency = parent.doc_frequency(fieldname, text)
        for sibling in SIBLING_FIELDS.get(fieldname, ()):
            frequency += parent.doc_frequency(sibling, text)
        return math.log(parent.doc_count_all() / (frequency + 1)) + 1

    def scorer(self, searcher, fieldname, text, qf=1):
        schema_field = searcher.schema[fieldname]
        column, _prior, _max = self.params.prior_of_kind(kind_of_field(fieldname))
        if not schema_field.scorable or not searcher.reader().has_column(column):
            return super().scorer(searcher, fieldname, text, qf)
        return _PriorScorer(searcher, fieldname, text, self.params, qf=qf)


class DeadlineCollector(WrappingCollector):
    """Stops the search once ``seconds`` have passed (TimeLimit; partial results stay available).

    Checks the clock every few hundred matches instead of using signals or timer threads, so it
    works in request threads and under gevent alike. It wraps the scoring collector from the
    inside (a FilterCollector may wrap it), so filters still apply.
    """

    def __init__(self, child, seconds: float) -> None:
        super().__init__(child)
        self.deadline = time.monotonic() + seconds

    def computes_count(self) -> bool:
        return self.child.computes_count()

    def matches(self):
        deadline = self.deadline
        for count, sub_docnum in enumerate(self.child.matches()):
            if count & 255 == 0 and time.monotonic() > deadline:
                raise TimeLimit
            yield sub_docnum


__all__ = ["DEFAULT_RANKING", "CommunityWeighting", "DeadlineCollector", "RankingParams", "TimeLimit"]
