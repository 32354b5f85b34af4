"""Turning a parsed SearchQuery into a Whoosh query: text clauses, a pair bonus, and filters.

Words are analyzed exactly like the indexed text (stemmed, stop words dropped), so "simulations"
finds "simulation". Filters (kind, access, tag:, user:, is:, score:, before:, after:) never add to
the score; they only restrict what matches.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from whoosh.matching import AndNotMatcher
from whoosh.query import (
    And,
    AndMaybe,
    AndNot,
    Every,
    NumericRange,
    Or,
    Phrase,
    Query,
    Term,
)
from whoosh.reading import IndexReader

from .documents import epoch_ms
from .query import Clause, SearchQuery
from .ranking import RankingParams
from .schema import PAIRS, PHRASE_FIELDS, PUBLIC, STEMMED

MAX_PREFIX_TERMS = 64  # a prefix* clause matches at most this many distinct indexed words


class _ExcludingMatcher(AndNotMatcher):
    """Whoosh's AndNotMatcher skips its first check when the excluded side starts on an earlier
    document, and so lets the first match through even when it is excluded; this one checks."""

    def _find_first(self) -> None:
        if self.a.is_active() and self.b.is_active():
            self._find_next()


class Excluding(AndNot):
    def matcher(self, searcher, context=None):
        return _ExcludingMatcher(self.a.matcher(searcher, context),
                                 self.b.matcher(searcher, searcher.boolean_context()))


def analyze(text: str) -> list[str]:
    return [token.text for token in STEMMED(text)]


def _prefix_terms(reader: IndexReader, field: str, prefix: str, budget: int) -> list[str]:
    found = []
    for raw in reader.expand_prefix(field, prefix):
        found.append(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
        if len(found) >= budget:
            break
    return found


def clause_query(clause: Clause, boosts: Mapping[str, float], reader: IndexReader) -> Query | None:
    """What one word or phrase matches in any of the text fields (None if it has no words)."""
    tokens = analyze(clause.text)
    if not tokens:
        return None
    if clause.prefix:  # indexed words are stems: try the typed prefix and its stem
        starts = {clause.text.lower(), tokens[0]}
        terms = [Term(f, t, boost=b) for f, b in boosts.items()
                 for t in dict.fromkeys(t for s in starts
                                        for t in _prefix_terms(reader, f, s, MAX_PREFIX_TERMS))]
        return Or(terms) if terms else None
    if len(tokens) == 1:
        return Or([Term(f, tokens[0], boost=b) for f, b in boosts.items()])
    return Or([Phrase(f, tokens, boost=b) for f, b in boosts.items() if f in PHRASE_FIELDS])


def pair_terms(clauses: Iterable[Clause], boost: float) -> list[Query]:
    words = " ".join(c.text for c in clauses if not c.phrase and not c.prefix)
    pairs = dict.fromkeys(t.text for t in PAIRS(words) if " " in t.text)
    return [Term("pairs", pair, boost=boost) for pair in pairs] if boost else []


def _day_start(day: date) -> int:
    return epoch_ms(datetime(day.year, day.month, day.day, tzinfo=UTC))


def filter_queries(query: SearchQuery, kinds: Iterable[str], question_only: bool) -> list[Query]:
    people = "author" if question_only else "people"
    filters: list[Query] = [Or([Term("kind", kind) for kind in sorted(kinds)]),
                            Term("access", PUBLIC)]
    filters += [Term("tags", tag) for tag in query.tags]
    if query.users:
        filters.append(Or([Term(people, user) for user in query.users]))
    if query.solved is not None:
        filters.append(Term("solved", query.solved))
    if query.min_votes is not None:
        filters.append(NumericRange("votes", query.min_votes, None))
    if query.after or query.before:
        start = _day_start(query.after) if query.after else None
        end = _day_start(query.before) if query.before else None
        filters.append(NumericRange("created", start, end, endexcl=True))
    return filters


def exclusion_queries(query: SearchQuery, boosts: Mapping[str, float],
                      reader: IndexReader) -> list[Query]:
    excluded = [clause_query(c, boosts, reader) for c in query.clauses if c.negated]
    excluded += [Term("tags", tag) for tag in query.excluded_tags]
    excluded += [Term("people", user) for user in query.excluded_users]
    return [q for q in excluded if q is not None]


@dataclass(frozen=True)
class Compiled:
    query: Query  # what is scored: the words (and exclusions)
    filter: Query  # what restricts without scoring: kind, access and the operators
    terms: frozenset[str]  # analyzed words to highlight
    word_clauses: int  # how many words/phrases are searched for (0: filters only)


COMMON_SHARE = 0.25  # in "any word" mode, words in more documents than this are left out


def _informative(cores: list[tuple[Clause, Query]], reader: IndexReader) -> list[Query]:
    """Leave out words nearly every document has: they barely move BM25 scores but make an
    any-word query score most of the index. The rarest word is always kept."""
    limit = max(50, COMMON_SHARE * reader.doc_count())

    def frequency(clause: Clause) -> int:
        tokens = analyze(clause.text)
        if clause.phrase or clause.prefix or len(tokens) != 1:
            return 0
        return max(reader.doc_frequency(field, tokens[0]) for field in ("title", "body"))

    scored = sorted(((frequency(c), q) for c, q in cores), key=lambda pair: pair[0])
    return [q for n, (df, q) in enumerate(scored) if n == 0 or df <= limit]


def compile_query(query: SearchQuery, kinds: Iterable[str], params: RankingParams,
                  reader: IndexReader, *, match_all: bool, question_only: bool = False) -> Compiled:
    boosts = dict(params.field_boosts)
    if question_only:
        boosts.pop("answers", None)
    positive = list(query.words)
    cores = [(c, q) for c in positive if (q := clause_query(c, boosts, reader)) is not None]
    pairs = pair_terms(positive, params.pair_boost)
    if not cores:
        text: Query = Every()
    elif match_all:
        text = And([q for _c, q in cores]) if len(cores) > 1 else cores[0][1]
        text = AndMaybe(text, Or(pairs)) if pairs else text
    else:
        text = Or(_informative(cores, reader) + pairs)
    excluded = exclusion_queries(query, boosts, reader)
    if excluded:
        text = Excluding(text, Or(excluded))
    terms = frozenset(t for c in positive for t in analyze(c.text))
    return Compiled(text, And(filter_queries(query, kinds, question_only)), terms, len(cores))
