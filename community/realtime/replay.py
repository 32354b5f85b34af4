"""Replaying the event log to one reader (catch-up on join, the events endpoints).

The log keeps each event as it was published, so an answer's ``answer_created`` still holds the
text a moderator has since hidden, or its author deleted. Live subscribers saw it then; a reader
catching up now must see the content as it is now, as the pages and the JSON API show it:
- hidden by flags (and the reader is neither its author nor a moderator): the text is withheld,
  as in a payload built today (``withheld_if_hidden``);
- deleted (and the reader is not a moderator): its events that carry content are left out, as
  deleted answers and messages are left out of pages; the deletion event itself still comes.
Questions and resources that are hidden or deleted are left out of the list channels' catch-up,
a deleted poll comes back only as ``{id, deleted: true}`` (it is gone for everyone), and a live
session's events list only the linked resources the reader may still see. The events' ids are
untouched, so a reader's cursor still moves past what was left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import literal, select

from ..extensions import db
from ..models import Event, Message, Poll, Post, Resource, User
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


_MODELS: dict[str, tuple[Any, Any, Any]] = {  # subject kind -> (model, its author, its hidden mark)
    "post": (Post, Post.author_id, Post.hidden_at),
    "message": (Message, Message.author_id, Message.hidden_at),
    "resource": (Resource, Resource.shared_by_id, Resource.hidden_at),
    "poll": (Poll, Poll.author_id, None),  # a deleted poll is gone for everyone, moderators too
}


def replay(viewer: User | None, events: Iterable[Event]) -> list[dict[str, Any]]:
    """The envelopes of ``events`` as ``viewer`` may read them now, oldest first."""
    events = list(events)
    states = _current_states(events)
    replayed = []
    for event in events:
        env = envelope(event)
        subject = _subject_of(event)
        if isinstance(env["data"].get("resources"), list):  # a live session's linked resources
            env["data"] = {**env["data"], "resources": [
                item for item in env["data"]["resources"]
                if _readable(viewer, states.get(("resource", item.get("id"))))]}
        state = states.get(subject)
        if state is None:
            replayed.append(env)
        elif subject[0] == "poll":
            if state.deleted and event.type == "poll_created":
                continue
            replayed.append({**env, "data": {"id": subject[1], "deleted": True}} if state.deleted else env)
        elif not (event.type in _LISTING_TYPES or "body" in env["data"]):
            replayed.append(env)  # carries no content
        elif state.deleted and not can_see_deleted(viewer):
            continue
        elif state.hidden and not can_see_hidden(viewer, state.author_id):
            if event.type in _LISTING_TYPES:
                continue
            data = withheld_if_hidden(dict(env["data"]), hidden=True, reveal=False)
            replayed.append({**env, "data": {**data, "hidden": True} if "hidden" in data else data})
        else:
            replayed.append(env)
    return replayed


def _readable(viewer: User | None, state: _State | None) -> bool:
    if state is None:
        return True
    if state.deleted and not can_see_deleted(viewer):
        return False
    return not state.hidden or can_see_hidden(viewer, state.author_id)


def _subject_of(event: Event) -> tuple[str, int] | None:
    kind, _, ident = (event.subject or "").partition(":")
    if kind not in _MODELS or not ident.isdigit():
        return None
    return kind, int(ident)


def _current_states(events: list[Event]) -> dict[tuple[str, int], _State]:
    """The hidden and deleted state of every post, message, resource and poll the events are
    about (and of the resources a live session's events list), in one statement per kind."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        if (subject := _subject_of(event)) is not None:
            wanted.setdefault(subject[0], set()).add(subject[1])
        nested = event.payload.get("resources") if isinstance(event.payload, dict) else None
        if isinstance(nested, list):
            wanted.setdefault("resource", set()).update(
                item["id"] for item in nested if isinstance(item, dict) and isinstance(item.get("id"), int))
    states = {}
    for kind, ids in wanted.items():
        model, author, hidden_mark = _MODELS[kind]
        hidden_column = hidden_mark if hidden_mark is not None else literal(None)
        rows = db.session.execute(select(model.id, author, hidden_column, model.deleted_at)
                                  .where(model.id.in_(sorted(ids))))
        for ident, author_id, hidden_at, deleted_at in rows:
            states[(kind, ident)] = _State(author_id, hidden_at is not None, deleted_at is not None)
    return states
