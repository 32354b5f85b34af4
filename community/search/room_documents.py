"""Index documents of live help rooms: one per chat message (kind ``room``).

One document per message (not per stretch of conversation) keeps every result a single message
with a stable id: deleting a message removes exactly its document, a result links straight to it,
and a new message is indexed without touching the others. A message of a private room is indexed
with ``access=room:<slug>``, so only the room's members find it (see matching.access_query).

Rows are read with explicit column queries in bulk, like the threads' (documents.py).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select

from ..extensions import db
from ..models import Message, Room, User
from .documents import html_to_text
from .schema import NAMESPACES, PUBLIC, epoch_ms, room_access


@dataclass(frozen=True)
class MessageRow:
    id: int
    room_slug: str
    room_private: bool
    body_html: str
    author: str  # lower-cased username
    created_at: datetime
    deleted: bool  # deleted, or hidden by flags pending review: either way, not searchable


def _message_rows() -> Select:
    return (select(Message.id, Room.slug, Room.private, Message.body_html, User.username_key,
                   Message.created_at, Message.deleted_at, Message.hidden_at)
            .join(Room, Room.id == Message.room_id).join(User, User.id == Message.author_id))


def _row(row: Any) -> MessageRow:
    return MessageRow(row.id, row.slug, row.private, row.body_html, row.username_key,
                      row.created_at, row.deleted_at is not None or row.hidden_at is not None)


def load_messages(message_ids: Collection[int]) -> dict[int, MessageRow]:
    """These messages, deleted ones included (so their room is known); missing ids are absent."""
    if not message_ids:
        return {}
    rows = db.session.execute(_message_rows().where(Message.id.in_(list(message_ids))))
    return {row.id: _row(row) for row in rows}


def iter_message_batches(batch_size: int = 500, *,
                         room_slug: str | None = None) -> Iterator[list[MessageRow]]:
    """Every visible message (of one room, when ``room_slug`` is given), in id order, a batch at
    a time (keyset paging, one short read each)."""
    after = 0
    while True:
        stmt = _message_rows().where(Message.id > after, Message.deleted_at.is_(None),
                                     Message.hidden_at.is_(None))
        if room_slug is not None:
            stmt = stmt.where(Room.slug == room_slug)
        batch = [_row(row) for row in db.session.execute(stmt.order_by(Message.id).limit(batch_size))]
        if not batch:
            return
        yield batch
        after = batch[-1].id


def count_indexable_messages() -> int:
    return db.session.scalar(select(func.count(Message.id)).where(Message.deleted_at.is_(None),
                                                                  Message.hidden_at.is_(None))) or 0


def message_document(message: MessageRow) -> dict[str, Any]:
    """The document of one visible message. Its room's title is not indexed (every message of
    the room would match it); results show the title from the database."""
    text = NAMESPACES["room"]
    return {
        "doc_id": f"room:{message.id}", "kind": "room", "post_id": message.id,
        "room": message.room_slug,
        "access": room_access(message.room_slug) if message.room_private else PUBLIC,
        text + "body": html_to_text(message.body_html),
        "author": message.author, "people": message.author,
        "votes": 0, "created": epoch_ms(message.created_at),
    }
