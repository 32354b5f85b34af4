"""Search results and similar questions: index hits turned into visible posts with snippets.

The index finds candidates; the database decides what is shown. Every hit is loaded again here
and dropped unless its post (and its thread) is still visible, so a post deleted a moment ago
never shows up, for moderators neither.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import search
from ..errors import ValidationFailed
from ..extensions import db
from ..models import Post, PostType, User
from ..payloads import answer_url, iso, thread_url, user_payload
from ..text.validation import text_problem
from .paging import Page

TYPES = ("all", "thread", "answer", "resource", "room")
_KIND_OF = {"question": "thread", "answer": "answer", "resource": "resource", "room": "room"}
SIMILAR_MAX = 20
SIMILAR_TITLE_CHARS = 300


@dataclass(frozen=True)
class SearchResult:
    type: str
    post: Post
    thread: Post
    title_html: Markup
    snippet_html: Markup
    score: float | None

    @property
    def url(self) -> str:
        if self.type == "answer":
            return answer_url(self.thread.id, self.post.id)
        return thread_url(self.thread.id)

    def payload(self) -> dict[str, Any]:
        return {
            "type": self.type, "id": self.post.id, "thread_id": self.thread.id,
            "title": self.thread.title, "snippet_html": str(self.snippet_html), "url": self.url,
            "score": round(self.score, 4) if self.score is not None else None,
            "votes": self.post.score, "created_at": iso(self.post.created_at),
            "title_html": str(self.title_html), "tags": self.thread.tag_names,
            "author": user_payload(self.post.author),
            "answer_count": self.thread.answer_count,
            "solved": self.thread.accepted_answer_id is not None,
            "accepted": self.type == "answer" and self.thread.accepted_answer_id == self.post.id,
        }


@dataclass(frozen=True)
class SearchResults:
    query: search.SearchQuery
    type: str
    sort: str
    page: Page
    total: int
    results: list[SearchResult]
    suggestion: str | None
    partial: bool = False

    def payload(self) -> dict[str, Any]:
        return {"total": self.total, "page": self.page.page, "per_page": self.page.per_page,
                "results": [result.payload() for result in self.results],
                "suggestion": self.suggestion}


def check_choice(name: str, value: object, choices: tuple[str, ...], default: str) -> str:
    if value in (None, ""):
        return default
    if value not in choices:
        raise ValidationFailed({name: "must be one of " + ", ".join(choices)})
    return str(value)


def search_scope(type_: str, query: search.SearchQuery) -> tuple[frozenset[str], bool]:
    """Which kinds of documents to search, and whether answers' text counts for threads."""
    chosen = frozenset(_KIND_OF[k] for k in query.kinds if k in _KIND_OF)
    if type_ == "all":
        kinds = chosen or frozenset({"thread", "resource", "room"})
    else:
        kinds = frozenset({type_}) & chosen if chosen else frozenset({type_})
    return kinds, "question" in query.kinds


def _visible_posts(ids: Iterable[int]) -> dict[int, Post]:
    rows = db.session.scalars(select(Post).where(Post.id.in_(list(ids)), Post.deleted_at.is_(None))
                              .options(selectinload(Post.tags)))
    return {post.id: post for post in rows}


def _answer_texts(thread_ids: list[int]) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = {tid: [] for tid in thread_ids}
    if thread_ids:
        for parent_id, body_html in db.session.execute(
                select(Post.parent_id, Post.body_html)
                .where(Post.parent_id.in_(thread_ids), Post.deleted_at.is_(None))
                .order_by(Post.score.desc(), Post.id)):
            texts[parent_id].append(search.plain_text(body_html))
    return texts


def _results(hits: list[search.Hit], terms: frozenset[str]) -> list[SearchResult]:
    posts = _visible_posts({h.post_id for h in hits} | {h.thread_id for h in hits})
    shown = [h for h in hits if h.post_id in posts and h.thread_id in posts]
    bodies = {h.post_id: search.plain_text(posts[h.post_id].body_html) for h in shown}
    snippets = {h.post_id: search.marked(bodies[h.post_id], terms) for h in shown}
    # a thread found through its answers: the snippet comes from the best answer
    answers = _answer_texts([h.thread_id for h in shown
                             if h.kind == "thread" and snippets[h.post_id] is None])
    results = []
    for hit in shown:
        thread = posts[hit.thread_id]
        snippet = snippets[hit.post_id] or search.snippet(
            [*answers.get(hit.thread_id, []), bodies[hit.post_id]], terms)
        title_html = search.marked(thread.title, terms, whole=True) or Markup(escape(thread.title))
        results.append(SearchResult(hit.kind, posts[hit.post_id], thread, title_html, snippet,
                                    hit.score))
    return results


def search_posts(actor: User | None, q: object, type_: object = None, sort: object = None,
                 page: Page | None = None) -> SearchResults:
    """One page of search results for ``q`` (the search box's text, operators included)."""
    if q in (None, "") or (isinstance(q, str) and not q.strip()):
        raise search.query_error("is required: type a word or an operator such as tag:excel")
    query = search.parse_query(q)
    type_ = check_choice("type", type_, TYPES, "all")
    sort = check_choice("sort", sort, search.SORTS, "relevance")
    page = page or Page()
    kinds, question_only = search_scope(type_, query)
    found = search.find(query, kinds, question_only=question_only, sort=sort,
                        offset=page.offset, limit=page.per_page, suggest=True)
    results = _results(found.hits, found.terms)
    total = max(0, found.total - (len(found.hits) - len(results)))
    return SearchResults(query, type_, sort, page, total, results, found.suggestion, found.partial)


@dataclass(frozen=True)
class SimilarThread:
    thread: Post
    score: float

    def payload(self) -> dict[str, Any]:
        return {"id": self.thread.id, "title": self.thread.title, "url": thread_url(self.thread.id),
                "score": round(self.score, 4), "answer_count": self.thread.answer_count,
                "solved": self.thread.accepted_answer_id is not None}


def check_similar_limit(limit: object) -> int:
    if limit in (None, ""):
        return 5
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= SIMILAR_MAX:
        raise ValidationFailed({"limit": f"must be a whole number from 1 to {SIMILAR_MAX}"})
    return limit


def similar_threads(actor: User | None, title: object, limit: object = None) -> list[SimilarThread]:
    """Questions that may already answer one titled ``title``, most similar first."""
    limit = check_similar_limit(limit)
    if title is None:
        title = ""
    if not isinstance(title, str) or text_problem(title):
        raise ValidationFailed({"title": text_problem(title) if isinstance(title, str)
                                else "must be a string"})
    found = search.similar(title[:SIMILAR_TITLE_CHARS], limit + 5)
    threads = _visible_posts(h.post_id for h in found.hits)
    similar = [SimilarThread(threads[h.post_id], h.score or 0.0) for h in found.hits
               if h.post_id in threads and threads[h.post_id].post_type == PostType.QUESTION.value]
    return similar[:limit]
