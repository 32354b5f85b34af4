"""Room messages as search results (kind ``room``): loaded again, checked, linked and marked.

The index only proposes candidates. A hit is shown when its message is not deleted and its room
is public or one of the caller's private rooms (membership, not moderation: search never lists a
private room's messages to someone outside it), so a message removed, or a room made private, a
moment ago never shows, whatever the index still holds.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import select

from .. import search
from ..extensions import db
from ..models import Message, Room
from ..payloads import iso, room_url, user_payload
from .rooms import message_link


@dataclass(frozen=True)
class RoomMessageResult:
    """One chat message found by a search; ``type`` is "room"."""

    message: Message
    room: Room
    url: str  # opens the room's page at the message
    title_html: Markup  # the room's title, matches marked
    snippet_html: Markup
    score: float | None
    type: str = "room"

    def payload(self) -> dict[str, Any]:
        return {
            "type": self.type, "id": self.message.id, "thread_id": None, "title": self.room.title,
            "snippet_html": str(self.snippet_html), "url": self.url,
            "score": round(self.score, 4) if self.score is not None else None,
            "votes": None, "created_at": iso(self.message.created_at),
            "title_html": str(self.title_html), "author": user_payload(self.message.author),
            "room": {"slug": self.room.slug, "title": self.room.title, "private": self.room.private,
                     "archived": self.room.archived, "url": room_url(self.room.slug)},
        }


def _visible_messages(ids: list[int], private_rooms: Collection[str]) -> dict[int, tuple[Message, Room]]:
    rows = db.session.execute(
        select(Message, Room).join(Room, Room.id == Message.room_id)
        .where(Message.id.in_(ids), Message.deleted_at.is_(None), Message.hidden_at.is_(None)))
    return {message.id: (message, room) for message, room in rows
            if not room.private or room.slug in private_rooms}


def room_message_results(hits: list[search.Hit], terms: frozenset[str],
                         private_rooms: Collection[str]) -> dict[int, RoomMessageResult]:
    """The hits still visible to a caller in ``private_rooms``, by message id."""
    found = _visible_messages([hit.post_id for hit in hits], private_rooms)
    results = {}
    for hit in hits:
        if hit.post_id not in found:
            continue
        message, room = found[hit.post_id]
        text = search.plain_text(message.body_html)
        short = len(text) <= search.SNIPPET_CHARS  # most messages: shown whole, marked
        snippet = search.marked(text, terms, whole=short) or search.snippet([text], terms)
        title_html = search.marked(room.title, terms, whole=True) or Markup(escape(room.title))
        results[hit.post_id] = RoomMessageResult(message, room, message_link(room, message.id),
                                                 title_html, snippet, hit.score)
    return results
