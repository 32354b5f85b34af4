"""Full rebuilds: a new generation built from the database, then swapped in atomically.

A rebuild writes every kind, a keyset-paged batch at a time: threads (with their answers), then
room messages, then resources. Search keeps answering from the old generation meanwhile. The new generation's
cursor is the last event id seen *before* reading the rows, so whatever changes during the build
is applied again by the indexer afterwards: nothing committed is missed, and re-applying is
harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..actions import search_cursors
from ..extensions import db
from ..models import Post, PostType
from . import cursors, storage
from .documents import iter_thread_batches, thread_documents
from .resource_documents import count_indexable_resources, iter_resource_batches, resource_document
from .room_documents import count_indexable_messages, iter_message_batches, message_document

log = logging.getLogger(__name__)

WRITER_MEMORY_MB = 256


@dataclass(frozen=True)
class RebuildStats:
    generation: str
    threads: int
    documents: int
    messages: int = 0  # room messages
    resources: int = 0


def search_root() -> Path:
    return Path(current_app.config["SEARCH_DIR"])


def count_indexable_posts() -> int:
    """Visible questions plus the visible answers of visible questions (the progress total)."""
    questions = db.session.scalar(select(func.count(Post.id)).where(
        Post.post_type == PostType.QUESTION.value, Post.deleted_at.is_(None),
        Post.hidden_at.is_(None))) or 0
    thread = aliased(Post)
    answers = db.session.scalar(
        select(func.count(Post.id)).join(thread, thread.id == Post.parent_id)
        .where(Post.deleted_at.is_(None), thread.deleted_at.is_(None), Post.hidden_at.is_(None),
               thread.hidden_at.is_(None))) or 0
    return questions + answers


def count_indexable() -> int:
    """Every document a rebuild writes (the progress total): posts, room messages and resources."""
    return count_indexable_posts() + count_indexable_messages() + count_indexable_resources()


def _document_batches() -> Iterator[tuple[str, int, list[dict[str, Any]]]]:
    """(kind, objects, documents) for everything searchable, a batch at a time, per kind."""
    for threads in iter_thread_batches():
        yield "thread", len(threads), [doc for thread in threads for doc in thread_documents(thread)]
    for messages in iter_message_batches():
        yield "room", len(messages), [message_document(message) for message in messages]
    for resources in iter_resource_batches():
        yield "resource", len(resources), [resource_document(resource) for resource in resources]


def rebuild(progress: Callable[[int], None] | None = None) -> RebuildStats:
    """Build a fresh generation from the database and make it the live one."""
    root = search_root()
    with storage.build_lock(root):
        return rebuild_locked(root, progress)


def rebuild_locked(root: Path, progress: Callable[[int], None] | None = None) -> RebuildStats:
    name, ix = storage.create_generation(root)
    search_cursors.write_cursor(name, cursors.latest_event_id())
    objects: dict[str, int] = {}  # per kind: threads, room messages, resources
    documents = 0
    writer = ix.writer(limitmb=WRITER_MEMORY_MB)
    try:
        for kind, count, docs in _document_batches():
            for doc in docs:
                writer.add_document(**doc)
            objects[kind] = objects.get(kind, 0) + count
            documents += len(docs)
            if progress is not None:
                progress(len(docs))
        writer.commit()
    except BaseException:
        writer.cancel()
        storage.remove_generations(root, keep=set(storage.generations(root)) - {name})
        raise
    finally:
        db.session.remove()
    previous = storage.current_generation(root)
    storage.swap_in(root, name)
    keep = {name} | ({previous} if previous else set())
    storage.remove_generations(root, keep)
    search_cursors.drop_cursors(keep)
    stats = RebuildStats(name, objects.get("thread", 0), documents, objects.get("room", 0),
                         objects.get("resource", 0))
    log.info("search index rebuilt: %s (%d threads, %d room messages, %d resources, %d documents)",
             name, stats.threads, stats.messages, stats.resources, documents)
    return stats


_CHECKED: set[tuple[str, str]] = set()  # (root, generation) known to have the current schema


def _has_current_schema(root: Path, name: str) -> bool:
    key = (str(root), name)
    if key not in _CHECKED and storage.has_current_schema(root, name):
        _CHECKED.add(key)
    return key in _CHECKED


def ensure_index(root: Path) -> str:
    """The live generation's name, building one from the database if there is none, or if the
    live one was built with an older schema (before room messages or resources were indexed,
    say: its field names differ from today's)."""
    name = storage.current_generation(root)
    if name is not None and _has_current_schema(root, name):
        return name
    with storage.build_lock(root):
        name = storage.current_generation(root)  # another process may have built it meanwhile
        if name is not None and _has_current_schema(root, name):
            return name
        if name is not None:
            log.warning("search index %s was built with an older schema; rebuilding", name)
        return rebuild_locked(root).generation
