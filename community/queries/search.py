"""Search results and similar questions: index hits turned into visible posts, resources and room
messages with snippets.

The index finds candidates; the database decides what is shown. Every hit is loaded again here,
by the loader of its kind, and dropped unless it is still visible: a post deleted a moment ago
never shows up, for moderators neither; a resource only while it is not deleted
(search_resources.py); a room message only while it is not deleted and its room is public or one
of the caller's private rooms (search_rooms.py).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

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
from .rooms import private_room_slugs
from .search_resources import linked_resource_texts, resource_results
from .search_rooms import room_message_results

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


class Result(Protocol):
    """What every kind of result offers the API and the page (SearchResult, ResourceResult,
    RoomMessageResult)."""

    type: str
    url: str
    title_html: Markup
    snippet_html: Markup
    score: float | None

    def payload(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class SearchResults:
    query: search.SearchQuery
    type: str
    sort: str
    page: Page
    total: int
    results: list[Result]
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
    rows = db.session.scalars(select(Post).where(Post.id.in_(list(ids)), Post.deleted_at.is_(None),
                                                Post.hidden_at.is_(None))
                              .options(selectinload(Post.tags)))
    return {post.id: post for post in rows}


def _answer_texts(thread_ids: list[int]) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = {tid: [] for tid in thread_ids}
    if thread_ids:
        for parent_id, body_html in db.session.execute(
                select(Post.parent_id, Post.body_html)
                .where(Post.parent_id.in_(thread_ids), Post.deleted_at.is_(None), Post.hidden_at.is_(None))
                .order_by(Post.score.desc(), Post.id)):
            texts[parent_id].append(search.plain_text(body_html))
    return texts


def _post_results(hits: list[search.Hit], terms: frozenset[str]) -> dict[int, SearchResult]:
    """The hits on threads and answers still visible, by post id."""
    posts = _visible_posts({h.post_id for h in hits} | {h.thread_id for h in hits if h.thread_id})
    shown = [h for h in hits if h.post_id in posts and h.thread_id in posts]
    bodies = {h.post_id: search.plain_text(posts[h.post_id].body_html) for h in shown}
    snippets = {h.post_id: search.marked(bodies[h.post_id], terms) for h in shown}
    # a thread found through its answers (or a resource it links): the snippet comes from there
    elsewhere = [h.thread_id for h in shown if h.kind == "thread" and snippets[h.post_id] is None]
    answers, linked = _answer_texts(elsewhere), linked_resource_texts(elsewhere)
    results = {}
    for hit in shown:
        thread = posts[hit.thread_id]
        snippet = snippets[hit.post_id] or search.snippet(
            [*answers.get(hit.thread_id, []), bodies[hit.post_id], *linked.get(hit.thread_id, [])],
            terms)
        title_html = search.marked(thread.title, terms, whole=True) or Markup(escape(thread.title))
        results[hit.post_id] = SearchResult(hit.kind, posts[hit.post_id], thread, title_html,
                                            snippet, hit.score)
    return results


def _results(hits: list[search.Hit], terms: frozenset[str],
             private_rooms: Collection[str]) -> list[Result]:
    """The visible hits as results, in the index's order; each kind is loaded in one go."""
    posts = _post_results([h for h in hits if h.kind in ("thread", "answer")], terms)
    resources = resource_results([h for h in hits if h.kind == "resource"], terms)
    messages = room_message_results([h for h in hits if h.kind == "room"], terms, private_rooms)
    by_kind: dict[str, dict[int, Any]] = {"thread": posts, "answer": posts, "resource": resources,
                                          "room": messages}
    return [by_kind[h.kind][h.post_id] for h in hits if h.post_id in by_kind.get(h.kind, {})]


def search_posts(actor: User | None, q: object, type_: object = None, sort: object = None,
                 page: Page | None = None) -> SearchResults:
    """One page of search results for ``q`` (the search box's text, operators included): posts,
    shared resources, and room messages of public rooms and of the private rooms ``actor`` is a
    member of."""
    if q in (None, "") or (isinstance(q, str) and not q.strip()):
        raise search.query_error("is required: type a word or an operator such as tag:excel")
    query = search.parse_query(q)
    type_ = check_choice("type", type_, TYPES, "all")
    sort = check_choice("sort", sort, search.SORTS, "relevance")
    page = page or Page()
    kinds, question_only = search_scope(type_, query)
    private_rooms = private_room_slugs(actor) if "room" in kinds else set()
    found = search.find(query, kinds, question_only=question_only, sort=sort,
                        offset=page.offset, limit=page.per_page, suggest=True,
                        access=[search.room_access(slug) for slug in private_rooms])
    results = _results(found.hits, found.terms, private_rooms)
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
