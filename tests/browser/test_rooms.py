"""Live help rooms in real browsers: two colleagues chat and see each other typing; one raises a
hand, the other claims it, and the asker sees it happen and is notified, all without a reload."""

from __future__ import annotations

import pytest

from tests.browser.test_journey import log_in
from tests.factories import make_message, make_room, make_user

pytestmark = pytest.mark.browser


def test_two_people_chat_type_raise_a_hand_and_claim_it(live_app, live_server, browser):
    from playwright.sync_api import expect

    asker = make_user(live_app, "roomasker", display_name="Rita Asker")
    make_user(live_app, "roomhelper", display_name="Hugo Helper")
    room = make_room(live_app, asker, "Expense tool onboarding", topic="Ask anything")
    older = [make_message(live_app, asker, room, f"Earlier note {n}") for n in range(55)]
    context_a = browser.new_context(viewport={"width": 1280, "height": 900})
    context_b = browser.new_context(viewport={"width": 390, "height": 844})
    page_a, page_b = context_a.new_page(), context_b.new_page()
    try:
        log_in(page_a, live_server, "roomasker")
        log_in(page_b, live_server, "roomhelper")
        page_a.goto(f"{live_server}/rooms/{room.slug}")
        expect(page_a.locator("[data-live-status-text]")).to_have_text("Live")
        page_a.evaluate("window.notReloaded = true")
        page_b.goto(f"{live_server}/rooms/{room.slug}")
        expect(page_b.locator("[data-live-status-text]")).to_have_text("Live")
        expect(page_a.locator("[data-online-list] li")).to_have_count(2)
        expect(page_a.locator("[data-online-list]")).to_contain_text("Hugo Helper")

        # History: the latest 50 are shown; scrolling to the top loads older ones, no duplicates.
        expect(page_b.locator("[data-message-list] > li")).to_have_count(50)
        page_b.locator("[data-chat-scroll]").evaluate("element => { element.scrollTop = 0; }")
        expect(page_b.locator("[data-message-list] > li")).to_have_count(55)
        expect(page_b.locator(f"#message-{older[0].id}")).to_contain_text("Earlier note 0")

        # Typing, then a message sent with Enter over the socket: both pages show it once.
        page_b.locator("#chat-body").type("Which cost centre", delay=20)
        expect(page_a.locator("[data-typing]")).to_have_text("Hugo Helper is typing…")
        page_b.locator("#chat-body").fill("Use cost centre **4410** for travel.")
        page_b.locator("#chat-body").press("Enter")
        expect(page_a.locator("[data-message-list] li").last.locator("strong")).to_have_text("4410")
        expect(page_a.locator("[data-typing]")).to_have_text("")
        expect(page_b.locator("[data-message-list] li", has_text="cost centre")).to_have_count(1)
        expect(page_b.locator("#chat-body")).to_have_value("")

        # A raises a hand; B sees it in the queue and claims it; A sees the claim and the bell.
        page_a.locator("#summary").fill("I need help with the mileage form")
        page_a.get_by_role("button", name="Raise hand").click()
        request_b = page_b.locator("[data-help-list] li", has_text="mileage form")
        expect(request_b).to_contain_text("waiting")
        request_b.get_by_role("button", name="I'll help").click()
        request_a = page_a.locator("[data-help-list] li", has_text="mileage form")
        expect(request_a).to_contain_text("Hugo Helper is helping")
        expect(page_a.locator("[data-unread-count]")).to_have_text("1")
        request_a.get_by_role("button", name="Mark resolved").click()
        expect(page_b.locator("[data-help-list] li", has_text="mileage form")).to_have_count(0)
        assert page_a.evaluate("window.notReloaded") is True
    finally:
        context_a.close()
        context_b.close()
