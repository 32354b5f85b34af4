"""Column helpers shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Date, DateTime
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class utc_date(FunctionElement):
    """The UTC calendar day of a UTCDateTime column, computed by the database."""

    type = Date()
    inherit_cache = True


@compiles(utc_date)
def _utc_date_sqlite(element: utc_date, compiler: object, **kw: object) -> str:
    # SQLite stores UTCDateTime as naive UTC text, so its date() is already the UTC day.
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(utc_date, "postgresql")
def _utc_date_postgresql(element: utc_date, compiler: object, **kw: object) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC' AS DATE)"


# Every table's id is a 32-bit INTEGER: a larger value can't even be bound on PostgreSQL (or
# beyond 64 bits on SQLite), so lookups check the range first and answer "not found" instead.
MAX_ROW_ID = 2**31 - 1


def is_row_id(value: object) -> bool:
    """Whether ``value`` could be a row's id: an int (not a bool) in the id column's range."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ROW_ID
