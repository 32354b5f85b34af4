"""The poll JSON: options with vote counts, the voters of non-anonymous polls, the caller's choice."""

from __future__ import annotations

from typing import Any

from ..models import Poll, PollOption
from .common import iso, user_payload


def poll_payload(poll: Poll, results: Any, room_slug: str | None, *, personal: bool = True,
                 now: Any = None) -> dict[str, Any]:
    """``results`` is a queries.polls.PollResults. ``personal=False`` leaves out the caller's own
    choices: event payloads go to every watcher alike.

    Voters are listed per option (``voters``: {option id: [user]}) only for non-anonymous polls;
    an anonymous poll has ``voters: null`` for everyone, moderators included.
    """
    body: dict[str, Any] = {
        "id": poll.id,
        "question": poll.question,
        "multiple": poll.multiple,
        "anonymous": poll.anonymous,
        "closes_at": iso(poll.closes_at),
        "closed": poll.is_closed(now),
        "closed_at": iso(poll.closed_at),
        "deleted": poll.is_deleted,
        "created_at": iso(poll.created_at),
        "author": user_payload(poll.author),
        "thread_id": poll.thread_id,
        "room": room_slug,
        "live_session_id": poll.live_session_id,
        "options": [_option(option, results) for option in poll.options],
        "voter_count": results.voter_count,
        "voters": None if poll.anonymous else {
            str(option.id): [user_payload(u) for u in results.voters.get(option.id, [])]
            for option in poll.options},
    }
    if personal:
        body["my_option_ids"] = sorted(results.mine)
    return body


def _option(option: PollOption, results: Any) -> dict[str, Any]:
    return {"id": option.id, "label": option.label, "votes": results.counts.get(option.id, 0)}

