"""Live training sessions in a real browser: the time shows in the reader's own zone, RSVP by
keyboard, and "Join the live room" takes an attendee into the room once the session opens."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from community.extensions import db
from community.models import LiveSession, Role
from community.models.base import utcnow
from tests.browser.test_journey import log_in
from tests.factories import make_user, schedule_live_session

pytestmark = pytest.mark.browser


def test_rsvp_then_join_the_live_room(live_app, live_server, browser):
    from playwright.sync_api import expect

    mod = make_user(live_app, "sessmod", role=Role.MODERATOR)
    make_user(live_app, "sessfan", display_name="Tom Okafor")
    day = (utcnow() + timedelta(days=10)).date().isoformat()
    session = schedule_live_session(live_app, mod, title="Negotiation practice, live", capacity=10,
                                    starts_at=None, starts_at_local=f"{day}T15:00", timezone="Europe/Berlin")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Tokyo")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        log_in(page, live_server, "sessfan")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Sessions").click()
        page.get_by_role("link", name="Negotiation practice, live").click()
        # 15:00 in Berlin is 23:00 in Tokyo; the planned zone stays beside it.
        expect(page.locator("#session-start")).to_contain_text("11:00")
        expect(page.locator("#session-start")).to_contain_text("PM")
        expect(page.locator("[data-planned-note]")).to_contain_text("15:00 CET (Europe/Berlin)")

        rsvp = page.get_by_role("button", name="RSVP: I'm going")
        rsvp.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text("You're on the list")).to_be_visible()
        expect(page.get_by_text("1 of 10 seats taken")).to_be_visible()
        expect(page.get_by_role("button", name="Join the live room")).to_have_count(0)

        with live_app.app_context():  # time passes: it starts in five minutes
            db.session.execute(update(LiveSession).where(LiveSession.id == session.id)
                               .values(starts_at=utcnow() + timedelta(minutes=5)))
            db.session.commit()
            db.session.remove()
        page.reload()
        page.get_by_role("button", name="Join the live room").click()
        expect(page).to_have_url(re.compile(r"/rooms/negotiation-practice-live"))
        assert errors == []
    finally:
        context.close()


def test_the_session_page_follows_rsvps_and_changes_live(live_app, live_server, browser):
    from playwright.sync_api import expect

    from tests.support import ApiClient

    mod = make_user(live_app, "livesessmod", role=Role.MODERATOR)
    make_user(live_app, "livesessreader")
    other = ApiClient(live_app).as_user(make_user(live_app, "livesessother"))
    session = schedule_live_session(live_app, mod, title="Objection handling, live", capacity=2)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        log_in(page, live_server, "livesessreader")
        page.goto(f"{live_server}/sessions/{session.id}")
        page.wait_for_load_state("domcontentloaded")
        seats = page.locator("[data-session-seats]")
        expect(seats).to_have_text("0 of 2 seats taken · 2 seats left")
        page.evaluate("window.notReloaded = true")
        assert other.put(f"live-sessions/{session.id}/rsvp").status_code == 200
        expect(seats).to_have_text("1 of 2 seats taken · 1 seat left")
        expect(page.locator("[data-session-changed]")).to_be_hidden()
        later = (utcnow() + timedelta(days=3)).replace(microsecond=0).isoformat()
        host = ApiClient(live_app).as_user(mod)
        assert host.patch(f"live-sessions/{session.id}", json={"starts_at": later}).status_code == 200
        expect(page.locator("[data-session-changed]")).to_be_visible()
        assert page.evaluate("window.notReloaded") is True
    finally:
        context.close()
