"""Test data, created through the real actions (never raw inserts), so side effects happen."""

from __future__ import annotations

import itertools
from typing import Any

from flask import Flask

from community.actions import answers as answer_actions
from community.actions import threads as thread_actions
from community.actions import users as user_actions
from community.actions import votes as vote_actions
from community.extensions import db
from community.models import HelpRequest, Message, Post, Resource, Role, Room, User

PASSWORD = "correct horse"
_numbers = itertools.count(1)


def make_user(app: Flask, username: str | None = None, *, role: Role = Role.MEMBER,
              reputation: int | None = None, **fields: Any) -> User:
    """A user; ``reputation`` sets a starting score through a ledger entry (keeps the invariant)."""
    n = next(_numbers)
    username = username or f"user{n}"
    with app.app_context():
        user = user_actions.do_create_user(user_actions.Registration(
            username=username, email=fields.pop("email", f"{username.lower()}@example.com"),
            password=fields.pop("password", PASSWORD),
            display_name=fields.pop("display_name", "")), role)
        if reputation is not None and reputation != 1:
            from community.actions import reputation as rep
            from community.db import atomic

            with atomic():
                rep.grant(user.id, reputation - 1, "bonus", None)
            user = db.session.get(User, user.id)
        db.session.expunge_all()
    return user


def make_thread(app: Flask, author: User, title: str | None = None, body: str = "Body text.",
                tags: list[str] | None = None) -> Post:
    n = next(_numbers)
    with app.app_context():
        thread = thread_actions.ask_question(author, thread_actions.QuestionDraft(
            title=title or f"How do I finish simulation step {n}?", body=body, tags=tags or []))
        db.session.expunge_all()
    return thread


def make_answer(app: Flask, author: User, thread: Post | int, body: str = "An answer.") -> Post:
    thread_id = thread if isinstance(thread, int) else thread.id
    with app.app_context():
        answer = answer_actions.post_answer(author, thread_id, body)
        db.session.expunge_all()
    return answer


def vote(app: Flask, voter: User, post: Post | int, value: int) -> vote_actions.VoteResult:
    post_id = post if isinstance(post, int) else post.id
    with app.app_context():
        return vote_actions.cast_vote(voter, post_id, value)


def accept(app: Flask, asker: User, thread: Post | int, answer: Post | int | None) -> Post:
    thread_id = thread if isinstance(thread, int) else thread.id
    answer_id = answer if answer is None or isinstance(answer, int) else answer.id
    with app.app_context():
        return answer_actions.accept_answer(asker, thread_id, answer_id)


