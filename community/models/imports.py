"""What was imported from where: makes importers idempotent (a re-run skips what exists)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class ImportedObject(db.Model):
    """One imported row: (source, kind, id in the source) -> id here.

    ``source`` names the dump (``stackexchange:<site>``); ``kind`` is ``user``, ``post`` or ``ghost``.
    """

    __tablename__ = "imported_objects"

    source: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    external_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    local_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
