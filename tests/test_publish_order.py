"""Events are published in commit order within a process, so a client's cursor never skips one."""

from __future__ import annotations

import random
import threading
import time

import pytest

from community.db import atomic, before_commit
from community.realtime import publish
from community.realtime.events import record_event
from community.realtime.publish import PublishOrder, order_of
from tests.factories import make_message, make_room, make_user
from tests.test_sockets import connect, received


def test_concurrent_chat_messages_reach_subscribers_in_commit_order(app, monkeypatch):
    emit = publish.publish_envelopes

    def dawdle(envelopes):  # a thread paused between its commit and its emit
        time.sleep(random.uniform(0, 0.01))
        emit(envelopes)

    monkeypatch.setattr(publish, "publish_envelopes", dawdle)
    people = [make_user(app, f"talker{n}") for n in range(6)]
    room = make_room(app, people[0], "Busy room")
    listener = connect(app, people[0])
    assert listener.emit("join", {"channel": f"room:{room.slug}"}, callback=True)["ok"]
    received(listener)

    def chat(person):
        for n in range(6):
            make_message(app, person, room, f"{person.username} says {n}")

    threads = [threading.Thread(target=chat, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [e["id"] for e in received(listener, "room_message")]
    assert len(ids) == 36 and ids == sorted(ids)


def test_a_batch_waits_for_earlier_tickets_and_a_lost_ticket_times_out(monkeypatch):
    monkeypatch.setattr(publish, "TURN_TIMEOUT", 0.2)
    published = []
    monkeypatch.setattr(publish, "publish_envelopes", published.extend)
    order = PublishOrder()
    first, second, lost, last = (order.ticket() for _ in range(4))
    late = threading.Thread(target=publish.publish_in_order, args=(order, second, [{"id": 2}]))
    late.start()
    late.join(0.05)
    assert published == []  # the second batch waits for the first
    publish.publish_in_order(order, first, [{"id": 1}])
    late.join()
    publish.publish_in_order(order, last, [{"id": 4}])  # `lost` never finishes: a timeout, not a hang
    assert published == [{"id": 1}, {"id": 2}, {"id": 4}]
    order.finish(lost)  # finishing late is harmless
    publish.publish_in_order(order, order.ticket(), [{"id": 5}])
    assert published[-1] == {"id": 5}


def test_a_transaction_that_rolls_back_after_taking_its_ticket_releases_it(app, captured_events):
    def fail(session):
        raise RuntimeError("commit refused")

    with app.app_context():
        with pytest.raises(RuntimeError), atomic():
            record_event("threads", "thread_created", {"n": 1})
            before_commit(fail)  # runs after the event rows (and the ticket) are written
        order = order_of(app)
        assert order._serving == order._issued  # nothing left waiting
        with atomic():
            record_event("threads", "thread_created", {"n": 2})
    assert [e["data"] for e in captured_events] == [{"n": 2}]
