"""Reading the index: search, similar questions and "did you mean".

Readers open the live generation per call (cheap) and never wait for the writer. Every search is
capped in time (SEARCH_TIME_LIMIT_MS): past it, the hits found so far are returned. A missing index
reads as empty; an unreadable one raises SearchUnavailable (503) instead of a 500.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from whoosh.idsets import BitSet
from whoosh.query import Query
from whoosh.searching import Searcher
from whoosh.sorting import FieldFacet, MultiFacet
from whoosh.support.levenshtein import distance

from ..errors import DomainError
from . import storage
from .matching import Compiled, analyze, compile_query
from .query import SearchQuery, plain_query, query_error
from .ranking import DEFAULT_RANKING, CommunityWeighting, DeadlineCollector, RankingParams, TimeLimit
from .rebuild import search_root
from .schema import TEXT_FIELDS

log = logging.getLogger(__name__)

SORTS = ("relevance", "newest", "votes")
MAX_RESULT_WINDOW = 1000  # deeper pages than this are not served (like every search engine)


class SearchUnavailable(DomainError):
    status = 503
    code = "search_unavailable"


@dataclass(frozen=True)
class Hit:
    kind: str
    post_id: int
    thread_id: int
    score: float | None  # relevance; None when sorted by date or votes


@dataclass(frozen=True)
class HitPage:
    hits: list[Hit]
    total: int
    terms: frozenset[str]  # analyzed words to mark in snippets
    partial: bool = False  # the time limit cut the search short


EMPTY = HitPage([], 0, frozenset())


def _time_limit() -> float:
    return int(current_app.config.get("SEARCH_TIME_LIMIT_MS", 1000)) / 1000


@contextmanager
def open_searcher(params: RankingParams = DEFAULT_RANKING) -> Iterator[Searcher | None]:
    """A searcher on the live generation, or None when nothing was ever indexed."""
    root = search_root()
    name = storage.current_generation(root)
    if name is None:
        yield None
        return
    try:
        searcher = storage.open_generation(root, name).searcher(weighting=CommunityWeighting(params))
        searcher.generation_name = name
    except Exception as exc:  # a damaged or vanished index must not turn into a 500
        log.exception("search index %s could not be opened", name)
        raise SearchUnavailable("Search is unavailable right now; try again in a moment.") from exc
    try:
        yield searcher
    finally:
        searcher.close()


_NEWEST = [FieldFacet("created", reverse=True), FieldFacet("post_id", reverse=True)]
_SORT_FACETS = {
    "newest": MultiFacet(_NEWEST),
    "votes": MultiFacet([FieldFacet("votes", reverse=True), *_NEWEST]),
}


_FILTERS: OrderedDict[tuple, BitSet] = OrderedDict()
_FILTERS_LOCK = threading.Lock()
FILTER_CACHE_SIZE = 32


def _filter_docs(searcher: Searcher, query: Query) -> BitSet:
    """The documents a filter allows, cached per index state (segments never change in place)."""
    reader = searcher.reader()
    key = (getattr(searcher, "generation_name", ""), reader.generation(), searcher.doc_count_all(),
           repr(query))
    with _FILTERS_LOCK:
        cached = _FILTERS.get(key)
        if cached is not None:
            _FILTERS.move_to_end(key)
            return cached
    docs = BitSet(searcher.docs_for_query(query), size=searcher.doc_count_all())
    with _FILTERS_LOCK:
        _FILTERS[key] = docs
        while len(_FILTERS) > FILTER_CACHE_SIZE:
            _FILTERS.popitem(last=False)
    return docs


def _run(searcher: Searcher, compiled: Compiled, sort: str, offset: int, limit: int, *,
         count: bool = True) -> tuple[list[Hit], int, bool]:
    collector = searcher.collector(limit=offset + limit, sortedby=_SORT_FACETS.get(sort),
                                   filter=_filter_docs(searcher, compiled.filter))
    partial = False
    try:
        searcher.search_with_collector(compiled.query, DeadlineCollector(collector, _time_limit()))
    except TimeLimit:
        partial = True
    results = collector.results()
    scored = sort == "relevance"
    hits = [Hit(hit["kind"], hit["post_id"], hit["thread_id"], hit.score if scored else None)
            for hit in results[offset:offset + limit]]
    if not count:
        return hits, len(hits), partial
    return hits, results.scored_length() if partial else len(results), partial


def find(query: SearchQuery, kinds: frozenset[str], *, question_only: bool = False,
         sort: str = "relevance", offset: int = 0, limit: int = 20,
         params: RankingParams = DEFAULT_RANKING) -> HitPage:
    """One page of hits. Every word must match; when that finds nothing, any word may."""
    limit = max(0, min(limit, MAX_RESULT_WINDOW - offset))
    with open_searcher(params) as searcher:
        if searcher is None or not kinds:
            return EMPTY
        reader = searcher.reader()
        compiled = compile_query(query, kinds, params, reader, match_all=True,
                                 question_only=question_only)
        if compiled.word_clauses == 0 and not query.has_filters:
            raise query_error("needs at least one word or filter (wildcards, symbols and very "
                              "common words alone match nothing)")
        if compiled.word_clauses == 0 and sort == "relevance":
            sort = "newest"  # only filters: every match is equally relevant
        hits, total, partial = _run(searcher, compiled, sort, offset, limit)
        if total == 0 and compiled.word_clauses > 1:
            compiled = compile_query(query, kinds, params, reader, match_all=False,
                                     question_only=question_only)
            hits, total, partial = _run(searcher, compiled, sort, offset, limit)
        return HitPage(hits, total, compiled.terms, partial)


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


def _known(reader: object, word: str) -> bool:
    tokens = analyze(word)
    return not tokens or any(reader.doc_frequency(f, t) for f in TEXT_FIELDS for t in tokens)


def _closest(reader: object, word: str) -> str | None:
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


def suggest(query: SearchQuery) -> str | None:
    """The query with unknown words replaced by the nearest indexed words, or None."""
    words = [c.text for c in query.words if not c.phrase and not c.prefix and _LETTERS.match(c.text)]
    if not words:
        return None
    with open_searcher() as searcher:
        if searcher is None:
            return None
        reader = searcher.reader()
        fixes = {}
        for word in dict.fromkeys(words):
            if not _known(reader, word.lower()):
                best = _closest(reader, word.lower())
                if best is not None and best != word.lower():
                    fixes[word] = best
    if not fixes:
        return None
    pattern = re.compile(r"(?<![\w:-])(" + "|".join(map(re.escape, fixes)) + r")(?![\w:])")
    return pattern.sub(lambda m: fixes[m.group(1)], query.text)
