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
from community.models import Post, Role, User

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
