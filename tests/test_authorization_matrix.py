"""The authorization matrix of issue 10: every /api/v1 endpoint and every client Socket.IO event,
each against (anonymous, member, author, moderator, admin, suspended, outsider of a private room), with the
status shared/API.md promises.

Read the tables below as the spec. ``author`` is whoever wrote or owns the object under test
(thread, post, resource, room, help request); ``member`` is a plain member who did not; the
``suspended`` member is suspended until next week (set on the row); in room rows the room is
private, ``member`` and ``suspended`` are in it, the moderator and the admin are not (site
moderators read and moderate every room) and ``outsider`` is a member of the site who is not in it.
401 = no login where one is needed, 403 = logged in but not allowed (suspended writes included),
404 = an object the caller may not see (a private room, deleted content), 2xx = allowed.

A coverage test fails when a route of the url_map or a socket event has no row, so new endpoints
cannot escape the matrix. The number of cells checked is printed at the end of the run.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from community import create_app
from community.config import TestConfig
from community.extensions import db
from community.models import Role

from .authz import (
    ADMIN,
    ANON,
    API_PREFIX,
    AUTHOR,
    MOD,
    OUTSIDER,
    SUSPENDED,
    Call,
    Row,
    SocketRow,
    World,
    admin_only,
    all_of,
    any_login,
    anyone,
    author_only,
    author_or_moderator,
    deleted_read,
    items_of,
    member_write,
    moderator_only,
    must_hide,
    private_owner_or_moderator,
    private_read,
    private_write,
    public_read,
    run_row,
    run_socket_row,
    socket_cells,
)
from .factories import PASSWORD, make_user, vote

_n = itertools.count(1)


# --- builders: the objects each request needs ---------------------------------------------------

def nothing(w: World) -> Call:
    return Call()


def register(w: World) -> Call:
    n = next(_n)
    return Call(json={"username": f"newcomer{n}", "email": f"newcomer{n}@example.com",
                      "password": PASSWORD})


def own_credentials(w: World) -> Call:
    """The cell's own login (anonymous callers use someone's correct password)."""
    return Call(json={"login": (w.actor or w.bystander).username, "password": PASSWORD})


def reset_token(w: World) -> Call:
    """A fresh user's password-reset token, through the action (the email is captured)."""
    from community.actions import password_resets

    user = make_user(w.app)
    sent: list = []
    original, password_resets.send_later = password_resets.send_later, sent.append
    try:
        with w.app.app_context():
            password_resets.request_password_reset(user.username, "127.0.0.1", "http://localhost")
    finally:
        password_resets.send_later = original
    token = sent[0].body.split(password_resets.RESET_PATH, 1)[1].split()[0]
    return Call(json={"token": token, "password": "a brand new passphrase"})


def new_thread_body(w: World) -> Call:
    return Call(json={"title": "How do I reset the simulation clock?", "body": "It is stuck.",
                      "tags": ["simulation"]})


def thread(w: World) -> Call:
    return Call(thread_id=w.thread().id)


def deleted_thread(w: World) -> Call:
    return Call(thread_id=w.deleted(w.thread()).id)


def followed_tag(w: World) -> Call:
    """A tag that exists (a question carries it), for following and unfollowing."""
    w.thread(tags=["matrix-tag"])
    return Call(name="matrix-tag")


def watch(*, deleted: bool = False):
    def build(w: World) -> Call:
        thread = w.thread()
        return Call(json={"level": "watching"}, thread_id=(w.deleted(thread) if deleted else thread).id)
    return build


def answered_thread(w: World) -> Call:
    t = w.thread()
    w.answer(t, w.bystander)
    return Call(thread_id=t.id)


def threads_list(w: World) -> Call:
    return Call(ctx={"deleted": w.deleted(w.thread()).id, "hidden": w.hidden("post", w.thread()).id})


def thread_with_deleted_answer(w: World) -> Call:
    t = w.thread()
    w.answer(t, w.bystander)
    return Call(thread_id=t.id, ctx={"deleted": w.deleted(w.answer(t, w.bystander)).id})


def edit_thread(w: World) -> Call:
    return Call(thread_id=w.thread().id, json={"title": "A clearer title for this question"})


def answer_thread(w: World, deleted: bool = False) -> Call:
    t = w.thread(w.bystander)
    return Call(thread_id=(w.deleted(t) if deleted else t).id, json={"body": "Try step 3 again."})


def accept(w: World) -> Call:
    t = w.thread()
    return Call(thread_id=t.id, json={"answer_id": w.answer(t, w.bystander).id})


def answer_post(w: World) -> Call:
    return Call(post_id=w.answer().id)


def edit_answer(w: World) -> Call:
    return Call(post_id=w.answer().id, json={"body": "An edited answer."})


def edit_question_body(w: World) -> Call:
    return Call(post_id=w.thread().id, json={"body": "An edited question body."})


def edit_deleted_answer(w: World) -> Call:
    return Call(post_id=w.deleted(w.answer()).id, json={"body": "Edited after deletion."})


def upvote(w: World, deleted: bool = False) -> Call:
    answer = w.answer()
    return Call(post_id=(w.deleted(answer) if deleted else answer).id, json={"value": 1})


def room_list(w: World) -> Call:
    return Call(ctx={"private": w.private_room().slug})


def private_room(w: World) -> Call:
    return Call(slug=w.private_room().slug)


def new_room(w: World) -> Call:
    return Call(json={"title": "Pivot table help", "private": True, "members": ["bystander"]})


def edit_room(w: World) -> Call:
    return Call(slug=w.private_room().slug, json={"topic": "Step 4 of the pivot table lab"})


def say(w: World, private: bool = True) -> Call:
    room = w.private_room() if private else w.public_room()
    return Call(slug=room.slug, json={"body": "Has anyone finished step 4?"})


def authors_message(w: World) -> Call:
    room = w.private_room()
    return Call(slug=room.slug, message_id=w.message(room).id)


def invite(w: World) -> Call:
    return Call(slug=w.private_room().slug, json={"username": "bystander"})


def remove_bystander(w: World) -> Call:
    return Call(slug=w.private_room("bystander").slug, username="bystander")


def raise_hand(w: World) -> Call:
    return Call(slug=w.private_room().slug, json={"summary": "Stuck on the pivot table step"})