def reload_user(app: Flask, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge_all()
    return user


# --- live help rooms ----------------------------------------------------------------------------

def make_room(app: Flask, owner: User, title: str | None = None, **fields: Any) -> Room:
    """A room through create_room; ``fields`` are RoomDraft fields (topic, thread_id, private,
    members)."""
    from community.actions import rooms as room_actions

    with app.app_context():
        room = room_actions.create_room(owner, room_actions.RoomDraft(
            title=title or f"Help room {next(_numbers)}", **fields))
        db.session.expunge_all()
    return room


def make_message(app: Flask, author: User, room: Room | str, body: str = "Hello, room.") -> Message:
    from community.actions import messages as message_actions

    slug = room if isinstance(room, str) else room.slug
    with app.app_context():
        message, _ = message_actions.post_message(author, slug, body)
        db.session.expunge_all()
    return message


def make_help_request(app: Flask, requester: User, room: Room | str,
                      summary: str = "I need help with the pivot table step") -> HelpRequest:
    from community.actions import help_requests as help_actions

    slug = room if isinstance(room, str) else room.slug
    with app.app_context():
        request = help_actions.raise_hand(requester, slug, summary)
        db.session.expunge_all()
    return request


def give_kudos(app: Flask, giver: User, to: User | str, message: str = "Thank you!",
               post: Post | int | None = None):
    """Kudos through the action; returns the stored Kudos row (detached)."""
    from community.actions import kudos as kudos_actions

    username = to if isinstance(to, str) else to.username
    post_id = post if post is None or isinstance(post, int) else post.id
    with app.app_context():
        kudos = kudos_actions.give_kudos(giver, kudos_actions.KudosDraft(
            to=username, message=message, post_id=post_id))
        db.session.expunge_all()
    return kudos


def badges_of(app: Flask, user: User | int) -> list[tuple[str, str]]:
    """The user's badges that are not revoked, as (slug, subject), in award order."""
    from community.models import BadgeAward

    user_id = user if isinstance(user, int) else user.id
    with app.app_context():
        rows = db.session.execute(
            db.select(BadgeAward.badge_slug, BadgeAward.subject)
            .where(BadgeAward.user_id == user_id, BadgeAward.revoked_at.is_(None))
            .order_by(BadgeAward.id)).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def set_department(app: Flask, user: User, department: str) -> None:
    with app.app_context():
        user_actions.update_profile(user, user_actions.ProfileChanges(department=department))
        db.session.expunge_all()


def share_resource(app: Flask, sharer: User, url: str | None = None, **fields: Any) -> Resource:
    from community.actions import resources as resource_actions

    n = next(_numbers)
    with app.app_context():
        resource = resource_actions.share_resource(sharer, resource_actions.ResourceDraft(
            url=url or f"https://learn.example.com/guides/{n}", title=fields.pop("title", f"Guide {n}"),
            **fields))
        db.session.expunge_all()
    return resource


def rate_resource(app: Flask, rater: User, resource: Resource | int, stars: int, review: str = "") -> None:
    from community.actions import resources as resource_actions

    resource_id = resource if isinstance(resource, int) else resource.id
    with app.app_context():
        resource_actions.rate_resource(rater, resource_id, stars, review)
        db.session.expunge_all()


def schedule_live_session(app: Flask, scheduler: User, *, hours_ahead: float = 48, **fields: Any) -> Any:
    """A live session starting ``hours_ahead`` from now (UTC), scheduled by a moderator."""
    from datetime import timedelta

    from community.actions import live_sessions as session_actions
    from community.models.base import utcnow

    n = next(_numbers)
    start = (utcnow() + timedelta(hours=hours_ahead)).replace(microsecond=0)
    with app.app_context():
        session = session_actions.schedule_session(scheduler, session_actions.SessionDraft(
            title=fields.pop("title", f"Live training {n}"),
            starts_at=fields.pop("starts_at", start.isoformat()), **fields))
        db.session.expunge_all()
    return session


def give_feedback(app: Flask, giver: User, target: Post | Resource, helpful: bool, comment: str = "") -> None:
    """ "Was this helpful?" feedback on an answer or a resource, through the action."""
    from community.actions import content_feedback as feedback_actions
    from community.models import FeedbackTarget

    kind = FeedbackTarget.RESOURCE if isinstance(target, Resource) else FeedbackTarget.ANSWER
    with app.app_context():
        feedback_actions.give_feedback(giver, kind, target.id, helpful, comment)
        db.session.expunge_all()


SURVEY_QUESTIONS = [
    {"kind": "rating", "prompt": "How useful was onboarding?", "required": True},
    {"kind": "single", "prompt": "Which office?", "options": ["North", "South"], "required": True},
    {"kind": "multiple", "prompt": "Which tools do you use?", "options": ["Excel", "SAP", "Slack"],
     "required": False},
    {"kind": "text", "prompt": "Anything else?", "required": False},
]


def make_survey(app: Flask, author: User, *, open_: bool = True, **fields: Any) -> Any:
    """A survey by a moderator (SURVEY_QUESTIONS unless ``questions`` is given), opened unless
    ``open_`` is False."""
    from community.actions import surveys as survey_actions

    n = next(_numbers)
    data = {"title": f"Pulse survey {n}", "questions": SURVEY_QUESTIONS, **fields}
    with app.app_context():
        survey = survey_actions.create_survey(author, data)
        if open_:
            survey = survey_actions.open_survey(author, survey.id)
        survey_id = survey.id
        db.session.expunge_all()
    return survey_id


def answer_survey(app: Flask, member: User, survey_id: int, answers: list[dict[str, Any]]) -> None:
    from community.actions import survey_responses as response_actions

    with app.app_context():
        response_actions.submit_response(member, survey_id, answers)
        db.session.expunge_all()


def make_contract(app: Flask, owner: User, *, shares: list[tuple[User, str]] | None = None,
                  **fields: Any) -> int:
    """A learning contract by ``owner`` with two items (unless ``items`` is given), shared with
    (user, role) pairs; returns its id."""
    from community.actions import contracts as contract_actions

    n = next(_numbers)
    data = {"title": f"Learning contract {n}", "objectives": "Learn **Excel** pivots.",
            "items": [{"title": "Read the pivot guide"}, {"title": "Build a monthly report"}], **fields}
    data["shares"] = [{"username": user.username, "role": role} for user, role in shares or []]
    with app.app_context():
        contract_id = contract_actions.create_contract(owner, data).id
        db.session.expunge_all()
    return contract_id


def make_track(app: Flask, author: User, *, publish: bool = True, **fields: Any) -> int:
    """A certification track by a moderator (``steps`` required in fields), published unless
    ``publish`` is False; returns its id."""
    from community.actions import tracks as track_actions

    n = next(_numbers)
    data = {"title": f"Spreadsheet track {n}", **fields}
    with app.app_context():
        track_id = track_actions.create_track(author, data).id
        if publish:
            track_actions.publish_track(author, track_id)
        db.session.expunge_all()
    return track_id


def mark_resource_done(app: Flask, member: User, resource: Resource | int) -> None:
    from community.actions import resource_completions

    resource_id = resource if isinstance(resource, int) else resource.id
    with app.app_context():
        resource_completions.complete_resource(member, resource_id)
        db.session.expunge_all()


def make_milestone(app: Flask, owner: User, *, shared_with: list[User] | None = None, **fields: Any) -> int:
    """A milestone of ``owner`` (answers, target 3 unless ``fields`` say), shared with some colleagues."""
    from community.actions import milestones as milestone_actions

    data = {"title": "Answer three questions", "metric": "answers", "target": 3, **fields}
    with app.app_context():
        milestone_id = milestone_actions.create_milestone(owner, data).id
        if shared_with:
            milestone_actions.set_shares(owner, milestone_id, [u.username for u in shared_with])
        db.session.expunge_all()
    return milestone_id
