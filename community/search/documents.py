"""Index documents built from the database: a thread (question, tags, answers, the text of the
resources its posts link) and its answers.

Rows are read with explicit column queries in bulk (no lazy loading, no ORM identity map), so the
indexer and a full rebuild read exactly the committed state, and fast.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Post, PostType, Tag, User, post_tags
from .resource_documents import linked_resource_texts
from .schema import NAMESPACES, PUBLIC, epoch_ms

_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|ul|ol|pre|blockquote|h[1-6]|tr|td|th|table|hr|dd|dt)\b[^>]*>",
                        re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*>")
_ANCHOR = re.compile(r"<a\b[^>]*>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"[ \t\r\f\v]+")


def html_to_text(markup: str) -> str:
    """The readable text of sanitized HTML: tags dropped, blocks on their own lines, entities decoded."""
    text = _ANY_TAG.sub("", _BLOCK_TAG.sub("\n", markup))
    return _SPACES.sub(" ", html.unescape(text)).strip()


def link_texts(markup: str) -> list[str]:
    """What links say (a linked question's title, say), leaving out bare addresses."""
    texts = (html_to_text(inner) for inner in _ANCHOR.findall(markup))
    return [text for text in texts if text and "://" not in text and not text.startswith("www.")]


@dataclass
class PostRow:
    id: int
    body_html: str
    author: str
    score: int
    created_at: datetime


@dataclass
class ThreadSource:
    question: PostRow
    title: str
    accepted_answer_id: int | None
    tags: list[str] = field(default_factory=list)
    answers: list[PostRow] = field(default_factory=list)
    linked_resources: list[str] = field(default_factory=list)  # what the posts' links lead to


def _question_rows(thread_ids: Collection[int]) -> dict[int, ThreadSource]:
    rows = db.session.execute(
        select(Post.id, Post.title, Post.body_html, Post.score, Post.created_at,
               Post.accepted_answer_id, User.username_key)
        .join(User, User.id == Post.author_id)
        .where(Post.id.in_(thread_ids), Post.post_type == PostType.QUESTION.value,
               Post.deleted_at.is_(None), Post.hidden_at.is_(None)))
    return {row.id: ThreadSource(PostRow(row.id, row.body_html, row.username_key, row.score,
                                         row.created_at), row.title or "", row.accepted_answer_id)
            for row in rows}


def load_threads(thread_ids: Collection[int]) -> dict[int, ThreadSource]:
    """The visible threads among ``thread_ids`` with their tags, visible answers and the text of
    the resources those posts link (missing, deleted or hidden threads are absent from the result;
    posts hidden by flags stay out of search until a moderator approves them)."""
    threads = _question_rows(thread_ids)
    if not threads:
        return threads
    for post_id, name in db.session.execute(
            select(post_tags.c.post_id, Tag.name).join(Tag, Tag.id == post_tags.c.tag_id)
            .where(post_tags.c.post_id.in_(threads)).order_by(Tag.name)):
        threads[post_id].tags.append(name)
    for row in db.session.execute(
            select(Post.id, Post.parent_id, Post.body_html, Post.score, Post.created_at,
                   User.username_key)
            .join(User, User.id == Post.author_id)
            .where(Post.parent_id.in_(threads), Post.deleted_at.is_(None), Post.hidden_at.is_(None))
            .order_by(Post.id)):
        threads[row.parent_id].answers.append(
            PostRow(row.id, row.body_html, row.username_key, row.score, row.created_at))
    for thread_id, texts in linked_resource_texts(threads).items():
        threads[thread_id].linked_resources = texts
    return threads


def iter_thread_batches(batch_size: int = 500) -> Iterator[list[ThreadSource]]:
    """Every visible thread, in id order, a batch at a time (keyset paging, one short read each)."""
    after = 0
    while True:
        ids = list(db.session.scalars(
            select(Post.id).where(Post.post_type == PostType.QUESTION.value, Post.id > after,
                                  Post.deleted_at.is_(None), Post.hidden_at.is_(None))
            .order_by(Post.id).limit(batch_size)))
        if not ids:
            return
        threads = load_threads(ids)
        yield [threads[i] for i in ids if i in threads]
        after = ids[-1]


def _common(kind: str, post: PostRow, thread: ThreadSource) -> dict[str, Any]:
    text = NAMESPACES[kind]
    return {
        "doc_id": f"{kind}:{post.id}", "kind": kind, "post_id": post.id,
        "thread_id": thread.question.id, "thread": str(thread.question.id), "access": PUBLIC,
        text + "title": thread.title, "tags": " ".join(thread.tags),
        text + "tag_words": " ".join(tag.replace("-", " ") for tag in thread.tags),
        "author": post.author, "solved": thread.accepted_answer_id is not None,
        "votes": post.score, "created": epoch_ms(post.created_at),
    }


def thread_documents(thread: ThreadSource) -> list[dict[str, Any]]:
    """The thread's own document (question + tags + answers) and one document per answer."""
    question = thread.question
    answer_links = [text for answer in thread.answers for text in link_texts(answer.body_html)]
    links = "\n".join([*link_texts(question.body_html), *answer_links])
    docs = [{
        **_common("thread", question, thread),
        "body": html_to_text(question.body_html),
        "answers": "\n".join(html_to_text(answer.body_html) for answer in thread.answers),
        "links": links, "pairs": f"{thread.title}\n{links}",
        "linked_resources": "\n".join(thread.linked_resources),
        "spell": f"{thread.title} {' '.join(thread.tags)}",
        "people": " ".join(dict.fromkeys([question.author, *(a.author for a in thread.answers)])),
    }]
    for answer in thread.answers:
        own_links = "\n".join(link_texts(answer.body_html))
        docs.append({**_common("answer", answer, thread), "a_body": html_to_text(answer.body_html),
                     "a_links": own_links, "a_pairs": f"{thread.title}\n{own_links}",
                     "people": answer.author})
    return docs