def transcript(w: World, private: bool = True) -> Call:
    room = w.private_room() if private else w.public_room()
    w.message(room)
    return Call(slug=room.slug, json={"title": "Transcript: the pivot table help session"})


def help_queue(w: World) -> Call:
    return Call(ctx={"private": w.help_request(w.private_room()).id})


def help_request(w: World) -> Call:
    return Call(request_id=w.help_request(w.private_room()).id)


def resource_list(w: World) -> Call:
    return Call(ctx={"deleted": w.deleted_resource().id})


def new_resource(w: World) -> Call:
    return Call(json={"url": f"https://learn.example.com/new/{next(_n)}", "title": "A short guide"})


def resource(w: World) -> Call:
    return Call(resource_id=w.resource().id)


def deleted_resource(w: World) -> Call:
    return Call(resource_id=w.deleted_resource().id)


def hidden_duplicate(w: World) -> Call:
    """A link whose resource is hidden by flags: the duplicate check must not show it."""
    hidden = w.hidden("resource", w.resource())
    return Call(query={"url": hidden.url}, json={"url": hidden.url}, ctx={"hidden": hidden.id})


def resource_linked_from_hidden_question(w: World) -> Call:
    resource = w.resource(w.bystander)
    question = w.hidden("post", w.thread(body=f"See {resource.url} for the details."))
    return Call(resource_id=resource.id, ctx={"hidden": question.id})


def edit_resource(w: World) -> Call:
    return Call(resource_id=w.resource().id, json={"title": "A better title"})


def rate(w: World) -> Call:
    return Call(resource_id=w.resource().id, json={"stars": 4, "review": "Helpful."})


def vote_flag(w: World) -> Call:
    """A flagged pair of users (votes past VOTE_FLAG_THRESHOLD), through the vote action."""
    from community.models import VoteFlag

    w.app.config["VOTE_FLAG_THRESHOLD"] = 0
    vote(w.app, w.bystander, w.thread(), 1)
    with w.app.app_context():
        flag_id = db.session.scalar(db.select(VoteFlag.id).order_by(VoteFlag.id.desc()))
    return Call(flag_id=flag_id)


def hidden_thread(w: World) -> Call:
    return Call(thread_id=w.hidden("post", w.thread()).id)


def hidden_resource(w: World) -> Call:
    return Call(resource_id=w.hidden("resource", w.resource()).id)


def thread_with_hidden_answer(w: World) -> Call:
    t = w.thread(w.bystander)
    return Call(thread_id=t.id, ctx={"hidden": w.hidden("post", w.answer(t)).id})


def room_with_hidden_message(w: World) -> Call:
    room = w.private_room()
    return Call(slug=room.slug, ctx={"hidden": w.hidden("message", w.message(room)).id})


def suspended_profile(w: World) -> Call:
    return Call(username=w.suspended.username)


def locked_edit(w: World) -> Call:
    t = w.moderated("lock", w.thread(), "Too heated")
    return Call(thread_id=t.id, json={"title": "A clearer title for this question"})


def answer_moderated(w: World, verb: str) -> Call:
    t = w.moderated(verb, w.thread(w.bystander), f"{verb}ed by a moderator")
    return Call(thread_id=t.id, json={"body": "Try step 3 again."})


def upvote_locked(w: World) -> Call:
    t = w.thread(w.bystander)
    answer = w.answer(t)
    w.moderated("lock", t, "Too heated")
    return Call(post_id=answer.id, json={"value": 1})


# "was this helpful?" feedback: the author's answer (or resource) with a comment from the bystander

HELPFUL = {"helpful": False, "comment": "Needs an example."}


def helpful_answer(w: World, state: str = "") -> Call:
    from .factories import give_feedback

    t = w.thread(w.bystander)
    answer = w.answer(t)
    give_feedback(w.app, w.bystander, answer, False, "Which version?")
    if state == "deleted":
        w.deleted(answer)
    elif state == "hidden":
        w.hidden("post", answer)
    elif state == "locked":
        w.moderated("lock", t, "Too heated")
    return Call(post_id=answer.id, json=HELPFUL)


def helpful_question(w: World) -> Call:
    return Call(post_id=w.thread(w.bystander).id, json=HELPFUL)


def helpful_resource(w: World, deleted: bool = False) -> Call:
    from .factories import give_feedback

    resource = w.resource()
    give_feedback(w.app, w.bystander, resource, False, "Which version?")
    if deleted:
        from community.actions import resources

        with w.app.app_context():
            resources.delete_resource(w.moderator, resource.id)
    return Call(resource_id=resource.id, json=HELPFUL)


def feedback_comments_withheld(principal: str, call: Call, response) -> str | None:
    """Comments reach the item's author and moderators only; nobody is ever named."""
    shown = response.get_json()["comments"] is not None
    if shown != (principal in (AUTHOR, MOD, ADMIN)):
        return f"the comments are {'shown to' if shown else 'withheld from'} {principal}"
    if "bystander" in response.get_data(as_text=True):
        return "the summary names who gave feedback"
    return None


# moderation: flags, thread states, suspensions, roles, settings

def flag_authors_answer(w: World) -> Call:
    return Call(json={"target_type": "post", "target_id": w.answer().id, "reason": "spam"})


def flag_private_message(w: World) -> Call:
    room = w.private_room()
    return Call(json={"target_type": "message", "target_id": w.message(room).id, "reason": "spam"})


def flag_deleted_answer(w: World) -> Call:
    return Call(json={"target_type": "post", "target_id": w.deleted(w.answer()).id, "reason": "spam"})


def flag_list(w: World) -> Call:
    """A flag by the bystander on the author's answer: only moderators (and the bystander) see it."""
    return Call(ctx={"flag": w.flag("post", w.answer().id).id})


def authors_flag(w: World) -> Call:
    """A flag the author raised on the bystander's answer (its reporter may read it)."""
    return Call(flag_id=w.flag("post", w.answer(author=w.bystander).id, w.author).id,
                json={"decision": "approve"})


POLL_BODY = {"question": "Which step is hardest?", "options": ["Step 3", "Step 4"]}


