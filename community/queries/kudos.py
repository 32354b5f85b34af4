"""Reading kudos: the company-wide feed, one person's received kudos, counts."""

from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..models import Kudos, User
from .paging import Page


def list_kudos(page: Page, *, to: User | None = None) -> tuple[list[Kudos], int]:
    """Kudos newest first: everyone's (the feed), or those one person received."""
    base = select(Kudos)
    if to is not None:
        base = base.where(Kudos.to_user_id == to.id)
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = db.session.scalars(base.order_by(Kudos.created_at.desc(), Kudos.id.desc())
                              .offset(page.offset).limit(page.per_page))
    return list(rows), total


def count_kudos_received(user: User) -> int:
    return db.session.scalar(select(func.count(Kudos.id)).where(Kudos.to_user_id == user.id)) or 0
