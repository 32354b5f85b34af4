"""Saving the useful part of a live help conversation as an answer (or a new question).

The post is Markdown: each chosen message quoted with its author and time, the participants
credited with links to their profiles, and a link back to the room (`/rooms/<slug>`). It is
posted through the ordinary actions (post_answer / ask_question), so notifications, events,
search and reputation treat it like any other post.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..db import atomic
from ..errors import Forbidden, NotFound, ValidationFailed
from ..models import Message, Post, Room, User
from ..payloads import room_url, user_payload, user_url
from ..permissions import can_save_transcript, require_active_account
from ..queries.rooms import access_room, all_messages, is_row_id, messages_by_id
from ..queries.threads import access_thread, is_post_id
from ..realtime import channels
from ..realtime.events import record_event
from .answers import post_answer
from .threads import BODY_MAX, QuestionDraft, ask_question

MAX_MESSAGES = 200
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#!|~])")


@dataclass(frozen=True)
class TranscriptRequest:
    message_ids: object = None
    thread_id: object = None
    title: object = None


@dataclass(frozen=True)
class SavedTranscript:
    room: Room
    participants: list[User]
    answer: Post | None = None
    thread: Post | None = None


def _check_request(req: TranscriptRequest) -> tuple[list[int] | None, object, str | None]:
    ids = req.message_ids
    if ids is not None and (not isinstance(ids, list) or not all(is_row_id(i) for i in ids)):
        raise ValidationFailed({"message_ids": "must be a list of message ids"})
    if ids is not None and len(set(ids)) > MAX_MESSAGES:
        raise ValidationFailed({"message_ids": f"must name at most {MAX_MESSAGES} messages"})
    title = req.title.strip() if isinstance(req.title, str) and req.title.strip() else None
    if req.title is not None and not isinstance(req.title, str):
        raise ValidationFailed({"title": "must be a string"})
    if title is not None and req.thread_id is not None:
        raise ValidationFailed({"thread_id": "give either a thread_id (post an answer) or a title "
                                             "(ask a new question), not both"})
    if req.thread_id is not None and not is_post_id(req.thread_id):
        raise ValidationFailed({"thread_id": "must be the id of a question"})
    return (sorted(set(ids)) if ids else None), req.thread_id, title


def save_transcript(actor: User, slug: object, req: TranscriptRequest) -> SavedTranscript:
    """Post chosen messages (or all of them) as an answer on the linked or given thread, or as a
    new question when a title is given."""
    require_active_account(actor)
    ids, thread_id, title = _check_request(req)
    with atomic():
        room = access_room(actor, slug, for_update=True)
        if not can_save_transcript(actor, room):
            raise Forbidden("Only the room's owner or a moderator can publish a private room's "
                            "conversation." if room.private else "Log in to save a transcript.")
        messages = _chosen_messages(room, ids)
        participants = list({m.author_id: m.author for m in messages}.values())
        body = transcript_markdown(room, messages, participants)
        if title is not None:
            thread = ask_question(actor, QuestionDraft(title=title, body=body, tags=[]))
            if room.thread_id is None:
                room.thread_id = thread.id
            saved = SavedTranscript(room, participants, thread=thread)
        else:
            saved = SavedTranscript(room, participants,
                                    answer=post_answer(actor, _target_thread(actor, room, thread_id),
                                                       body))
        post = saved.thread or saved.answer
        record_event(channels.room(room.slug), "transcript_saved",
                     {"room": room.slug, "kind": "thread" if saved.thread else "answer",
                      "post_id": post.id, "thread_id": post.thread_id, "by": user_payload(actor),
                      "message_count": len(messages)}, subject=f"room:{room.id}")
    return saved


def _chosen_messages(room: Room, ids: list[int] | None) -> list[Message]:
    messages = messages_by_id(room, ids) if ids else all_messages(room, MAX_MESSAGES + 1)
    if ids and len(messages) != len(ids):
        raise ValidationFailed({"message_ids": "must all be messages of this room (not removed)"})
    if not messages:
        raise ValidationFailed({"message_ids": "there are no messages to save yet"})
    if len(messages) > MAX_MESSAGES:
        raise ValidationFailed({"message_ids": f"the room has more than {MAX_MESSAGES} messages; "
                                               "pick the ones to save"})
    return messages


def _target_thread(actor: User, room: Room, thread_id: object) -> int:
    target = thread_id if thread_id is not None else room.thread_id
    if target is None:
        raise ValidationFailed({"thread_id": "this room is not linked to a question: give a "
                                             "thread_id, or a title to ask a new question"})
    try:
        return access_thread(actor, target).id
    except NotFound:
        raise ValidationFailed({"thread_id": "is not a question you can see"}) from None


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def transcript_markdown(room: Room, messages: list[Message], participants: list[User]) -> str:
    link = f"[{_escape(room.title)}]({room_url(room.slug)})"
    names = [f"[{_escape(user.name)}]({user_url(user.username)})" for user in participants]
    credits = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    parts = [f"*From the live help room {link}, with thanks to {credits}.*"]
    for message in messages:
        quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in message.body.splitlines())
        parts.append(f"> **{_escape(message.author.name)}** · "
                     f"{message.created_at:%Y-%m-%d %H:%M} UTC\n>\n{quoted}")
    parts.append(f"[Open the conversation in the live help room]({room_url(room.slug)})")
    body = "\n\n".join(parts)
    if len(body) > BODY_MAX:
        raise ValidationFailed({"message_ids": f"the transcript would be longer than {BODY_MAX:,} "
                                               "characters; pick fewer messages"})
    return body