def poll_in(w: World, *, room: bool) -> tuple[int, list[int]]:
    """(id, option ids) of a poll the author posted on their thread, or in their private room."""
    from community.actions import polls as poll_actions

    home = {"room": w.private_room().slug} if room else {"thread_id": w.thread().id}
    with w.app.app_context():
        poll = poll_actions.create_poll(w.author, poll_actions.PollDraft(**POLL_BODY, **home))
        found = poll.id, [o.id for o in poll.options]
        db.session.expunge_all()
    return found


def new_poll(room: bool):
    def build(w: World) -> Call:
        home = {"room": w.private_room().slug} if room else {"thread_id": w.thread().id}
        return Call(json={**POLL_BODY, **home})

    return build


def poll_call(room: bool, *, voting: bool = False):
    def build(w: World) -> Call:
        poll_id, option_ids = poll_in(w, room=room)
        return Call(poll_id=poll_id, json={"option_ids": option_ids[:1]} if voting else None)

    return build


def room_polls(w: World) -> Call:
    room = w.private_room()
    return Call(query={"room": room.slug})


def new_live_session(w: World) -> Call:
    from datetime import timedelta

    from community.models.base import utcnow

    start = (utcnow() + timedelta(days=3)).replace(microsecond=0).isoformat()
    return Call(json={"title": "Matrix training session", "starts_at": start, "capacity": 20})


def live_session(*, hours_ahead: float = 48, json: dict | None = None):
    """A session hosted by the author, scheduled by the moderator (soon: joinable already)."""
    def build(w: World) -> Call:
        from .factories import schedule_live_session

        session = schedule_live_session(w.app, w.moderator, hours_ahead=hours_ahead, host=w.author.username)
        return Call(session_id=session.id, json=json)

    return build


SURVEY_BODY = {"title": "Onboarding pulse", "questions": [{"kind": "rating", "prompt": "How was it?"}]}


def survey(*, opened: bool = True, json: dict | None = None, **fields):
    """A survey the moderator built (opened, or a draft) for everyone, unless ``fields`` say."""
    def build(w: World) -> Call:
        from tests.factories import make_survey

        return Call(survey_id=make_survey(w.app, w.moderator, open_=opened, **fields), json=json)

    return build


def finance_survey(w: World) -> Call:
    """An open survey for the Finance department, which only the member belongs to."""
    from tests.factories import make_survey, set_department

    set_department(w.app, w.member, " finance")
    return Call(survey_id=make_survey(w.app, w.moderator, audience="departments", departments=["Finance"]))


def survey_answer(*, opened: bool = True):
    def build(w: World) -> Call:
        from tests.factories import make_survey

        survey_id = make_survey(w.app, w.moderator, open_=opened, questions=SURVEY_BODY["questions"])
        with w.app.app_context():
            from community.models import Survey

            question_id = db.session.get(Survey, survey_id).questions[0].id
        return Call(survey_id=survey_id, json={"answers": [{"question_id": question_id, "rating": 4}]})

    return build


def track_body(w: World) -> Call:
    steps = [{"kind": "resource", "resource_id": w.resource().id}]
    return Call(json={"title": "Matrix track", "steps": steps})


def track(*, published: bool = True, json: dict | None = None):
    """A certification track the moderator built (published, or a draft) with one resource step."""
    def build(w: World) -> Call:
        from tests.factories import make_track

        steps = [{"kind": "resource", "resource_id": w.resource().id}]
        return Call(track_id=make_track(w.app, w.moderator, publish=published, steps=steps), json=json)

    return build


CONTRACT_BODY = {"title": "Matrix learning plan", "items": [{"title": "Read the guide"}]}


def contract(*, json: dict | None = None, completed: bool = False):
    """The author's learning contract, shared with the member as manager (read, comment, co-sign)."""
    def build(w: World) -> Call:
        from community.actions import contracts as contract_actions
        from community.models import LearningContract
        from tests.factories import make_contract

        contract_id = make_contract(w.app, w.author, shares=[(w.member, "manager")])
        with w.app.app_context():
            if completed:
                contract_actions.complete_contract(w.author, contract_id)
            item_id = db.session.get(LearningContract, contract_id).items[0].id
            db.session.expunge_all()
        return Call(contract_id=contract_id, item_id=item_id, json=json)

    return build


def contract_cells(ok: int = 200, *, member: int = 403, author: int | None = None,
                   **overrides: int) -> dict[str, int]:
    """A private contract: its owner (the author) and the member it is shared with; moderators,
    admins and outsiders 404; suspended writers 403 before anything else."""
    return member_write(ok, outsider=404, **{"member": member, "author": ok if author is None else author,
                                              "moderator": 404, "admin": 404, **overrides})


def milestone(*, json: dict | None = None, **fields):
    """The author's milestone, shared with the member (who may read it, not change it)."""
    def build(w: World) -> Call:
        from tests.factories import make_milestone

        return Call(milestone_id=make_milestone(w.app, w.author, shared_with=[w.member], **fields), json=json)

    return build


def thread_action(verb: str | None, json: dict | None = None):
    def build(w: World) -> Call:
        t = w.thread()
        return Call(thread_id=(w.moderated(verb, t, "For the matrix") if verb else t).id, json=json)

    return build


def merge(w: World) -> Call:
    return Call(thread_id=w.thread().id,
                json={"into": w.thread(w.bystander).id, "reason": "Duplicate of the older question"})


def fresh_user(role: Role = Role.MEMBER, *, suspended: bool = False, json: dict | None = None):
    def build(w: World) -> Call:
        user = make_user(w.app, role=role)
        if suspended:
            w.suspend(user)
        return Call(username=user.username, json=json)

    return build


def author_profile(w: World) -> Call:
    return Call(username=w.author.username)


def answers_hide(principal: str, call: Call, response) -> str | None:
    shown = call.ctx["deleted"] in [a["id"] for a in response.get_json()["answers"]]
    if shown != (principal in (MOD, ADMIN)):
        return f"the deleted answer is {'shown to' if shown else 'hidden from'} {principal}"
    return None


def withheld(items_of_response, *, readers: tuple[str, ...]):
    """Content hidden by flags: its text reaches only ``readers`` (its author and moderators)."""
    def check(principal: str, call: Call, response) -> str | None:
        items = [i for i in items_of_response(response.get_json()) if i["id"] == call.ctx["hidden"]]
        shown = bool(items and items[0]["body"])
        if shown != (principal in readers):
            return f"the hidden text is {'shown to' if shown else 'withheld from'} {principal}"
        return None

    return check


