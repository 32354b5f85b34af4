"""Search bookkeeping: where the single index writer is in the event log, per index generation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class SearchCursor(db.Model):
    """The id of the last event applied to one generation of the search index.

    Each full rebuild writes a new generation (a directory under SEARCH_DIR) with its own cursor,
    so swapping generations never loses or skips events.
    """

    __tablename__ = "search_cursors"

    index_name: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_event_id: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
