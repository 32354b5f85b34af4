"""The single index writer: tails the ``events`` table from its stored cursor.

Each kind of searchable object maps events to the objects they changed, and rewrites those
objects' documents from the current rows (or deletes them when the object is gone or deleted):

- threads: every event on a ``thread:<id>`` channel (and ``thread_created`` on ``threads``) means
  "this thread changed" (its document and its answers' documents);
- rooms: ``room_message``, ``message_updated`` (hidden by flags, or shown again) and
  ``message_deleted`` (subject ``message:<id>``) mean "this message changed"; ``room_updated``
  (title, topic, archiving: ROOM_WIDE_EVENTS) re-indexes every message of the room, so whatever a
  room-level change affects (who may see its messages) is rewritten.
  Membership changes need nothing: private rooms are filtered by membership when searching.
- resources: every event with subject ``resource:<id>`` (``resource_created`` on ``resources``;
  ``resource_updated``, ``resource_deleted`` and ``resource_rated`` on ``resource:<id>``) means
  "this resource changed". Those that may change its text (RESOURCE_TEXT_EVENTS: an edit, a
  fetched preview, a deletion or a deleted link shared again) also change the threads whose posts
  link it, which carry its text: they are re-indexed with the threads these events changed, each
  once. A rating only changes the resource's own document (the ranking's prior).
  A post whose links changed needs nothing more: its links are synced in the post's own
  transaction, so its thread's events cover it.

Applying an event twice is therefore harmless, and events are applied strictly in id order, so a
crash or restart never loses a committed post and never shows a rolled-back one (rolled-back
transactions leave no event rows). Another kind adds its own pair of functions to ``_changes``.

Run it inside the server (COMMUNITY_INDEXER=thread: a background thread started with the app's
first request or by ``community run``) or as its own process (``community indexer``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from whoosh.writing import IndexWriter

from ..actions import search_cursors
from ..extensions import db
from . import cursors, storage
from .documents import load_threads, thread_documents
from .rebuild import ensure_index, rebuild_locked, search_root
from .resource_documents import load_resources, resource_document, threads_linking
from .room_documents import iter_message_batches, load_messages, message_document

log = logging.getLogger(__name__)

BATCH_EVENTS = 1000
WRITER_TIMEOUT = 10.0  # seconds to wait for Whoosh's write lock before giving up (and retrying)
POLL_SECONDS = 0.5
EventRow = tuple[int, str, str, str]  # (id, channel, type, subject)
MESSAGE_EVENTS = frozenset({"room_message", "message_updated", "message_deleted"})
ROOM_WIDE_EVENTS = frozenset({"room_updated"})  # a room's title, topic, archiving or privacy
RESOURCE_TEXT_EVENTS = frozenset({"resource_created", "resource_updated", "resource_deleted"})


def affected_threads(events: Iterable[EventRow]) -> list[int]:
    """The ids of the threads these events changed, in first-seen order."""
    found: dict[int, None] = {}
    for _id, channel, type_, subject in events:
        kind, _, ref = channel.partition(":")
        if kind == "thread" and ref.isdigit():
            found[int(ref)] = None
        elif type_ == "thread_created" and subject.startswith("post:") and subject[5:].isdigit():
            found[int(subject[5:])] = None
    return list(found)


def write_threads(writer: IndexWriter, thread_ids: list[int]) -> int:
    """Replace the documents of these threads with ones built from the database now."""
    sources = load_threads(thread_ids)
    written = 0
    for thread_id in thread_ids:
        writer.delete_by_term("thread", str(thread_id))
        if thread_id in sources:
            for doc in thread_documents(sources[thread_id]):
                writer.add_document(**doc)
                written += 1
    return written


@dataclass(frozen=True)
class ChangedRoomMessages:
    messages: list[int]  # message ids, in first-seen order
    rooms: list[str]  # slugs of rooms whose every message changed (is re-indexed)

    def __bool__(self) -> bool:
        return bool(self.messages or self.rooms)


def affected_rooms(events: Iterable[EventRow]) -> ChangedRoomMessages:
    """The messages and the whole rooms these events changed."""
    messages: dict[int, None] = {}
    rooms: dict[str, None] = {}
    for _id, channel, type_, subject in events:
        kind, _, slug = channel.partition(":")
        if kind != "room" or not slug:
            continue
        if type_ in MESSAGE_EVENTS and subject.startswith("message:") and subject[8:].isdigit():
            messages[int(subject[8:])] = None
        elif type_ in ROOM_WIDE_EVENTS:
            rooms[slug] = None
    return ChangedRoomMessages(list(messages), list(rooms))


def write_rooms(writer: IndexWriter, changes: ChangedRoomMessages) -> int:
    """Replace the documents of these messages and rooms with ones built from the database now.

    A writer only deletes documents of committed segments, so each document is added once: a
    message of a room that is re-indexed whole is left to the room.
    """
    written = 0
    for slug in changes.rooms:
        writer.delete_by_term("room", slug)
        for batch in iter_message_batches(room_slug=slug):
            for message in batch:
                writer.add_document(**message_document(message))
            written += len(batch)
    whole = set(changes.rooms)
    messages = load_messages(changes.messages)
    for message_id in changes.messages:
        message = messages.get(message_id)
        if message is not None and message.room_slug in whole:
            continue
        writer.delete_by_term("doc_id", f"room:{message_id}")
        if message is not None and not message.deleted:
            writer.add_document(**message_document(message))
            written += 1
    return written


@dataclass(frozen=True)
class ChangedResources:
    resources: list[int]  # resource ids, in first-seen order
    texts: list[int]  # those whose text may have changed (their linking threads change too)

    def __bool__(self) -> bool:
        return bool(self.resources)


def affected_resources(events: Iterable[EventRow]) -> ChangedResources:
    """The resources these events changed, and which of them may have new text."""
    resources: dict[int, None] = {}
    texts: dict[int, None] = {}
    for _id, _channel, type_, subject in events:
        if not (type_.startswith("resource_") and subject.startswith("resource:")
                and subject[9:].isdigit()):
            continue
        resources[int(subject[9:])] = None
        if type_ in RESOURCE_TEXT_EVENTS:
            texts[int(subject[9:])] = None
    return ChangedResources(list(resources), list(texts))


def write_resources(writer: IndexWriter, resource_ids: list[int]) -> int:
    """Replace the documents of these resources with ones built from the database now."""
    resources = load_resources(resource_ids)
    written = 0
    for resource_id in resource_ids:
        writer.delete_by_term("doc_id", f"resource:{resource_id}")
        resource = resources.get(resource_id)
        if resource is not None and not resource.deleted:
            writer.add_document(**resource_document(resource))
            written += 1
    return written


def _changes(events: list[EventRow]) -> list[tuple[Callable[[IndexWriter, Any], int], Any]]:
    """Per kind of searchable object: its writer, and what these events changed (may be empty).
    A thread is written once, whether its own events or a linked resource's changed it."""
    resources = affected_resources(events)
    threads = affected_threads(events)
    threads += sorted(set(threads_linking(resources.texts)) - set(threads))
    return [(write_threads, threads), (write_rooms, affected_rooms(events)),
            (write_resources, resources.resources)]