def existing_withheld(principal: str, call: Call, response) -> str | None:
    """The duplicate check (and the 409 of a duplicate share) names a hidden resource only to
    those who may read it: its sharer and moderators."""
    existing = (response.get_json() or {}).get("existing")
    if existing is not None and principal not in (AUTHOR, MOD, ADMIN):
        return f"the hidden resource {existing.get('title')!r} leaks to {principal}"
    return None


def linked_from_hides(principal: str, call: Call, response) -> str | None:
    linked = [t["id"] for t in response.get_json()["linked_from"]]
    if call.ctx["hidden"] in linked and principal not in (AUTHOR, MOD, ADMIN):
        return f"the question hidden by flags is listed in linked_from for {principal}"
    return None


def suspension_shown(principal: str, call: Call, response) -> str | None:
    shown = bool(response.get_json().get("suspended_until"))
    if shown != (principal in (MOD, ADMIN, SUSPENDED)):
        return f"the suspension is {'shown to' if shown else 'hidden from'} {principal}"
    return None


def flags_hide(principal: str, call: Call, response) -> str | None:
    shown = any(item["id"] == call.ctx["flag"] for item in items_of(response))
    if shown != (principal in (MOD, ADMIN)):
        return f"someone else's flag is {'listed for' if shown else 'missing for'} {principal}"
    return None


def rooms_hide(principal: str, call: Call, response) -> str | None:
    shown = any(item["slug"] == call.ctx["private"] for item in items_of(response))
    if shown == (principal in (ANON, OUTSIDER)):
        return f"the private room is {'listed for' if shown else 'missing for'} {principal}"
    return None


def help_queue_hides(principal: str, call: Call, response) -> str | None:
    shown = any(item["id"] == call.ctx["private"] for item in items_of(response))
    if shown == (principal in (ANON, OUTSIDER)):
        return f"the private room's help request is {'listed for' if shown else 'missing for'} {principal}"
    return None


SUSPEND = {"reason": "Spam", "days": 1}


# --- the matrix: one row per endpoint (and variant) ------------------------------------------------

