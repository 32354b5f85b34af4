"""db.follow_up: work that runs in its own transaction after a write has committed and published."""

from __future__ import annotations

import pytest

from community.db import atomic, follow_up
from community.extensions import db
from community.models import Tag
from community.realtime.events import record_event


def add_tag(name: str) -> None:
    db.session.add(Tag(name=name, question_count=0))


def tag_names() -> list[str]:
    return sorted(db.session.scalars(db.select(Tag.name)))


def test_a_follow_up_runs_after_the_commit_and_its_published_events(app, captured_events):
    seen: list[tuple[list[str], int]] = []

    def look() -> None:
        seen.append((tag_names(), len(captured_events)))
        add_tag("followed")

    with app.app_context():
        with atomic():
            add_tag("written")
            record_event("threads", "probe", {})
            follow_up(look)
            assert seen == []  # not while the write is open
        assert seen == [(["written"], 1)]  # the write is committed and its event is out
        assert tag_names() == ["followed", "written"]  # and the follow-up committed its own work


def test_follow_ups_queue_to_the_outermost_block_and_vanish_on_rollback(app):
    calls: list[str] = []
    with app.app_context():
        with pytest.raises(RuntimeError), atomic():
            with atomic():
                follow_up(calls.append, "inner")
            raise RuntimeError("the write fails")
        assert calls == []
        with atomic():
            with atomic():
                follow_up(calls.append, "inner")
            assert calls == []
        assert calls == ["inner"]


def test_a_failing_follow_up_rolls_back_alone_and_is_logged(app, caplog):
    def fail_after_writing() -> None:
        add_tag("half-done")
        raise RuntimeError("boom")

    with app.app_context():
        with atomic():
            add_tag("kept")
            follow_up(fail_after_writing)
            follow_up(add_tag, "next")
        assert tag_names() == ["kept", "next"]
    assert "follow-up fail_after_writing failed" in caplog.text


def test_outside_a_transaction_a_follow_up_runs_at_once(app):
    with app.app_context():
        follow_up(add_tag, "now")
        db.session.rollback()  # nothing pending: it committed on its own
        assert tag_names() == ["now"]
