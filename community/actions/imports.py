"""Shared machinery of importers: what was imported before, batches, progress, events, recounts.

Idempotent imports: every imported row is recorded in ``imported_objects`` (source, kind, id in
the source) in the same transaction as the row itself, so a re-run (or a run after a crash) skips
what exists and finishes the rest. Each batch appends a ``thread_imported`` event per thread it
touched, so the search indexer picks the threads up like any other change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from itertools import islice
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import ImportedObject, Post, PostType, Tag, User, post_tags
from ..realtime import channels
from ..realtime.events import record_event


class Bar(Protocol):
    def update(self, n: int) -> None: ...


# progress(label, total) -> a context manager giving an object with update(n), like click's bar
Progress = Callable[[str, int], AbstractContextManager[Bar]]


class _NoBar:
    def update(self, n: int) -> None:
        return None


def no_progress(_label: str, _total: int) -> AbstractContextManager[Bar]:
    return nullcontext(_NoBar())


@dataclass
class ImportReport:
    source: str
    users: int = 0
    questions: int = 0
    answers: int = 0
    tags: int = 0
    accepted: int = 0
    skipped: int = 0  # rows an earlier run already imported
    orphans: int = 0  # answers whose question is not in the dump
    links: int = 0


def batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class ImportSession:
    """What this source imported before (kind, external id) -> local id, kept up to date."""

    def __init__(self, source: str, progress: Progress) -> None:
        self.source = source
        self.progress = progress
        self.report = ImportReport(source)
        self.known: dict[tuple[str, int], int] = {
            (row.kind, row.external_id): row.local_id for row in db.session.scalars(
                select(ImportedObject).where(ImportedObject.source == source))}
        self.usernames = set(db.session.scalars(select(User.username_key)))

    def local(self, kind: str, external_id: int | None) -> int | None:
        return None if external_id is None else self.known.get((kind, external_id))

    def remember(self, kind: str, external_id: int, local_id: int) -> None:
        self.known[(kind, external_id)] = local_id
        db.session.add(ImportedObject(source=self.source, kind=kind, external_id=external_id,
                                      local_id=local_id))

    def claim_username(self, candidates: Iterable[str]) -> str:
        name = next(c for c in candidates if c and c.lower() not in self.usernames)
        self.usernames.add(name.lower())
        return name


def record_imported(thread_ids: Iterable[int]) -> None:
    """One event per touched thread, so the search indexer re-reads these threads."""
    for thread_id in dict.fromkeys(thread_ids):
        record_event(channels.thread(thread_id), "thread_imported", {"thread_id": thread_id},
                     subject=f"post:{thread_id}")


def recount(thread_ids: list[int]) -> None:
    """Answer counts of these threads and question counts of their tags, from the rows."""
    answer, question = aliased(Post), aliased(Post)
    for batch in batches(thread_ids, 500):
        db.session.execute(
            update(Post).where(Post.id.in_(batch)).values(answer_count=select(
                func.count(answer.id)).where(answer.parent_id == Post.id,
                                             answer.deleted_at.is_(None)).scalar_subquery())
            .execution_options(synchronize_session=False))
        tag_ids = select(post_tags.c.tag_id).where(post_tags.c.post_id.in_(batch))
        db.session.execute(
            update(Tag).where(Tag.id.in_(tag_ids)).values(question_count=select(
                func.count(post_tags.c.post_id)).join(question, question.id == post_tags.c.post_id)
                .where(post_tags.c.tag_id == Tag.id, question.deleted_at.is_(None),
                       question.post_type == PostType.QUESTION.value).scalar_subquery())
            .execution_options(synchronize_session=False))
