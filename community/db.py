"""The unit of work: atomic() transactions, pre-commit hooks and post-commit effects.

Actions wrap their writes in ``with atomic():``. It is re-entrant: only the outermost block runs the
pre-commit hooks (event rows are appended there, last), commits, then runs the effects queued
with on_commit() (publishing), and last the follow_up() work, each in a transaction of its own.
Effects and follow-ups are dropped on rollback, so nothing is published for a write that failed.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from .extensions import db

log = logging.getLogger(__name__)

_DEPTH = "atomic_depth"
_BEFORE_COMMIT = "before_commit"
_ON_COMMIT = "on_commit"
_FOLLOW_UPS = "follow_ups"
# session.info keys that belong to the current transaction and are dropped when it rolls back.
_TRANSACTION_KEYS = {_BEFORE_COMMIT, _ON_COMMIT, _FOLLOW_UPS}


def transaction_list(key: str) -> list[Any]:
    """A list kept in the session for the current transaction only (dropped on rollback)."""
    _TRANSACTION_KEYS.add(key)
    return db.session.info.setdefault(key, [])


def on_commit(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run fn after the current transaction commits; never if it rolls back."""
    db.session.info.setdefault(_ON_COMMIT, []).append((fn, args, kwargs))


def follow_up(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run fn in a transaction of its own once the current one has committed and published.

    For work that follows from a write but need not delay its live update (notifications,
    badges, learning progress), as Discourse's post-alert and badge jobs do: it runs before the
    caller's atomic() block returns, after the write's events have gone out, and sees the write
    committed. Dropped if the write rolls back; if it fails, the committed write stands. Outside
    an atomic() block it runs at once.
    """
    session = db.session()
    if session.info.get(_DEPTH, 0) == 0:
        _run_follow_ups([(fn, args, kwargs)])
        return
    session.info.setdefault(_FOLLOW_UPS, []).append((fn, args, kwargs))


def before_commit(fn: Callable[[Session], None]) -> None:
    """Run fn(session) inside the outermost atomic() block, just before it commits."""
    hooks = db.session.info.setdefault(_BEFORE_COMMIT, [])
    if fn not in hooks:
        hooks.append(fn)


@contextmanager
def atomic() -> Iterator[Session]:
    session = db.session()
    depth = session.info.get(_DEPTH, 0)
    if depth == 0:
        _start_write_transaction(session)
    session.info[_DEPTH] = depth + 1
    try:
        yield session
        if depth == 0:
            for hook in session.info.pop(_BEFORE_COMMIT, []):
                hook(session)
            session.commit()
            follow_ups = session.info.pop(_FOLLOW_UPS, [])  # after: effects run in commit may add
    except BaseException:
        if depth == 0:
            _drop_effects(session)  # also when no SQL ran, so no rollback event fires
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth
    if depth == 0:
        _run_follow_ups(follow_ups)


def _run_follow_ups(follow_ups: list[tuple[Callable[..., Any], tuple, dict]]) -> None:
    for fn, args, kwargs in follow_ups:
        try:
            with atomic():
                fn(*args, **kwargs)
        except Exception:  # the write it follows is committed and must stand
            log.exception("follow-up %s failed", getattr(fn, "__name__", fn))


def end_read_snapshot() -> None:
    """Let the next read see every commit made so far.

    On SQLite a transaction reads from the snapshot its first read took, so a read that must not
    miss a write committed meanwhile (the catch-up after subscribing) starts a new transaction.
    """
    session = db.session()
    if session.in_transaction() and not _holds_changes(session):
        session.commit()


def _holds_changes(session: Session) -> bool:
    return bool(session.new or session.dirty or session.deleted)


def _start_write_transaction(session: Session) -> None:
    """On SQLite, end any read snapshot and take the write lock up front (BEGIN IMMEDIATE).

    A deferred SQLite transaction that has already read cannot upgrade to a writer once another
    connection has committed (SQLITE_BUSY with no retry), so writers must queue at BEGIN instead.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if _holds_changes(session):
            return  # the caller already holds uncommitted work; keep it in this transaction
        session.commit()
    session.connection(execution_options={"sqlite_begin": "BEGIN IMMEDIATE"})


def _run_effects(session: Session) -> None:
    for fn, args, kwargs in session.info.pop(_ON_COMMIT, []):
        try:
            fn(*args, **kwargs)
        except Exception:  # an effect must never undo or fail a committed write
            log.exception("post-commit effect %s failed", getattr(fn, "__name__", fn))


def _drop_effects(session: Session) -> None:
    for key in _TRANSACTION_KEYS:
        session.info.pop(key, None)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine)
    if not event.contains(Session, "after_commit", _run_effects):
        event.listen(Session, "after_commit", _run_effects)
        event.listen(Session, "after_rollback", _drop_effects)


@functools.cache
def _insert_ignoring(dialect: str, table: Any, conflict_column: str | None) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING the key, built once per dialect and table (writes
    run these on every request, and building one cost more than the database running it)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    index_elements = [conflict_column] if conflict_column else None
    return (insert(table).on_conflict_do_nothing(index_elements=index_elements)
            .returning(*table.primary_key.columns))


def insert_ignoring_conflicts(table: Any, rows: list[dict[str, Any]]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL; returns rows inserted."""
    if not rows:
        return 0
    connection = flushed_connection()
    statement = _insert_ignoring(connection.dialect.name, table, None)
    # Count the rows RETURNING gives back: psycopg reports rowcount -1 here, which is not "none".
    return sum(len(connection.execute(statement, row).all()) for row in rows)


def insert_returning_key(table: Any, row: dict[str, Any], conflict_column: str) -> Any | None:
    """Insert one row unless ``conflict_column`` (a unique column) is taken; its primary key, or None.

    On PostgreSQL a concurrent insert of the same value waits for the other transaction and then
    does nothing, so the caller can read the winner's row instead of failing on the constraint.
    """
    connection = flushed_connection()
    return connection.execute(_insert_ignoring(connection.dialect.name, table, conflict_column),
                              row).scalar()


def flushed_connection() -> Connection:
    """The session's connection, with its pending objects written first: Core statements run on
    it directly skip the ORM's autoflush, and must still see this transaction's own changes."""
    session = db.session()
    session.flush()
    return session.connection()
