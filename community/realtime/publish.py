"""Delivery of committed events to Socket.IO channels (every worker, through Redis if set).

Within a process, events are published in commit order: a transaction that writes events takes a
ticket while it holds the event log's write serialization (SQLite's write lock, PostgreSQL's
advisory lock), so tickets follow commit order, and after its commit it publishes when its turn
comes. Without this, two threads that commit ids 10 and 11 could emit 11 first, and a client
that keeps a cursor would see a gap (a busy chat room does this many times a second).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Flask, current_app

from ..metrics import metrics_of
from .transport import socketio_of

log = logging.getLogger(__name__)

TURN_TIMEOUT = 5.0  # a ticket whose transaction vanished never blocks the others for longer


class PublishOrder:
    """Tickets in commit order; publishing in ticket order."""

    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._issued = 0
        self._serving = 0
        self._finished: set[int] = set()

    def ticket(self) -> int:
        with self._turn:
            self._issued += 1
            return self._issued - 1

    def wait_turn(self, ticket: int) -> None:
        with self._turn:
            if not self._turn.wait_for(lambda: self._serving >= ticket, timeout=TURN_TIMEOUT):
                log.warning("publishing event batch %s before %s..%s finished", ticket,
                            self._serving, ticket - 1)
                self._finished = {t for t in self._finished if t > ticket}
                self._serving = ticket

    def finish(self, ticket: int) -> None:
        with self._turn:
            if ticket < self._serving:
                return  # skipped after a timeout
            self._finished.add(ticket)
            while self._serving in self._finished:
                self._finished.remove(self._serving)
                self._serving += 1
            self._turn.notify_all()


def order_of(app: Flask) -> PublishOrder:
    return app.extensions.setdefault("community_publish_order", PublishOrder())


def publish_in_order(order: PublishOrder, ticket: int, envelopes: list[dict[str, Any]]) -> None:
    order.wait_turn(ticket)
    try:
        publish_envelopes(envelopes)
    finally:
        order.finish(ticket)


def publish_envelopes(envelopes: list[dict[str, Any]]) -> None:
    for env in envelopes:
        publish_envelope(env)


def publish_envelope(env: dict[str, Any]) -> None:
    """Emit one stored event; its Socket.IO event name is its type."""
    socketio_of().emit(env["type"], env, to=env["channel"])
    metrics_of(current_app).events_published.labels(type=env["type"]).inc()
