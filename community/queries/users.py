"""Reading users, their activity and reputation."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from ..errors import NotFound
from ..extensions import db
from ..models import ApiToken, Post, PostType, ReputationEntry, Tag, User, post_tags
from ..models.users import token_digest
from ..text.validation import text_problem
from .paging import Page


def get_user_by_username(username: str) -> User | None:
    if not isinstance(username, str) or len(username) > 30 or text_problem(username):
        return None
    return db.session.scalar(select(User).where(User.username_key == username.lower()))


def access_user(username: str) -> User:
    user = get_user_by_username(username)
    if user is None:
        raise NotFound("No such user.")
    return user


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


def list_reputation(user: User, page: Page) -> tuple[list[ReputationEntry], int]:
    base = select(ReputationEntry).where(ReputationEntry.user_id == user.id)
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = db.session.scalars(base.order_by(ReputationEntry.created_at.desc(),
                                            ReputationEntry.id.desc())
                              .offset(page.offset).limit(page.per_page))
    return list(rows), total


def ledger_sum(user_id: int) -> int:
    return int(db.session.scalar(select(func.coalesce(func.sum(ReputationEntry.delta), 0))
                                 .where(ReputationEntry.user_id == user_id)) or 0)


def user_stats(user: User) -> dict[str, object]:
    """Counts shown on a profile: answers, accepted answers and the top tags answered in."""
    live_answers = select(Post).where(Post.author_id == user.id,
                                      Post.post_type == PostType.ANSWER.value,
                                      Post.deleted_at.is_(None)).subquery()
    answer_count = db.session.scalar(select(func.count()).select_from(live_answers)) or 0
    question = Post.__table__.alias("question")
    accepted_count = db.session.scalar(
        select(func.count()).select_from(live_answers)
        .join(question, question.c.accepted_answer_id == live_answers.c.id)) or 0
    question_count = db.session.scalar(
        select(func.count(Post.id)).where(Post.author_id == user.id,
                                          Post.post_type == PostType.QUESTION.value,
                                          Post.deleted_at.is_(None))) or 0
    top_tags = db.session.execute(
        select(Tag.name, func.count().label("n"), func.coalesce(func.sum(live_answers.c.score), 0))
        .select_from(live_answers)
        .join(post_tags, post_tags.c.post_id == live_answers.c.parent_id)
        .join(Tag, Tag.id == post_tags.c.tag_id)
        .group_by(Tag.name).order_by(func.count().desc(), Tag.name).limit(5)).all()
    return {
        "answer_count": answer_count,
        "accepted_count": accepted_count,
        "question_count": question_count,
        "top_tags": [{"name": name, "answers": n, "score": int(score)}
                     for name, n, score in top_tags],
    }


def list_user_posts(user: User, post_type: PostType, page: Page) -> tuple[list[Post], int]:
    base = select(Post).where(Post.author_id == user.id, Post.post_type == post_type.value,
                              Post.deleted_at.is_(None), Post.hidden_at.is_(None))  # hidden: by flags
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = db.session.scalars(base.options(selectinload(Post.tags))
                              .order_by(Post.created_at.desc(), Post.id.desc())
                              .offset(page.offset).limit(page.per_page))
    return list(rows), total


def get_posts_by_id(ids: list[int]) -> dict[int, Post]:
    if not ids:
        return {}
    return {post.id: post for post in db.session.scalars(select(Post).where(Post.id.in_(ids)))}


# Built once: every API request runs it, and building the statement cost more than the database.
_USER_BY_TOKEN = (select(User).join(ApiToken, ApiToken.user_id == User.id)
                  .where(ApiToken.token_hash == bindparam("digest")))


def get_user_by_token(token: str) -> User | None:
    """The owner of an API token (tokens are stored as sha256 digests)."""
    return db.session.scalar(_USER_BY_TOKEN, {"digest": token_digest(token)})