def _apply(root: Path, generation: str, events: list[EventRow]) -> None:
    changes = [(write, changed) for write, changed in _changes(events) if changed]
    if not changes:
        return
    writer = storage.open_generation(root, generation).writer(timeout=WRITER_TIMEOUT)
    try:
        for write, changed in changes:
            write(writer, changed)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def index_pending(app: Flask | None = None) -> int:
    """Apply every event past the cursor to the live index; returns how many were read.

    The one entry point for writing the index from the event log: the indexer thread, the
    ``community indexer`` process and the tests all call it.
    """
    if app is not None:
        with app.app_context():
            return index_pending()
    state = _lock_for(search_root())
    with state:
        try:
            return _index_pending(search_root())
        finally:
            db.session.remove()


def _index_pending(root: Path) -> int:
    generation = ensure_index(root)
    cursor = cursors.read_cursor(generation)
    applied = 0
    while True:
        if cursor is None:
            with storage.build_lock(root):  # the index and the database disagree: start over
                log.warning("search index %s has no cursor; rebuilding", generation)
                rebuild_locked(root)
            return applied
        events = cursors.events_after(cursor, BATCH_EVENTS)
        if not events:
            if cursor > cursors.latest_event_id():  # the database was reset or restored
                cursor = None
                continue
            return applied
        _apply(root, generation, events)
        cursor = events[-1][0]
        search_cursors.write_cursor(generation, cursor)
        applied += len(events)
        if len(events) < BATCH_EVENTS:
            return applied


_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock_for(root: Path) -> threading.Lock:
    """One writer per index directory within this process."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(str(root.resolve()), threading.Lock())
