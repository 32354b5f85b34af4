"""Ranking: BM25F over several fields with query-time boosts, times a prior for the vote score.

The parameters were tuned on half of the relevance set in /work/shared/data/relevance (title-only
queries for "similar questions") and checked on the other half; see bench/relevance.py and
bench/RESULTS.md. The prior multiplies each matching term's score, so Whoosh's block-quality
skipping (which finds the top hits without scoring every match) keeps working.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from whoosh.collectors import TimeLimit, WrappingCollector
from whoosh.scoring import BM25F, BM25FScorer

from .schema import SIBLING_FIELDS

MAX_PRIOR_VOTES = 1000  # the prior stops growing here, which bounds it for block skipping


@dataclass(frozen=True)
class RankingParams:
    # Tuned with `python -m bench.relevance --tune` (coordinate ascent on the even query ids).
    field_boosts: dict[str, float] = field(default_factory=lambda: {
        "title": 1.5, "body": 1.0, "answers": 1.0, "tag_words": 1.0, "links": 0.5})
    pair_boost: float = 0.5  # shared adjacent word pairs (title and link texts)
    vote_prior: float = 0.3  # score * (1 + vote_prior * log(1 + votes))
    k1: float = 0.9
    b: float = 0.6

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
        self._votes = searcher.reader().column_reader("votes")
        self._prior = params.prior
        self._max_prior = params.max_prior
        self._maxquality *= self._max_prior

    def score(self, matcher):
        docnum = matcher.id()
        return self._score(matcher.weight(), self.dfl(docnum)) * self._prior(self._votes[docnum])

    def block_quality(self, matcher):
        return super().block_quality(matcher) * self._max_prior


class CommunityWeighting(BM25F):
    def __init__(self, params: RankingParams = DEFAULT_RANKING) -> None:
        super().__init__(B=params.b, K1=params.k1)
        self.params = params

    def idf(self, searcher, fieldname, text):
        parent = searcher.get_parent()
        frequency = parent.doc_frequency(fieldname, text)
        sibling = SIBLING_FIELDS.get(fieldname)
        if sibling is not None:
            frequency += parent.doc_frequency(sibling, text)
        return math.log(parent.doc_count_all() / (frequency + 1)) + 1

    def scorer(self, searcher, fieldname, text, qf=1):
        schema_field = searcher.schema[fieldname]
        if not schema_field.scorable or not searcher.reader().has_column("votes"):
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