ROWS = [
    # accounts
    Row("POST", "/auth/register", register, anyone(201)),
    Row("POST", "/auth/tokens", own_credentials, anyone(201)),
    Row("DELETE", "/auth/tokens/current", nothing, any_login(204)),
    Row("POST", "/auth/password-reset", own_credentials, anyone(202)),
    Row("POST", "/auth/password-reset/confirm", reset_token, anyone(200)),
    Row("GET", "/me", nothing, any_login()),
    Row("PATCH", "/me", lambda w: Call(json={"display_name": "New Name"}), member_write(200)),
    Row("GET", "/users/<username>", author_profile, public_read()),
    Row("GET", "/users/<username>", suspended_profile, public_read(), check=suspension_shown,
        label="suspended user"),
    Row("GET", "/users/<username>/reputation", author_profile, public_read()),
    Row("GET", "/openapi.json", nothing, public_read()),
    # threads and posts
    Row("POST", "/threads", new_thread_body, member_write(201)),
    Row("GET", "/threads", threads_list, public_read(),
        check=all_of(must_hide("id", "deleted", visible_to=(MOD, ADMIN)),
                     must_hide("id", "hidden", visible_to=(MOD, ADMIN)))),
    Row("GET", "/threads/<int:thread_id>", thread_with_deleted_answer, public_read(), check=answers_hide),
    Row("GET", "/threads/<int:thread_id>", deleted_thread, deleted_read(), label="deleted"),
    Row("GET", "/threads/<int:thread_id>", hidden_thread, deleted_read(author=200), label="hidden by flags"),
    Row("GET", "/threads/<int:thread_id>", thread_with_hidden_answer, public_read(), label="hidden answer",
        check=withheld(lambda body: body["answers"], readers=(AUTHOR, MOD, ADMIN))),
    Row("PATCH", "/threads/<int:thread_id>", edit_thread, author_or_moderator(200)),
    Row("PATCH", "/threads/<int:thread_id>", locked_edit, author_or_moderator(200, author=403),
        label="locked"),
    Row("DELETE", "/threads/<int:thread_id>", thread, author_or_moderator(204)),
    Row("DELETE", "/threads/<int:thread_id>", answered_thread, author_or_moderator(204, author=403),
        label="answered"),
    Row("POST", "/threads/<int:thread_id>/answers", answer_thread, member_write(201)),
    Row("POST", "/threads/<int:thread_id>/answers", lambda w: answer_thread(w, deleted=True),
        member_write(201, member=404, author=404, moderator=403, admin=403), label="deleted"),
    Row("POST", "/threads/<int:thread_id>/answers", lambda w: answer_moderated(w, "lock"),
        member_write(201, member=403, author=403), label="locked"),
    Row("POST", "/threads/<int:thread_id>/answers", lambda w: answer_moderated(w, "close"),
        member_write(403), label="closed"),
    Row("POST", "/threads/<int:thread_id>/accept", accept, author_only(200)),
    Row("POST", "/threads/<int:thread_id>/lock", thread_action(None, {"reason": "Too heated"}),
        moderator_only(200)),
    Row("POST", "/threads/<int:thread_id>/unlock", thread_action("lock"), moderator_only(200)),
    Row("POST", "/threads/<int:thread_id>/close", thread_action(None, {"reason": "Off topic"}),
        moderator_only(200)),
    Row("POST", "/threads/<int:thread_id>/reopen", thread_action("close"), moderator_only(200)),
    Row("POST", "/threads/<int:thread_id>/merge", merge, moderator_only(200)),
    Row("GET", "/threads/<int:thread_id>/events", thread, public_read()),
    Row("GET", "/threads/<int:thread_id>/events", deleted_thread, deleted_read(), label="deleted"),
    Row("GET", "/threads/<int:thread_id>/resources", thread, public_read()),
    Row("GET", "/threads/similar", lambda w: Call(query={"title": "simulation clock"}), public_read()),
    Row("GET", "/tags", lambda w: Call(query={"q": "sim"}), public_read()),
    Row("POST", "/markdown/preview", lambda w: Call(json={"body": "**bold**"}), any_login()),
    Row("PATCH", "/posts/<int:post_id>", edit_answer, author_or_moderator(200)),
    Row("PATCH", "/posts/<int:post_id>", edit_question_body, author_or_moderator(200), label="question"),
    Row("PATCH", "/posts/<int:post_id>", edit_deleted_answer,  # suspended: 404 before the 403
        author_or_moderator(200, member=404, author=404, suspended=404), label="deleted"),
    Row("DELETE", "/posts/<int:post_id>", answer_post, author_or_moderator(204)),
    Row("POST", "/posts/<int:post_id>/vote", upvote, member_write(200, author=403)),
    Row("POST", "/posts/<int:post_id>/vote", lambda w: upvote(w, deleted=True),
        member_write(200, member=404, author=404, moderator=403, admin=403), label="deleted"),
    Row("POST", "/posts/<int:post_id>/vote", upvote_locked, member_write(200, member=403, author=403),
        label="locked"),
    Row("GET", "/search", lambda w: Call(query={"q": "simulation"}), public_read()),
    # notifications
    Row("GET", "/notifications", nothing, any_login()),
    Row("POST", "/notifications/read", lambda w: Call(json={"all": True}), any_login()),
    # live help rooms (a private room: see the module docstring)
    Row("POST", "/rooms", new_room, member_write(201, outsider=201)),
    Row("GET", "/rooms", room_list, public_read(outsider=200), check=rooms_hide),
    Row("GET", "/rooms/<slug>", private_room, private_read()),
    Row("PATCH", "/rooms/<slug>", edit_room, private_owner_or_moderator(200)),
    Row("GET", "/rooms/<slug>/events", private_room, private_read()),
    Row("GET", "/rooms/<slug>/messages", private_room, private_read()),
    Row("GET", "/rooms/<slug>/messages", room_with_hidden_message, private_read(), label="hidden message",
        check=withheld(lambda body: body["items"], readers=(AUTHOR, MOD, ADMIN))),
    Row("POST", "/rooms/<slug>/messages", say, private_write(201)),
    Row("POST", "/rooms/<slug>/messages", lambda w: say(w, private=False), member_write(201, outsider=201),
        label="public room"),
    Row("DELETE", "/rooms/<slug>/messages/<int:message_id>", authors_message,
        private_owner_or_moderator(204)),
    Row("GET", "/rooms/<slug>/members", private_room, private_read()),
    Row("POST", "/rooms/<slug>/members", invite, private_owner_or_moderator(201)),
    Row("DELETE", "/rooms/<slug>/members/<username>", remove_bystander, private_owner_or_moderator(204)),
    Row("GET", "/rooms/<slug>/help-requests", private_room, private_read()),
    Row("POST", "/rooms/<slug>/help-requests", raise_hand, private_write(201)),
    Row("POST", "/rooms/<slug>/transcript", transcript, private_owner_or_moderator(201)),
    Row("POST", "/rooms/<slug>/transcript", lambda w: transcript(w, private=False),
        member_write(201, outsider=201), label="public room"),
    Row("GET", "/help-requests", help_queue, public_read(outsider=200), check=help_queue_hides),
    Row("GET", "/help-requests/<int:request_id>", help_request, private_read()),
    Row("POST", "/help-requests/<int:request_id>/claim", help_request, private_write(200, author=403)),
    Row("POST", "/help-requests/<int:request_id>/resolve", help_request, private_owner_or_moderator(200)),
    # resources
    Row("POST", "/resources", new_resource, member_write(201)),
    Row("POST", "/resources", hidden_duplicate, member_write(409), check=existing_withheld,
        label="duplicate of a hidden resource"),
    Row("GET", "/resources", resource_list, public_read(),
        check=must_hide("id", "deleted", visible_to=())),  # the library never lists deleted ones
    Row("GET", "/resources/check", lambda w: Call(query={"url": "https://learn.example.com/x"}),
        public_read()),
    Row("GET", "/resources/check", hidden_duplicate, public_read(), check=existing_withheld,
        label="hidden resource"),
    Row("GET", "/resources/<int:resource_id>", resource, public_read()),
    Row("GET", "/resources/<int:resource_id>", resource_linked_from_hidden_question, public_read(),
        check=linked_from_hides, label="linked from a hidden question"),
    Row("GET", "/resources/<int:resource_id>", deleted_resource, deleted_read(), label="deleted"),
    Row("GET", "/resources/<int:resource_id>", hidden_resource, deleted_read(author=200),
        label="hidden by flags"),
    Row("PATCH", "/resources/<int:resource_id>", edit_resource, author_or_moderator(200)),
    Row("DELETE", "/resources/<int:resource_id>", resource, author_or_moderator(204)),
    Row("PUT", "/resources/<int:resource_id>/rating", rate, member_write(200, author=403)),
    Row("DELETE", "/resources/<int:resource_id>/rating", resource, member_write(204)),
    Row("GET", "/resources/<int:resource_id>/ratings", resource, public_read()),
    # recognition
    Row("GET", "/badges", nothing, public_read()),
    Row("GET", "/badges/<slug>", lambda w: Call(slug="first-question"), public_read()),
    Row("POST", "/kudos", lambda w: Call(json={"to": "bystander", "message": "Thanks!"}),
        member_write(201)),
    Row("GET", "/kudos", nothing, public_read()),
    Row("GET", "/leaderboard", nothing, public_read()),
    Row("GET", "/privileges", nothing, public_read()),
    Row("GET", "/vote-flags", nothing, moderator_only()),
    Row("POST", "/vote-flags/<int:flag_id>/resolve", vote_flag, moderator_only(200)),
    # moderation: flags (the author raised the flag under test; reporters read their own flags)
    Row("POST", "/flags", flag_authors_answer, member_write(201, author=403)),
    Row("POST", "/flags", flag_private_message, private_write(201, author=403), label="private room message"),
    Row("POST", "/flags", flag_deleted_answer, member_write(404, suspended=403), label="deleted post"),
    Row("GET", "/flags", flag_list, any_login(), check=flags_hide),
    Row("GET", "/flags/<int:flag_id>", authors_flag, author_or_moderator(200, member=404, suspended=404)),
    Row("POST", "/flags/<int:flag_id>/resolve", authors_flag, moderator_only(200)),
    # moderation and administration: suspensions, roles, settings, the audit log, site activity
    Row("POST", "/users/<username>/suspension", fresh_user(json=SUSPEND), moderator_only(200)),
    Row("POST", "/users/<username>/suspension", fresh_user(Role.MODERATOR, json=SUSPEND), admin_only(200),
        label="a moderator"),
    Row("POST", "/users/<username>/suspension", fresh_user(Role.ADMIN, json=SUSPEND), admin_only(403),
        label="an admin"),
    Row("DELETE", "/users/<username>/suspension", fresh_user(suspended=True), moderator_only(204)),
    Row("PUT", "/users/<username>/role", fresh_user(json={"role": "moderator"}), admin_only(200)),
    Row("GET", "/admin/users", nothing, moderator_only()),
    Row("GET", "/audit-log", nothing, moderator_only()),
    Row("GET", "/admin/stats", nothing, moderator_only()),
    Row("GET", "/admin/settings", nothing, admin_only()),
    Row("PATCH", "/admin/settings", lambda w: Call(json={"KUDOS_DAILY_LIMIT": 6}), admin_only(200)),
    # polls
    Row("POST", "/polls", new_poll(room=False), author_or_moderator(201)),
    Row("POST", "/polls", new_poll(room=True), private_write(201), label="private room"),
    Row("GET", "/polls", lambda w: Call(query={"thread_id": w.thread().id}), public_read()),
    Row("GET", "/polls", room_polls, private_read(), label="private room"),
    Row("GET", "/polls/<int:poll_id>", poll_call(room=False), public_read()),
    Row("GET", "/polls/<int:poll_id>", poll_call(room=True), private_read(), label="private room"),
    Row("PUT", "/polls/<int:poll_id>/vote", poll_call(room=False, voting=True), member_write(200)),
    Row("PUT", "/polls/<int:poll_id>/vote", poll_call(room=True, voting=True), private_write(200),
        label="private room"),
    Row("DELETE", "/polls/<int:poll_id>/vote", poll_call(room=True), private_write(204)),
    Row("POST", "/polls/<int:poll_id>/close", poll_call(room=False), author_or_moderator(200)),
    Row("POST", "/polls/<int:poll_id>/close", poll_call(room=True), private_owner_or_moderator(200),
        label="private room"),
    Row("DELETE", "/polls/<int:poll_id>", poll_call(room=False), author_or_moderator(204)),
    # surveys (built by the moderator; members of the audience answer; "author" is a plain member)
    Row("POST", "/surveys", lambda w: Call(json=SURVEY_BODY), moderator_only(201)),
    Row("GET", "/surveys", nothing, any_login()),
    Row("GET", "/surveys/<int:survey_id>", survey(), any_login()),
    Row("GET", "/surveys/<int:survey_id>", survey(opened=False),
        any_login(member=404, author=404, suspended=404), label="draft"),
    Row("GET", "/surveys/<int:survey_id>", finance_survey, any_login(author=404, suspended=404),
        label="another department"),
    Row("PATCH", "/surveys/<int:survey_id>", survey(opened=False, json={"title": "Renamed pulse"}),
        moderator_only(200, member=404, author=404)),
    Row("DELETE", "/surveys/<int:survey_id>", survey(opened=False),
        moderator_only(204, member=404, author=404)),
    Row("DELETE", "/surveys/<int:survey_id>", survey(), admin_only(204), label="opened"),
    Row("POST", "/surveys/<int:survey_id>/open", survey(opened=False),
        moderator_only(200, member=404, author=404)),
    Row("POST", "/surveys/<int:survey_id>/close", survey(), moderator_only(200)),
    Row("POST", "/surveys/<int:survey_id>/responses", survey_answer(), member_write(201)),
    Row("POST", "/surveys/<int:survey_id>/responses", survey_answer(opened=False),
        member_write(409, member=404, author=404), label="draft"),
    Row("GET", "/surveys/<int:survey_id>/results", survey(), moderator_only()),
    Row("GET", "/surveys/<int:survey_id>/results.csv", survey(), moderator_only()),
    # live training sessions
    Row("POST", "/live-sessions", new_live_session, moderator_only(201)),
    Row("GET", "/live-sessions", nothing, public_read()),
    Row("GET", "/live-sessions/<int:session_id>", live_session(), public_read()),
    Row("PATCH", "/live-sessions/<int:session_id>", live_session(json={"title": "Renamed by the matrix"}),
        author_or_moderator(200)),
    Row("POST", "/live-sessions/<int:session_id>/cancel", live_session(), author_or_moderator(200)),
    Row("PUT", "/live-sessions/<int:session_id>/rsvp", live_session(), member_write(200)),
    Row("DELETE", "/live-sessions/<int:session_id>/rsvp", live_session(), member_write(204)),
    Row("POST", "/live-sessions/<int:session_id>/attend", live_session(hours_ahead=0.05), member_write(200)),
    Row("GET", "/live-sessions/<int:session_id>/attendees", live_session(), author_or_moderator(200)),
    # "was this helpful?" feedback
    # (every call needs a login; suspended members read but don't write; a question takes none: 404)
    Row("GET", "/posts/<int:post_id>/feedback", helpful_answer, any_login(),
        check=feedback_comments_withheld),
    Row("GET", "/posts/<int:post_id>/feedback", helpful_question, any_login(404), label="question"),
    Row("GET", "/posts/<int:post_id>/feedback", lambda w: helpful_answer(w, "deleted"),
        deleted_read(anonymous=401), label="deleted"),
    Row("GET", "/posts/<int:post_id>/feedback", lambda w: helpful_answer(w, "hidden"),
        deleted_read(anonymous=401, author=200), label="hidden by flags"),
    Row("PUT", "/posts/<int:post_id>/feedback", helpful_answer, member_write(200, author=403),
        check=feedback_comments_withheld),
    Row("PUT", "/posts/<int:post_id>/feedback", helpful_question, member_write(404, suspended=403),
        label="question"),
    Row("PUT", "/posts/<int:post_id>/feedback", lambda w: helpful_answer(w, "deleted"),
        member_write(403, member=404, author=404), label="deleted"),
    Row("PUT", "/posts/<int:post_id>/feedback", lambda w: helpful_answer(w, "hidden"),
        member_write(200, member=404, author=403), label="hidden by flags"),
    Row("PUT", "/posts/<int:post_id>/feedback", lambda w: helpful_answer(w, "locked"),
        member_write(200, member=403, author=403), label="locked"),
    Row("DELETE", "/posts/<int:post_id>/feedback", helpful_answer, member_write(204)),
    Row("GET", "/resources/<int:resource_id>/feedback", helpful_resource, any_login(),
        check=feedback_comments_withheld),
    Row("GET", "/resources/<int:resource_id>/feedback", lambda w: helpful_resource(w, deleted=True),
        deleted_read(anonymous=401), label="deleted"),
    Row("PUT", "/resources/<int:resource_id>/feedback", helpful_resource, member_write(200, author=403),
        check=feedback_comments_withheld),
    Row("PUT", "/resources/<int:resource_id>/feedback", lambda w: helpful_resource(w, deleted=True),
        member_write(403, member=404, author=404), label="deleted"),
    Row("DELETE", "/resources/<int:resource_id>/feedback", helpful_resource, member_write(204)),
    Row("GET", "/me/feedback", nothing, any_login()),
    # feed and follows
    # (one's own home and follows: any login reads, suspended members don't write; deleted: 404 but to
    # moderators)
    Row("GET", "/feed", nothing, any_login()),
    Row("GET", "/me/follows", nothing, any_login()),
    Row("PUT", "/tags/<name>/follow", followed_tag, member_write(200)),
    Row("DELETE", "/tags/<name>/follow", followed_tag, member_write(204)),
    Row("PUT", "/threads/<int:thread_id>/watch", watch(), member_write(200)),
    Row("PUT", "/threads/<int:thread_id>/watch", watch(deleted=True),
        member_write(200, member=404, author=404), label="deleted"),
    Row("DELETE", "/threads/<int:thread_id>/watch", watch(), member_write(204)),
    # certification tracks
    # (moderators build them; drafts are theirs only: 404 to members; members enroll and read their
    # own progress; "Mark as done" on resources is any member's)
    Row("GET", "/tracks", nothing, any_login()),
    Row("POST", "/tracks", track_body, moderator_only(201)),
    Row("GET", "/tracks/<int:track_id>", track(), any_login()),
    Row("GET", "/tracks/<int:track_id>", track(published=False),
        any_login(404, moderator=200, admin=200), label="draft"),
    Row("PATCH", "/tracks/<int:track_id>", track(json={"title": "Renamed track"}), moderator_only(200)),
    Row("DELETE", "/tracks/<int:track_id>", track(), admin_only(204), label="published"),
    Row("DELETE", "/tracks/<int:track_id>", track(published=False),
        moderator_only(204, member=404, author=404), label="draft"),
    Row("POST", "/tracks/<int:track_id>/publish", track(published=False),
        moderator_only(200, member=404, author=404)),
    Row("POST", "/tracks/<int:track_id>/archive", track(), moderator_only(200)),
    Row("POST", "/tracks/<int:track_id>/enroll", track(), member_write(201)),
    Row("POST", "/tracks/<int:track_id>/enroll", track(published=False),
        member_write(409, member=404, author=404), label="draft"),
    Row("DELETE", "/tracks/<int:track_id>/enroll", track(), member_write(204)),
    Row("GET", "/tracks/<int:track_id>/progress", track(), any_login()),
    Row("GET", "/tracks/<int:track_id>/progress", track(published=False),
        any_login(404, moderator=200, admin=200), label="draft"),
    Row("PUT", "/resources/<int:resource_id>/done", resource, member_write(200)),
    Row("PUT", "/resources/<int:resource_id>/done", deleted_resource,
        member_write(403, member=404, author=404), label="deleted"),
    Row("DELETE", "/resources/<int:resource_id>/done", resource, member_write(204)),
    # learning contracts (the author's, shared with the member as manager; personal: others 404)
    Row("POST", "/contracts", lambda w: Call(json=CONTRACT_BODY), member_write(201)),
    Row("GET", "/contracts", nothing, any_login()),
    Row("GET", "/contracts/<int:contract_id>", contract(), contract_cells(200, member=200, suspended=404)),
    Row("PATCH", "/contracts/<int:contract_id>", contract(json={"title": "Renamed plan"}), contract_cells()),
    Row("DELETE", "/contracts/<int:contract_id>", contract(), contract_cells(204)),
    Row("POST", "/contracts/<int:contract_id>/items/<int:item_id>/done", contract(), contract_cells()),
    Row("DELETE", "/contracts/<int:contract_id>/items/<int:item_id>/done", contract(), contract_cells()),
    Row("POST", "/contracts/<int:contract_id>/comments", contract(json={"body": "Keep going"}),
        contract_cells(201, member=201)),
    Row("POST", "/contracts/<int:contract_id>/cosign", contract(),
        contract_cells(200, member=200, author=403)),
    Row("POST", "/contracts/<int:contract_id>/complete", contract(), contract_cells()),
    Row("POST", "/contracts/<int:contract_id>/reopen", contract(completed=True), contract_cells()),
    Row("PUT", "/contracts/<int:contract_id>/shares",
        contract(json={"shares": [{"username": "member", "role": "mentor"}]}), contract_cells()),
    Row("GET", "/contracts/<int:contract_id>/history", contract(),
        contract_cells(200, member=200, suspended=404)),
    # milestones (the author's own, shared with the member; everyone else, moderators too: 404;
    # a suspended member's write is refused (403) before anything is looked up)
    Row("GET", "/milestones", nothing, any_login()),
    Row("POST", "/milestones", lambda w: Call(json={"title": "Ask two questions", "metric": "questions",
                                                    "target": 2}), member_write(201)),
    Row("GET", "/milestones/<int:milestone_id>", milestone(),
        any_login(moderator=404, admin=404, suspended=404)),
    Row("PATCH", "/milestones/<int:milestone_id>", milestone(json={"title": "Renamed goal"}),
        author_only(200, moderator=404, admin=404)),
    Row("DELETE", "/milestones/<int:milestone_id>", milestone(),
        author_only(204, moderator=404, admin=404)),
    Row("PUT", "/milestones/<int:milestone_id>/progress", milestone(metric="manual", json={"value": 1}),
        author_only(200, moderator=404, admin=404)),
    Row("PUT", "/milestones/<int:milestone_id>/shares", milestone(json={"usernames": ["member"]}),
        author_only(200, moderator=404, admin=404)),
]


