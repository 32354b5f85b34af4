"""Turning a parsed SearchQuery into a Whoosh query: text clauses, a pair bonus, and filters.

Words are analyzed exactly like the indexed text (stemmed, stop words dropped), so "simulations"
finds "simulation". Filters (kind, access, tag:, user:, is:, score:, before:, after:) never add to
the score; they only restrict what matches. Access: public documents, plus those whose ``access``
value the caller holds (``room:<slug>`` for each private room they are a member of).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from whoosh.matching import AndNotMatcher
from whoosh.query import (
    And,
    AndMaybe,
    AndNot,
    NumericRange,
    Or,
    Phrase,
    Query,
    Term,
)
from whoosh.reading import IndexReader

from .query import Clause, SearchQuery
from .ranking import RankingParams
from .schema import NAMESPACES, PAIRS, PHRASE_FIELDS, PUBLIC, SCHEMA, SECONDARY_TEXT, STEMMED, epoch_ms

MAX_PREFIX_TERMS = 10  # a prefix* clause matches the 10 most used words it begins
PREFIX_SCAN = 200  # of at most this many candidates per field


class _ExcludingMatcher(AndNotMatcher):
    """Whoosh's AndNotMatcher skips its first check when the excluded side starts on an earlier
    document (letting an excluded first match through), and reads past its end after skipping
    ahead by block quality; this one checks both."""

    def _find_first(self) -> None:
        self._find_next()

    def _find_next(self) -> bool:
        if not (self.a.is_active() and self.b.is_active()):
            return False
        return bool(super()._find_next())


class Excluding(AndNot):
    def matcher(self, searcher, context=None):
        return _ExcludingMatcher(self.a.matcher(searcher, context),
                                 self.b.matcher(searcher, searcher.boolean_context()))


def analyze(text: str) -> list[str]:
    return [token.text for token in STEMMED(text)]


def _prefix_terms(reader: IndexReader, fields: Iterable[str], starts: Iterable[str]) -> list[str]:
    """The most used indexed words beginning with one of ``starts`` (a bounded expansion)."""
    seen: dict[str, int] = {}
    for field in fields:
        for start in starts:
            for n, raw in enumerate(reader.expand_prefix(field, start)):
                if n >= PREFIX_SCAN:
                    break
                word = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                seen[word] = seen.get(word, 0) + reader.doc_frequency(field, word)
    return sorted(seen, key=lambda word: -seen[word])[:MAX_PREFIX_TERMS]


def kind_fields(kinds: Iterable[str], boosts: Mapping[str, float]) -> dict[str, float]:
    """The text fields (with their boosts) of these kinds of documents that exist in the schema."""
    found = {}
    for kind in sorted(kinds):
        for name, boost in boosts.items():
            field = NAMESPACES[kind] + name
            if boost and field in SCHEMA:
                found[field] = boost
    return found


def _base(field: str) -> str:
    return field.split("_", 1)[1] if field[:2] in ("a_", "r_", "m_") else field


def clause_query(clause: Clause, boosts: Mapping[str, float], reader: IndexReader) -> Query | None:
    """What one word or phrase matches in any of these text fields (None if it has no words)."""
    tokens = analyze(clause.text)
    if not tokens:
        return None
    if clause.prefix:  # indexed words are stems: try the typed prefix and its stem
        fields = {f: b for f, b in boosts.items() if _base(f) in PHRASE_FIELDS}
        words = _prefix_terms(reader, [f for f in fields if _base(f) not in SECONDARY_TEXT],
                              sorted({clause.text.lower(), tokens[0]}))
        return Or([Term(f, w, boost=b) for f, b in fields.items() for w in words]) if words else None
    if len(tokens) == 1:
        return Or([Term(f, tokens[0], boost=b) for f, b in boosts.items()])
    return Or([Phrase(f, tokens, boost=b) for f, b in boosts.items()
               if _base(f) in PHRASE_FIELDS])


def pair_terms(clauses: Iterable[Clause], kinds: Iterable[str], boost: float) -> list[Query]:
    words = " ".join(c.text for c in clauses if not c.phrase and not c.prefix)
    pairs = dict.fromkeys(t.text for t in PAIRS(words) if " " in t.text)
    fields = kind_fields(kinds, {"pairs": boost})
    return [Term(field, pair, boost=boost) for field in fields for pair in pairs]


def _day_start(day: date) -> int:
    return epoch_ms(datetime(day.year, day.month, day.day, tzinfo=UTC))


def access_query(access: Collection[str]) -> Query:
    """Public documents, and those of the access values in ``access``."""
    allowed = [PUBLIC, *sorted(set(access) - {PUBLIC})]
    return Or([Term("access", value) for value in allowed]) if len(allowed) > 1 \
        else Term("access", PUBLIC)


def filter_queries(query: SearchQuery, question_only: bool, reader: IndexReader,
                   access: Collection[str] = ()) -> list[Query]:
    """What restricts the matches without scoring (the text fields already choose the kinds)."""
    people = "author" if question_only else "people"
    filters: list[Query] = [Term("tags", tag) for tag in query.tags]
    if reader.doc_frequency("access", PUBLIC) < reader.doc_count_all():  # some are private
        filters.append(access_query(access))
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
    filter: Query | None  # what restricts without scoring: the operators (None: nothing)
    terms: frozenset[str]  # analyzed words to highlight
    word_clauses: int  # how many words/phrases are searched for (0: filters only)


# In "any word" mode on a large index, words in more than this share of the documents are left
# out: they barely move BM25 scores but make the query score most of the index. (Small indexes
# are fast anyway and keep every word: measured on the relevance set, that ranks a little better.)
COMMON_SHARE = 0.1
PRUNE_FROM_DOCS = 20_000
MAX_ANY_WORDS = 12  # an any-word query scores at most this many (the rarest) words


def _informative(cores: list[tuple[Clause, Query]], fields: Iterable[str],
                 reader: IndexReader) -> list[Query]:
    """The clauses worth scoring; the rarest word is always kept."""
    if reader.doc_count() < PRUNE_FROM_DOCS and len(cores) <= MAX_ANY_WORDS:
        return [q for _c, q in cores]
    limit = COMMON_SHARE * reader.doc_count() if reader.doc_count() >= PRUNE_FROM_DOCS else None
    fields = [f for f in fields if _base(f) in ("title", "body")]

    def frequency(clause: Clause) -> int:
        tokens = analyze(clause.text)
        if clause.phrase or clause.prefix or len(tokens) != 1:
            return 0
        return max(reader.doc_frequency(field, tokens[0]) for field in fields)

    scored = sorted(((frequency(c), q) for c, q in cores), key=lambda pair: pair[0])
    kept = [q for n, (df, q) in enumerate(scored) if n == 0 or limit is None or df <= limit]
    return kept[:MAX_ANY_WORDS]


def compile_query(query: SearchQuery, kinds: Iterable[str], params: RankingParams,
                  reader: IndexReader, *, match_all: bool, question_only: bool = False,
                  access: Collection[str] = ()) -> Compiled:
    boosts = dict(params.field_boosts)
    if question_only:  # the question's own text: not its answers, nor what the thread links
        boosts.pop("answers", None)
        boosts.pop("linked_resources", None)
    fields = kind_fields(kinds, boosts)
    positive = list(query.words)
    cores = [(c, q) for c in positive if (q := clause_query(c, fields, reader)) is not None]
    pairs = pair_terms(positive, kinds, params.pair_boost)
    if not cores:  # only filters: every document of these kinds
        text: Query = Or([Term("kind", kind) for kind in sorted(kinds)])
    elif match_all:
        text = And([q for _c, q in cores]) if len(cores) > 1 else cores[0][1]
        text = AndMaybe(text, Or(pairs)) if pairs else text
    else:
        text = Or(_informative(cores, fields, reader) + pairs)
    excluded = exclusion_queries(query, fields, reader)
    if excluded:
        text = Excluding(text, Or(excluded))
    filters = filter_queries(query, question_only, reader, access)
    terms = frozenset(t for c in positive for t in analyze(c.text))
    return Compiled(text, And(filters) if filters else None, terms, len(cores))
