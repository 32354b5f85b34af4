"""Learning contracts in a real browser: the owner writes one, adding and removing item rows in
place, ticks an item off with its checkbox; the mentor it is shared with reads it and co-signs."""

from __future__ import annotations

import os

import pytest

from tests.browser.test_journey import log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("CONTRACT_SCREENSHOTS")  # a directory: save screenshots there for review


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_write_tick_off_and_cosign_a_contract(live_app, live_server, browser):
    from playwright.sync_api import expect

    make_user(live_app, "contract_owner", display_name="Olga Owner")
    make_user(live_app, "contract_mentor", display_name="Mina Mentor")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        log_in(page, live_server, "contract_owner")
        page.goto(f"{live_server}/contracts/new")
        page.evaluate("window.notReloaded = true")
        page.fill("#title", "Master pivot tables")
        page.fill("#objectives", "Build the **monthly report** without help.")
        page.fill("#item-0-title", "Read the pivot guide")
        page.fill("#item-1-title", "Row that goes away")
        page.get_by_role("button", name="Add an item").click()
        expect(page.locator("[data-item]")).to_have_count(3)
        expect(page.locator("#item-2-title")).to_be_focused()
        page.fill("#item-2-title", "Build the report")
        page.get_by_role("button", name="Remove item 2").click()
        expect(page.locator("[data-item]")).to_have_count(2)
        expect(page.locator("#item-1-title")).to_have_value("Build the report")  # renumbered in place
        assert page.evaluate("window.notReloaded") is True
        page.fill("#share-0-username", "contract_mentor")
        page.select_option("#share-0-role", "mentor")
        _shot(page, "contract-editor")
        page.get_by_role("button", name="Save contract").click()
        page.wait_for_url(f"{live_server}/contracts/*")
        expect(page.get_by_role("heading", name="Master pivot tables")).to_be_visible()
        titles = page.locator(".contract-item-title")
        expect(titles).to_have_text(["Read the pivot guide", "Build the report"])
        page.get_by_label("Read the pivot guide").check()
        expect(page.get_by_text("1 of 2 items done")).to_be_visible()
        expect(page.get_by_label("Read the pivot guide")).to_be_checked()
        _shot(page, "contract-owner")
        contract_url = page.url.split("#")[0]
        page.goto(f"{live_server}/contracts")
        _shot(page, "contract-list")

        mentor = context.browser.new_context(viewport={"width": 390, "height": 844})
        phone = mentor.new_page()
        log_in(phone, live_server, "contract_mentor")
        phone.goto(contract_url)
        expect(phone.get_by_text("Not co-signed yet")).to_be_visible()
        phone.fill("#body", "Great plan, let's review it on Friday.")
        phone.get_by_role("button", name="Comment").click()
        phone.get_by_role("button", name="Co-sign").click()
        expect(phone.get_by_text("✓ Co-signed")).to_be_visible()
        expect(phone.locator(".contract-comment")).to_contain_text("review it on Friday")
        _shot(phone, "contract-mentor-phone")
        mentor.close()
        assert not errors, errors
    finally:
        context.close()
