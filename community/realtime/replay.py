"""Replaying the event log to one reader (catch-up on join, the events endpoints).

The log keeps each event as it was published, so an answer's ``answer_created`` still holds the
text a moderator has since hidden, or its author deleted. Live subscribers saw it then; a reader
catching up now must see the content as it is now, as the pages and the JSON API show it:
- hidden by flags (and the reader is neither its author nor a moderator): the text is withheld,
  as in a payload built today (``withheld_if_hidden``);
- deleted (and the reader is not a moderator): its events that carry content are left out, as
  deleted answers and messages are left out of pages; the deletion event itself still comes.
Questions and resources that are hidden or deleted are left out of the list channels' catch-up.
The events' ids are untouched, so a reader's cursor still moves past what was left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Event, Message, Post, Resource, User
from ..payloads.common import withheld_if_hidden
from ..permissions import can_see_deleted, can_see_hidden
from .events import envelope

# Events that announce a new item on a list channel: a withheld item is left out of the list.
_LISTING_TYPES = {"thread_created", "resource_created"}


@dataclass(frozen=True)
class _State:
    author_id: int
    hidden: bool
    deleted: bool


_MODELS: dict[str, tuple[Any, Any]] = {  # subject kind -> (model, its author column)
    "post": (Post, Post.author_id),
    "message": (Message, Message.author_id),
    "resource": (Resource, Resource.shared_by_id),
}


def replay(viewer: User | None, events: Iterable[Event]) -> list[dict[str, Any]]:
    """The envelopes of ``events`` as ``viewer`` may read them now, oldest first."""
    events = list(events)
    states = _current_states(events)
    replayed = []
    for event in events:
        env = envelope(event)
        state = states.get(_subject_of(event))
        if state is None or not (event.type in _LISTING_TYPES or "body" in env["data"]):
            replayed.append(env)  # about nothing that can be withheld, or carries no content
            continue
        deleted = state.deleted and not can_see_deleted(viewer)
        hidden = state.hidden and not can_see_hidden(viewer, state.author_id)
        if deleted or (hidden and event.type in _LISTING_TYPES):
            continue
        if hidden:
            data = withheld_if_hidden(dict(env["data"]), hidden=True, reveal=False)
            env["data"] = {**data, "hidden": True} if "hidden" in data else data
        replayed.append(env)
    return replayed


def _subject_of(event: Event) -> tuple[str, int] | None:
    kind, _, ident = (event.subject or "").partition(":")
    if kind not in _MODELS or not ident.isdigit():
        return None
    return kind, int(ident)


def _current_states(events: list[Event]) -> dict[tuple[str, int], _State]:
    """The hidden and deleted state of every post, message and resource the events are about,
    in one statement per kind."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        if (subject := _subject_of(event)) is not None:
            wanted.setdefault(subject[0], set()).add(subject[1])
    states = {}
    for kind, ids in wanted.items():
        model, author = _MODELS[kind]
        rows = db.session.execute(select(model.id, author, model.hidden_at, model.deleted_at)
                                  .where(model.id.in_(sorted(ids))))
        for ident, author_id, hidden_at, deleted_at in rows:
            states[(kind, ident)] = _State(author_id, hidden_at is not None, deleted_at is not None)
    return states