# --- Socket.IO: anonymous connections are refused; others get ok or the error code -------------

def join(channel_of):
    return lambda w, sock: {"channel": channel_of(w)}


def joined(w: World, sock) -> str:
    """Join a fresh private room's channel first (an outsider's join fails) and return it."""
    channel = f"room:{w.private_room().slug}"
    sock.emit("join", {"channel": channel}, callback=True)
    return channel


SOCKET_ROWS = [
    SocketRow("join", join(lambda w: f"room:{w.private_room().slug}"), socket_cells(outsider="not_found"),
              label="private room"),
    SocketRow("join", join(lambda w: f"thread:{w.deleted(w.thread()).id}"),
              socket_cells("not_found", moderator="ok", admin="ok"), label="deleted thread"),
    SocketRow("join", join(lambda w: f"thread:{w.hidden('post', w.thread()).id}"),
              socket_cells("not_found", author="ok", moderator="ok", admin="ok"), label="hidden thread"),
    SocketRow("join", join(lambda w: f"user:{w.actor.id}"), socket_cells(), label="own user channel"),
    SocketRow("join", join(lambda w: f"user:{w.bystander.id}"), socket_cells("forbidden"),
              label="someone else's user channel"),
    SocketRow("join", join(lambda w: "threads"), socket_cells(), label="threads"),
    SocketRow("join", join(lambda w: f"resource:{w.deleted_resource().id}"),
              socket_cells("not_found", moderator="ok", admin="ok"), label="deleted resource"),
    SocketRow("leave", lambda w, sock: {"channel": joined(w, sock)}, socket_cells(outsider="ok")),
    SocketRow("typing", lambda w, sock: {"channel": joined(w, sock), "state": True},
              socket_cells(suspended="forbidden", outsider="validation_error")),
    SocketRow("message", lambda w, sock: {"room": w.private_room().slug, "body": "Anyone around?"},
              socket_cells(suspended="forbidden", outsider="not_found")),
]


