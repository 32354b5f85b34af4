"""Tags are created on first use."""

from __future__ import annotations

from sqlalchemy import select, update

from ..db import insert_ignoring_conflicts
from ..extensions import db
from ..models import Tag
from ..models.base import utcnow


def ensure_tags(names: list[str]) -> list[Tag]:
    """The Tag rows for these (already validated) names, creating missing ones; order kept."""
    if not names:
        return []
    now = utcnow()
    for name in names:
        insert_ignoring_conflicts(Tag.__table__, [{"name": name, "description": "",
                                                    "question_count": 0, "created_at": now}])
    found = {tag.name: tag for tag in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    return [found[name] for name in names]


def adjust_question_counts(tags: list[Tag], delta: int) -> None:
    if tags and delta:
        db.session.execute(
            update(Tag)
            .where(Tag.id.in_([tag.id for tag in tags]))
            .values(question_count=Tag.question_count + delta)
            .execution_options(synchronize_session=False)
        )
