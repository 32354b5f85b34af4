"""Full rebuilds: a new generation built from the database, then swapped in atomically.

Search keeps answering from the old generation meanwhile. The new generation's cursor is the last
event id seen *before* reading the rows, so whatever changes during the build is applied again by
the indexer afterwards: nothing committed is missed, and re-applying is harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Post, PostType
from . import cursors, storage
from .documents import iter_thread_batches, thread_documents

log = logging.getLogger(__name__)

WRITER_MEMORY_MB = 256


@dataclass(frozen=True)
class RebuildStats:
    generation: str
    threads: int
    documents: int


def search_root() -> Path:
    return Path(current_app.config["SEARCH_DIR"])


def count_indexable_posts() -> int:
    """Visible questions plus the visible answers of visible questions (the progress total)."""
    questions = db.session.scalar(select(func.count(Post.id)).where(
        Post.post_type == PostType.QUESTION.value, Post.deleted_at.is_(None))) or 0
    thread = aliased(Post)
    answers = db.session.scalar(
        select(func.count(Post.id)).join(thread, thread.id == Post.parent_id)
        .where(Post.deleted_at.is_(None), thread.deleted_at.is_(None))) or 0
    return questions + answers


def rebuild(progress: Callable[[int], None] | None = None) -> RebuildStats:
    """Build a fresh generation from the database and make it the live one."""
    root = search_root()
    with storage.build_lock(root):
        return rebuild_locked(root, progress)


def rebuild_locked(root: Path, progress: Callable[[int], None] | None = None) -> RebuildStats:
    name, ix = storage.create_generation(root)
    cursors.write_cursor(name, cursors.latest_event_id())
    threads = documents = 0
    writer = ix.writer(limitmb=WRITER_MEMORY_MB)
    try:
        for batch in iter_thread_batches():
            for thread in batch:
                for doc in thread_documents(thread):
                    writer.add_document(**doc)
                    documents += 1
            threads += len(batch)
            if progress is not None:
                progress(sum(1 + len(thread.answers) for thread in batch))
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
    cursors.drop_cursors(keep)
    log.info("search index rebuilt: %s (%d threads, %d documents)", name, threads, documents)
    return RebuildStats(name, threads, documents)


def ensure_index(root: Path) -> str:
    """The live generation's name, building the first one from the database if there is none."""
    name = storage.current_generation(root)
    if name is not None:
        return name
    with storage.build_lock(root):
        name = storage.current_generation(root)  # another process may have built it meanwhile
        return name if name is not None else rebuild_locked(root).generation