# --- the tests ---------------------------------------------------------------------------------

def by_route(rows: list[Row]) -> dict[str, list[Row]]:
    """Rows grouped by method and path: one test per endpoint runs its variants too."""
    routes: dict[str, list[Row]] = {}
    for row in rows:
        routes.setdefault(f"{row.method} {row.path}", []).append(row)
    return routes


ROUTES = by_route(ROWS)


@pytest.mark.parametrize("route", ROUTES)
def test_endpoint(app, route: str, request: pytest.FixtureRequest) -> None:
    rows = ROUTES[route]
    request.node.user_properties.append(("authz_cells", sum(len(row.expect) for row in rows)))
    world = World.build(app)
    failures = [line for row in rows for line in run_row(world, row)]
    assert not failures, "\n" + "\n".join(failures)


SOCKET_EVENTS = {event: [row for row in SOCKET_ROWS if row.event == event]
                 for event in dict.fromkeys(row.event for row in SOCKET_ROWS)}


@pytest.mark.parametrize("event", SOCKET_EVENTS)
def test_socket_event(app, event: str, request: pytest.FixtureRequest) -> None:
    rows = SOCKET_EVENTS[event]
    request.node.user_properties.append(("authz_cells", sum(len(row.expect) for row in rows)))
    world = World.build(app)
    failures = [line for row in rows for line in run_socket_row(world, row)]
    assert not failures, "\n" + "\n".join(failures)


