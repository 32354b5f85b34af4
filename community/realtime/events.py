"""Recording events: rows in the ``events`` table, written in the action's transaction.

Actions call record_event(); the rows are inserted as the last step before commit, under a
transaction-scoped advisory lock on PostgreSQL so that event ids become visible in increasing
order (a consumer that has seen id N can never later find an id below N appear). SQLite already
serializes writers. After commit, the stored envelopes are published.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import event as orm_events
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from ..db import before_commit, on_commit, transaction_list
from ..models import Event
from ..models.base import utcnow
from ..payloads import iso
from . import publish
from .transport import socketio_of

_PENDING = "pending_events"
_TICKET = "publish_ticket"
# Any constant works; it only has to be the same for every event-writing transaction.
EVENT_LOG_LOCK_KEY = 0x636F6D6D  # "comm"


# Built once and run as Core: every write runs it, and the ORM's bulk-insert path cost more than
# the database. RETURNING in parameter order gives each row its id.
_INSERT_EVENTS = insert(Event.__table__).returning(Event.__table__.c.id, sort_by_parameter_order=True)


def record_event(channel: str, type_: str, data: dict[str, Any], subject: str = "") -> None:
    """Queue an event for the current transaction; it is written last and published on commit."""
    transaction_list(_PENDING).append((channel, type_, subject, data))
    before_commit(_write_pending_events)


def envelope(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "channel": event.channel,
        "type": event.type,
        "data": event.payload,
        "created_at": iso(event.created_at),
    }


def _write_pending_events(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    if not pending:
        return
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENT_LOG_LOCK_KEY})
    now = utcnow()
    rows = [
        {"channel": channel, "type": type_, "subject": subject, "payload": data, "created_at": now}
        for channel, type_, subject, data in pending
    ]
    ids = session.connection().scalars(_INSERT_EVENTS, rows).all()
    envelopes = [
        {"id": event_id, "channel": row["channel"], "type": row["type"], "data": row["payload"],
         "created_at": iso(now)}
        for event_id, row in zip(ids, rows, strict=True)
    ]
    order = publish.order_of(current_app)
    ticket = order.ticket()  # still inside the write serialization: tickets follow commit order
    session.info[_TICKET] = (order, ticket)
    on_commit(_publish_committed, session, order, ticket, envelopes)


def _publish_committed(session: Session, order: publish.PublishOrder, ticket: int,
                       envelopes: list[dict[str, Any]]) -> None:
    session.info.pop(_TICKET, None)
    publish.publish_in_order(order, ticket, envelopes)
    # Let the sockets' writers send now: under gevent nothing else runs until this request
    # yields, and what follows the commit (follow-ups, the response) does no I/O that yields.
    socketio_of().sleep(0)


def _release_ticket(session: Session) -> None:
    """A transaction that took a ticket and then rolled back must not hold up the others."""
    held = session.info.pop(_TICKET, None)
    if held is not None:
        held[0].finish(held[1])


if not orm_events.contains(Session, "after_rollback", _release_ticket):
    orm_events.listen(Session, "after_rollback", _release_ticket)
