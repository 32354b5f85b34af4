"""Reading the index: search, similar questions and "did you mean".

Searchers come from a pool (readers.py) and are brought up to date before each use; they never
wait for the writer. Every search is capped in time (SEARCH_TIME_LIMIT_MS): past it, the hits found
so far are returned. A missing index reads as empty; an unreadable one is a 503, never a 500.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from dataclasses import dataclass

from flask import current_app
from whoosh.collectors import Collector, FilterCollector, TopCollector
from whoosh.query import And, Or, Term
from whoosh.reading import IndexReader
from whoosh.searching import Searcher
from whoosh.sorting import FieldFacet, MultiFacet
from whoosh.support.levenshtein import distance

from .matching import Compiled, analyze, compile_query
from .query import SearchQuery, plain_query, query_error
from .ranking import DEFAULT_RANKING, DeadlineCollector, RankingParams, TimeLimit
from .readers import SearchUnavailable, filter_docs, open_searcher
from .schema import NAMESPACES, PUBLIC, RESOURCE_TEXT, TEXT_FIELDS

ROOM_TEXT = NAMESPACES["room"] + "body"

log = logging.getLogger(__name__)

SORTS = ("relevance", "newest", "votes")
MAX_RESULT_WINDOW = 1000  # deeper pages than this are not served (like every search engine)


@dataclass(frozen=True)
class Hit:
    kind: str
    post_id: int  # the object's id in its kind's id space: a post's, a resource's or a message's
    thread_id: int | None  # the post's thread; None for a resource or a room message
    score: float | None  # relevance; None when sorted by date or votes


@dataclass(frozen=True)
class HitPage:
    hits: list[Hit]
    total: int
    terms: frozenset[str]  # analyzed words to mark in snippets
    partial: bool = False  # the time limit cut the search short
    suggestion: str | None = None  # "did you mean" (when find() was asked for one)


EMPTY = HitPage([], 0, frozenset())


def _time_limit() -> float:
    return int(current_app.config.get("SEARCH_TIME_LIMIT_MS", 1000)) / 1000


_NEWEST = [FieldFacet("created", reverse=True), FieldFacet("post_id", reverse=True)]
_SORT_FACETS = {
    "newest": MultiFacet(_NEWEST),
    "votes": MultiFacet([FieldFacet("votes", reverse=True), *_NEWEST]),
}


def _run(searcher: Searcher, compiled: Compiled, sort: str, offset: int, limit: int, *,
         count: bool = True) -> tuple[list[Hit], int, bool]:
    if sort == "relevance":  # re-prune the matcher tree every 100 hits, not every 10: cheaper
        scoring: Collector = TopCollector(limit=offset + limit, replace=100)
    else:
        scoring = searcher.collector(limit=offset + limit, sortedby=_SORT_FACETS[sort])
    collector = DeadlineCollector(scoring, _time_limit())
    if compiled.filter is not None:
        allowed = filter_docs(searcher, compiled.filter)
        if not allowed:  # Whoosh reads an empty allow-set as "no filter"
            return [], 0, False
        collector = FilterCollector(collector, allow=allowed)
    partial = False
    try:
        searcher.search_with_collector(compiled.query, collector)
    except TimeLimit:
        partial = True
    results = collector.results()
    scored = sort == "relevance"
    hits = [Hit(hit["kind"], hit["post_id"], hit.get("thread_id"), hit.score if scored else None)
            for hit in results[offset:offset + limit]]
    if not count:
        return hits, len(hits), partial
    return hits, results.scored_length() if partial else len(results), partial


def find(query: SearchQuery, kinds: frozenset[str], *, question_only: bool = False,
         sort: str = "relevance", offset: int = 0, limit: int = 20, suggest: bool = False,
         access: Collection[str] = (), params: RankingParams = DEFAULT_RANKING) -> HitPage:
    """One page of hits. Every word must match; when that finds nothing, any word may.
    With ``suggest``, the page carries a "did you mean" for unknown words. Besides public
    documents, those whose access value is in ``access`` (see ``room_access``) may match.
    Kinds the query's filters cannot apply to (``tag:`` for room messages, ``is:solved`` and
    ``score:`` for resources) are left out."""
    limit = max(0, min(limit, MAX_RESULT_WINDOW - offset))
    kinds = query.searchable_kinds(kinds)
    with open_searcher(params) as searcher:
        if searcher is None or not kinds:
            return EMPTY
        reader = searcher.reader()
        compiled = compile_query(query, kinds, params, reader, match_all=True,
                                 question_only=question_only, access=access)
        if compiled.word_clauses == 0 and not query.has_filters:
            raise query_error("needs at least one word or filter (wildcards, symbols and very "
                              "common words alone match nothing)")
        if compiled.word_clauses == 0 and sort == "relevance":
            sort = "newest"  # only filters: every match is equally relevant
        hits, total, partial = _run(searcher, compiled, sort, offset, limit)
        if total == 0 and compiled.word_clauses > 1:
            compiled = compile_query(query, kinds, params, reader, match_all=False,
                                     question_only=question_only, access=access)
            hits, total, partial = _run(searcher, compiled, sort, offset, limit)
        suggestion = _suggestion(searcher, query) if suggest else None
        return HitPage(hits, total, compiled.terms, partial, suggestion)


def similar(title: str, limit: int = 5, params: RankingParams = DEFAULT_RANKING) -> HitPage:
    """Questions whose text shares the most (and rarest) words with ``title``."""
    query = plain_query(title)
    with open_searcher(params) as searcher:
        if searcher is None:
            return EMPTY
        compiled = compile_query(query, frozenset({"thread"}), params, searcher.reader(),
                                 match_all=False)
        if compiled.word_clauses == 0:
            return EMPTY
        hits, total, partial = _run(searcher, compiled, "relevance", 0, limit, count=False)
        return HitPage(hits, total, compiled.terms, partial)


def _known(searcher: Searcher, word: str) -> bool:
    """Whether posts, resources or messages of public rooms use the word (never judged by private
    rooms' messages: a suggestion must not hint at what they say)."""
    tokens = analyze(word)
    reader = searcher.reader()
    if not tokens or any(reader.doc_frequency(f, t) for f in (*TEXT_FIELDS, *RESOURCE_TEXT)
                         for t in tokens):
        return True
    said = Or([Term(ROOM_TEXT, t) for t in tokens])
    return any(True for _ in searcher.docs_for_query(And([said, Term("access", PUBLIC)])))


def _closest(reader: IndexReader, word: str) -> str | None:
    """The indexed word nearest to ``word`` (fewest edits, then most used)."""
    maxdist = 1 if len(word) <= 4 else 2
    candidates: dict[str, int] = {}
    for leaf, _base in reader.leaf_readers():
        for found in leaf.terms_within("spell", word, maxdist, prefix=1):
            candidates[found] = candidates.get(found, 0) + leaf.doc_frequency("spell", found)
    if not candidates:
        return None
    return min(candidates, key=lambda c: (distance(c, word), -candidates[c], c))


_LETTERS = re.compile(r"^[^\W\d_]{3,30}$")


def _suggestion(searcher: Searcher, query: SearchQuery) -> str | None:
    reader = searcher.reader()
    words = [c.text for c in query.words if not c.phrase and not c.prefix and _LETTERS.match(c.text)]
    fixes = {}
    for word in dict.fromkeys(words):
        if not _known(searcher, word.lower()):
            best = _closest(reader, word.lower())
            if best is not None and best != word.lower():
                fixes[word] = best
    if not fixes:
        return None
    pattern = re.compile(r"(?<![\w:-])(" + "|".join(map(re.escape, fixes)) + r")(?![\w:])")
    return pattern.sub(lambda m: fixes[m.group(1)], query.text)


def suggest(query: SearchQuery) -> str | None:
    """The query with unknown words replaced by the nearest indexed words, or None."""
    with open_searcher() as searcher:
        return None if searcher is None else _suggestion(searcher, query)


__all__ = ["EMPTY", "MAX_RESULT_WINDOW", "SORTS", "Hit", "HitPage", "SearchUnavailable", "find",
           "similar", "suggest"]
