"""Moderator tools in a real browser: when another moderator locks or closes the question, the
open page's tools switch to Unlock and Reopen without a reload."""

from __future__ import annotations

import pytest

from community.models import Role
from tests.browser.test_journey import log_in
from tests.factories import make_thread, make_user
from tests.support import ApiClient

pytestmark = pytest.mark.browser


def test_the_tools_follow_another_moderators_lock_and_close(live_app, live_server, browser):
    from playwright.sync_api import expect

    make_user(live_app, "modpage", role=Role.MODERATOR)
    other = ApiClient(live_app).as_user(make_user(live_app, "modother", role=Role.MODERATOR))
    thread = make_thread(live_app, make_user(live_app, "modasker"), "Which VPN profile do I pick abroad?")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        log_in(page, live_server, "modpage")
        page.goto(f"{live_server}/questions/{thread.id}")
        expect(page.locator("[data-live-status-text]")).to_have_text("Live")
        page.evaluate("window.notReloaded = true")
        page.get_by_text("Moderator tools").click()
        tools = page.locator(".moderator-tools-panel")
        expect(tools.get_by_role("button", name="Lock", exact=True)).to_be_visible()
        expect(tools.get_by_role("button", name="Unlock")).to_be_hidden()

        assert other.post(f"threads/{thread.id}/lock", {"reason": "Cooling off"}).status_code == 200
        expect(tools.get_by_role("button", name="Unlock")).to_be_visible()
        expect(tools.get_by_role("button", name="Lock", exact=True)).to_be_hidden()
        assert other.post(f"threads/{thread.id}/close", {"reason": "Answered elsewhere"}).status_code == 200
        expect(tools.get_by_role("button", name="Reopen")).to_be_visible()
        expect(tools.get_by_role("button", name="Close", exact=True)).to_be_hidden()
        expect(tools.get_by_role("button", name="Move the answers there and close this one")).to_be_hidden()
        assert page.evaluate("window.notReloaded") is True
    finally:
        context.close()