def test_login_required_closes_the_api_to_anonymous_callers(make_app, request) -> None:
    """COMMUNITY_LOGIN_REQUIRED=1: every endpoint answers anonymous callers 401, except the ones
    that log in (register, tokens, password reset) and the OpenAPI document."""
    from community.web.auth import OPEN_ENDPOINTS

    app = make_app(LOGIN_REQUIRED=True)
    endpoints = _routes(app)
    world = World.build(app)
    rows = [row for row in ROWS if not row.label]
    request.node.user_properties.append(("authz_cells", len(rows)))
    failures = []
    for row in rows:
        open_ = endpoints[(row.method, row.rule)] in OPEN_ENDPOINTS
        expected = row.expect[ANON] if open_ else 401
        call = row.build(world)
        response = world.clients[ANON].request(row.method, call.url(row.path), json=call.json,
                                               query_string=call.query)
        if response.status_code != expected:
            failures.append(f"{row.id} as anonymous (login required): expected {expected}, "
                            f"got {response.status_code}: {response.get_data(as_text=True)[:300]}")
    assert not failures, "\n" + "\n".join(failures)


def _routes(app) -> dict[tuple[str, str], str]:
    """(method, rule) → endpoint for every /api/v1 route."""
    return {(method, rule.rule): rule.endpoint for rule in app.url_map.iter_rules()
            if rule.rule.startswith(API_PREFIX)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})}


def test_every_route_and_socket_event_has_a_row(tmp_path: Path) -> None:
    """New endpoints cannot escape the matrix: every /api/v1 route and method and every client
    event has a row, and every row names a real route."""
    from community.sockets.live import LiveNamespace

    class Config(TestConfig):
        DATABASE_URL = f"sqlite:///{tmp_path / 'routes.db'}"
        SEARCH_DIR = str(tmp_path / "search_index")

    app = create_app(Config)
    with app.app_context():
        db.engine.dispose()
    routes = set(_routes(app))
    covered = {(row.method, row.rule) for row in ROWS}
    missing = sorted(routes - covered)
    stale = sorted(covered - routes)
    assert not missing, "routes without a row in the matrix:\n" + "\n".join(
        f"  {method} {rule}" for method, rule in missing)
    assert not stale, "rows for routes that do not exist:\n" + "\n".join(
        f"  {method} {rule}" for method, rule in stale)
    ids = [row.id for row in [*ROWS, *SOCKET_ROWS]]
    assert len(ids) == len(set(ids)), "two rows with the same endpoint and label"

    events = {name.removeprefix("on_") for name in vars(LiveNamespace) if name.startswith("on_")}
    events -= {"connect", "disconnect"}
    assert events == {row.event for row in SOCKET_ROWS}, "socket events without a row"
