"""Reading a user's notifications."""

from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..models import Notification, User
from .paging import Page


def count_unread(user: User) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def list_notifications(user: User, page: Page, *, unread_only: bool = False
                       ) -> tuple[list[Notification], int]:
    base = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        base = base.where(Notification.read_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = db.session.scalars(base.order_by(Notification.id.desc())
                              .offset(page.offset).limit(page.per_page))
    return list(rows), total
