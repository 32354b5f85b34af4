"""Milestones in a real browser: the form shows only the fields the chosen metric uses, and the
milestone list's progress bar moves live when the member answers in another tab."""

from __future__ import annotations

import pytest

from tests.browser.test_journey import log_in
from tests.factories import make_answer, make_milestone, make_thread, make_user

pytestmark = pytest.mark.browser


def test_form_fields_follow_the_metric(live_app, live_server, browser):
    from playwright.sync_api import expect

    make_user(live_app, "msform")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        log_in(page, live_server, "msform")
        page.goto(f"{live_server}/milestones/new")
        expect(page.locator("#tag")).to_be_visible()
        expect(page.locator("#resource_kind")).to_be_hidden()
        page.get_by_label("Resources I finish").check()
        expect(page.locator("#resource_kind")).to_be_visible()
        expect(page.locator("#tag")).to_be_hidden()
        page.get_by_label("A number I keep myself").check()
        expect(page.locator("#tag")).to_be_hidden()
        expect(page.locator("#resource_kind")).to_be_hidden()
        page.fill("#title", "Read four chapters")
        page.fill("#target", "4")
        page.get_by_role("button", name="Set milestone").click()
        expect(page.locator("h1")).to_have_text("Read four chapters")
        expect(page.get_by_text("Counted by you")).to_be_visible()
    finally:
        page.close()


def test_progress_moves_live_and_reaching_shows_without_reload(live_app, live_server, browser):
    from playwright.sync_api import expect

    owner, asker = make_user(live_app, "msowner"), make_user(live_app, "msasker")
    threads = [make_thread(live_app, asker) for _ in range(2)]
    milestone_id = make_milestone(live_app, owner, title="Answer two questions", target=2)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        log_in(page, live_server, "msowner")
        # On connecting, the page re-reads its milestones once: then it is listening.
        with page.expect_response(lambda r: "/api/v1/milestones" in r.url):
            page.goto(f"{live_server}/milestones")
        page.evaluate("window.notReloaded = true")
        row = page.locator(f"li[data-milestone-id='{milestone_id}']")
        expect(row.locator("[data-milestone-value]")).to_have_text("0")
        make_answer(live_app, owner, threads[0])  # the member answers elsewhere (another tab, the API)
        expect(row.locator("[data-milestone-value]")).to_have_text("1")
        expect(row.locator("progress")).to_have_attribute("value", "1")
        make_answer(live_app, owner, threads[1])
        expect(row.locator("[data-milestone-value]")).to_have_text("2")
        expect(row.locator("[data-milestone-status]")).to_have_text("Reached")
        assert page.evaluate("window.notReloaded") is True
    finally:
        page.close()
