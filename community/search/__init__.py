"""Full-text search, the only package that imports Whoosh.

The rest of the application uses this interface, so another backend (PostgreSQL full-text search
for multi-host deployments) can replace Whoosh behind it:

- writing: ``index_pending(app)`` applies new events to the index (the single writer);
  ``rebuild(progress)`` builds a new generation and swaps it in; ``start_indexer(app)`` /
  ``run_forever(app, stopping)`` run the writer in a thread or in its own process;
- reading: ``parse_query(text)`` (raises ValidationFailed), ``find(query, kinds, access=...)``
  (``access``: the caller's ``room_access(slug)`` values, for private rooms they are in),
  ``similar(title, limit)``, ``suggest(query)``; ``snippet(texts, terms)`` marks matches.

Readers only ever see what the indexer wrote from committed events; the database stays the truth
(callers load the hits' rows and drop anything no longer visible).
"""

from __future__ import annotations

from flask import Flask

from .documents import html_to_text as plain_text
from .highlight import SNIPPET_CHARS, marked
from .highlight import best_snippet as snippet
from .indexer import index_pending
from .query import IS_VALUES, MAX_QUERY_CHARS, SearchQuery, parse_query, query_error
from .ranking import DEFAULT_RANKING, RankingParams
from .readers import SearchUnavailable
from .rebuild import RebuildStats, count_indexable, count_indexable_posts, rebuild
from .schema import KINDS, room_access
from .searcher import MAX_RESULT_WINDOW, SORTS, Hit, HitPage, find, similar, suggest
from .service import IndexerThread, indexer_thread, run_forever, start_indexer


def init_app(app: Flask) -> None:
    from . import service

    app.config.setdefault("SEARCH_TIME_LIMIT_MS", 1000)
    service.init_app(app)


__all__ = [
    "DEFAULT_RANKING",
    "IS_VALUES",
    "KINDS",
    "MAX_QUERY_CHARS",
    "MAX_RESULT_WINDOW",
    "SNIPPET_CHARS",
    "SORTS",
    "Hit",
    "HitPage",
    "IndexerThread",
    "RankingParams",
    "RebuildStats",
    "SearchQuery",
    "SearchUnavailable",
    "count_indexable",
    "count_indexable_posts",
    "find",
    "index_pending",
    "indexer_thread",
    "init_app",
    "marked",
    "parse_query",
    "plain_text",
    "query_error",
    "rebuild",
    "room_access",
    "run_forever",
    "similar",
    "snippet",
    "start_indexer",
    "suggest",
]
