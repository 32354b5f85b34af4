"""Searchers on the live generation, kept in a small pool and refreshed before every use.

Opening a Whoosh searcher opens every segment's files (a few milliseconds on a large index), so
idle searchers are kept and reused while the index is unchanged; after the indexer commits, the
next request opens a fresh one. A searcher is lent to one request at a time, so every request
reads the latest committed index, never waits for the writer and never shares a searcher with
another thread or greenlet.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh.idsets import BitSet
from whoosh.query import Query
from whoosh.searching import Searcher

from ..errors import DomainError
from . import storage
from .ranking import DEFAULT_RANKING, CommunityWeighting, RankingParams
from .rebuild import search_root

log = logging.getLogger(__name__)

POOL_SIZE = 8
FILTER_CACHE_SIZE = 32


class SearchUnavailable(DomainError):
    status = 503
    code = "search_unavailable"


class _Pool:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle: dict[tuple[str, str], list[Searcher]] = {}

    def take(self, root: Path, name: str) -> Searcher:
        key = (str(root), name)
        with self.lock:
            stale = [k for k in self.idle if k[0] == key[0] and k != key]
            retired = [s for k in stale for s in self.idle.pop(k)]
            searcher = self.idle.get(key, []).pop() if self.idle.get(key) else None
        for old in retired:  # a rebuild swapped a new generation in
            old.close()
        if searcher is not None and not searcher.up_to_date():
            searcher.close()  # not Whoosh's refresh(): reusing readers duplicates merged segments
            searcher = None
        searcher = searcher or storage.open_generation(root, name).searcher()
        searcher.generation_name = name
        return searcher

    def give_back(self, root: Path, name: str, searcher: Searcher) -> None:
        with self.lock:
            idle = self.idle.setdefault((str(root), name), [])
            if len(idle) < POOL_SIZE:
                idle.append(searcher)
                return
        searcher.close()


_POOL = _Pool()


@contextmanager
def open_searcher(params: RankingParams = DEFAULT_RANKING) -> Iterator[Searcher | None]:
    """A searcher on the live generation, or None when nothing was ever indexed."""
    root = search_root()
    name = storage.current_generation(root)
    if name is None:
        yield None
        return
    try:
        searcher = _POOL.take(root, name)
    except Exception as exc:  # a damaged or vanished index must not turn into a 500
        log.exception("search index %s could not be opened", name)
        raise SearchUnavailable("Search is unavailable right now; try again in a moment.") from exc
    searcher.weighting = CommunityWeighting(params)
    try:
        yield searcher
    except DomainError:  # a refused query: the searcher itself is fine
        _POOL.give_back(root, name, searcher)
        raise
    except BaseException:
        searcher.close()
        raise
    _POOL.give_back(root, name, searcher)


_FILTERS: OrderedDict[tuple, BitSet] = OrderedDict()
_FILTERS_LOCK = threading.Lock()


def filter_docs(searcher: Searcher, query: Query) -> BitSet:
    """The documents a filter allows, cached per index state (segments never change in place)."""
    key = (getattr(searcher, "generation_name", ""), searcher.reader().generation(),
           searcher.doc_count_all(), repr(query))
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
