"""Threads and answers in the API."""

from __future__ import annotations

from flask import Response, current_app
from flask_login import current_user, login_required

from ...actions import answers as answer_actions
from ...actions import moderation as moderation_actions
from ...actions import threads as thread_actions
from ...payloads import answer_payload, page_payload, thread_payload
from ...permissions import can_see_deleted, can_see_hidden
from ...queries import threads as thread_queries
from ...queries.events import events_after
from ...queries.paging import parse_page
from ...realtime import channels
from ...realtime.replay import replay
from ...text.markdown import render_markdown
from ...text.validation import check_text
from ..thread_cache import thread_cache, thread_cache_seconds
from .blueprint import ApiBlueprint
from .schemas import (
    AcceptIn,
    AnswerIn,
    EventsArgs,
    MergeIn,
    PreviewIn,
    ReasonIn,
    TagArgs,
    ThreadIn,
    ThreadListArgs,
    ThreadPatch,
)

bp = ApiBlueprint("threads", __name__, url_prefix="/api/v1", description="Questions and answers")


def full_thread(thread) -> dict:
    """The thread with its visible answers and the caller's own votes."""
    answers = thread_queries.list_answers(current_user, thread)
    votes = thread_queries.my_votes(current_user, [thread.id, *(a.id for a in answers)])
    body = thread_payload(thread, reveal_hidden=True)  # access_thread let only its readers in
    body["answers"] = [{**answer_payload(a, thread.accepted_answer_id,
                                         reveal_hidden=can_see_hidden(current_user, a.author_id)),
                        "my_vote": votes.get(a.id, 0)} for a in answers]
    body["my_vote"] = votes.get(thread.id, 0)
    return body


class PublicThread:
    """A thread's JSON as every non-moderator sees it, kept serialized for anonymous readers,
    and who wrote its hidden answers (they see those in full, so they get a fresh build)."""

    def __init__(self, body: dict, hidden_authors: frozenset[int]) -> None:
        self.body = body
        self.hidden_authors = hidden_authors
        self.serialized = current_app.json.response(body).get_data()  # exactly what jsonify sends

    def serialized_with_views(self, view_count: int) -> bytes:
        """The stored bytes with the current view count (page views change it without an event).
        The first match is the thread's own field: inside JSON strings a quote is escaped."""
        built = f'"view_count":{self.body["view_count"]},'.encode()
        return self.serialized.replace(built, f'"view_count":{view_count},'.encode(), 1)


def _public_thread(thread) -> PublicThread:
    answers = thread_queries.list_answers(None, thread)
    body = thread_payload(thread, reveal_hidden=True)  # only a visible thread is ever stored
    body["answers"] = [{**answer_payload(a, thread.accepted_answer_id), "my_vote": 0} for a in answers]
    body["my_vote"] = 0
    return PublicThread(body, frozenset(a.author_id for a in answers if a.is_hidden))


def _with_my_votes(public: PublicThread, thread_id: int, view_count: int) -> dict:
    answers = public.body["answers"]
    votes = thread_queries.my_votes(current_user, [thread_id, *(a["id"] for a in answers)])
    return {**public.body, "view_count": view_count,
            "answers": [{**a, "my_vote": votes.get(a["id"], 0)} for a in answers],
            "my_vote": votes.get(thread_id, 0)}


def cached_thread(thread_id: int):
    """full_thread, reusing the public payload while the thread's version stands (thread_cache)."""
    ttl = thread_cache_seconds()
    gate = thread_queries.get_thread_gate(thread_id) if ttl > 0 else None  # before the content
    if gate is None or not gate.public or can_see_deleted(current_user):
        # NotFound, or someone who sees more than the public (moderators, a hidden post's author)
        return full_thread(thread_queries.access_thread(current_user, thread_id))
    key = ("json", thread_id)
    public = thread_cache().get(key, gate.version, ttl)
    if public is None:
        thread = thread_queries.access_thread(current_user, thread_id)
        if thread.is_hidden or thread.is_deleted:  # changed since the gate was read
            return full_thread(thread)
        public = _public_thread(thread)
        thread_cache().put(key, gate.version, public)
    if not current_user.is_authenticated:
        return Response(public.serialized_with_views(gate.view_count),  # no re-encoding
                        mimetype=current_app.json.mimetype)
    if current_user.id in public.hidden_authors:
        return full_thread(thread_queries.access_thread(current_user, thread_id))
    return _with_my_votes(public, thread_id, gate.view_count)


