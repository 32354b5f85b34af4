"""Search in a real browser: the header box, the results page, and similar questions while asking."""

from __future__ import annotations

import re

import pytest

from community import search
from tests.browser.test_journey import log_in
from tests.factories import accept, make_answer, make_thread, make_user

pytestmark = pytest.mark.browser


def test_search_from_the_header_and_see_similar_questions_while_asking(live_app, live_server,
                                                                       browser):
    from playwright.sync_api import expect

    owner = make_user(live_app, "seeker", display_name="Sam Seeker")
    helper = make_user(live_app, "finder")
    thread = make_thread(live_app, owner, "Expense tool rejects the hotel receipt upload",
                         body="It says the file is too large.", tags=["expenses"])
    accept(live_app, owner, thread, make_answer(live_app, helper, thread,
                                                "Shrink the PDF below 5 MB first."))
    search.index_pending(live_app)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/")
        page.fill("#site-search-q", "receipt upload")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server}/search?q=receipt+upload")
        result = page.locator(".search-result").first
        expect(result).to_contain_text("Expense tool rejects the hotel receipt upload")
        expect(result.locator("mark").first).to_be_visible()
        page.get_by_text("Advanced search").click()
        expect(page.locator(".search-operators")).to_contain_text("is:unsolved")

        log_in(page, live_server, "seeker")
        page.goto(f"{live_server}/questions/ask")
        panel = page.locator("#similar-questions")
        expect(panel).to_be_hidden()
        page.fill("#title", "Hotel receipt upload is rejected by the expense tool")
        expect(panel).to_be_visible()
        expect(panel.locator("li").first).to_contain_text("Expense tool rejects the hotel receipt")
        expect(panel.locator(".similar-solved").first).to_have_text("✓ solved")
        expect(page.locator("[data-similar-status]")).to_have_text(
            re.compile(r"^\d+ similar questions? found$"))
    finally:
        context.close()