@bp.post("/threads")
@login_required
@bp.arguments(ThreadIn)
def create_thread(data: dict):
    thread = thread_actions.ask_question(current_user, thread_actions.QuestionDraft(**data))
    return thread_payload(thread), 201


@bp.get("/threads")
@bp.arguments(ThreadListArgs, location="query")
def list_threads(args: dict):
    page = parse_page(args.pop("page", None), args.pop("per_page", None))
    flt = thread_queries.check_thread_filter(**args)
    threads, total = thread_queries.list_threads(current_user, flt, page)
    return page_payload([thread_payload(t) for t in threads], total, page.page, page.per_page)


@bp.get("/threads/<int:thread_id>")
def get_thread(thread_id: int):
    return cached_thread(thread_id)


@bp.patch("/threads/<int:thread_id>")
@login_required
@bp.arguments(ThreadPatch)
def update_thread(data: dict, thread_id: int):
    changes = thread_actions.QuestionChanges(**data)
    return full_thread(thread_actions.edit_question(current_user, thread_id, changes))


@bp.delete("/threads/<int:thread_id>")
@login_required
def delete_thread(thread_id: int):
    thread_actions.delete_thread(current_user, thread_id)
    return "", 204


@bp.post("/threads/<int:thread_id>/answers")
@login_required
@bp.arguments(AnswerIn)
def create_answer(data: dict, thread_id: int):
    answer = answer_actions.post_answer(current_user, thread_id, data["body"])
    return answer_payload(answer, None), 201


@bp.post("/threads/<int:thread_id>/accept")
@login_required
@bp.arguments(AcceptIn)
def accept(data: dict, thread_id: int):
    return full_thread(answer_actions.accept_answer(current_user, thread_id, data["answer_id"]))


@bp.post("/threads/<int:thread_id>/lock")
@login_required
@bp.arguments(ReasonIn)
def lock(data: dict, thread_id: int):
    """Moderators: only moderators may answer, edit, vote or accept from now on."""
    return full_thread(moderation_actions.lock_thread(current_user, thread_id, data["reason"]))


@bp.post("/threads/<int:thread_id>/unlock")
@login_required
def unlock(thread_id: int):
    return full_thread(moderation_actions.unlock_thread(current_user, thread_id))


@bp.post("/threads/<int:thread_id>/close")
@login_required
@bp.arguments(ReasonIn)
def close(data: dict, thread_id: int):
    """Moderators: no new answers from now on (edits and votes go on)."""
    return full_thread(moderation_actions.close_thread(current_user, thread_id, data["reason"]))


@bp.post("/threads/<int:thread_id>/reopen")
@login_required
def reopen(thread_id: int):
    return full_thread(moderation_actions.reopen_thread(current_user, thread_id))


@bp.post("/threads/<int:thread_id>/merge")
@login_required
@bp.arguments(MergeIn)
def merge(data: dict, thread_id: int):
    """Moderators: move this question's answers into another and close it as its duplicate;
    returns the target thread."""
    target = moderation_actions.merge_thread(current_user, thread_id, data["into"], data["reason"])
    return full_thread(target)


@bp.get("/threads/<int:thread_id>/events")
@bp.arguments(EventsArgs, location="query")
def thread_events(args: dict, thread_id: int):
    thread_queries.access_thread(current_user, thread_id)
    after = max(0, args["after"])
    events = events_after(channels.thread(thread_id), after)
    return {"events": replay(current_user, events), "last_id": events[-1].id if events else after}


@bp.get("/tags")
@bp.arguments(TagArgs, location="query")
def tags(args: dict):
    found = thread_queries.list_tags(check_text("q", args["q"], max_len=35))
    return {"items": [{"name": t.name, "question_count": t.question_count,
                       "url": f"/tags/{t.name}"} for t in found]}


@bp.post("/markdown/preview")
@login_required
@bp.arguments(PreviewIn)
def preview(data: dict):
    body = check_text("body", data["body"], max_len=thread_actions.BODY_MAX)
    return {"html": render_markdown(body)}
