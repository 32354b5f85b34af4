"""The main Q&A journey in real browsers: ask with a live preview, answer from a second browser,
vote and accept with the page updating in place."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD, make_answer, make_user

pytestmark = pytest.mark.browser


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("#login", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(f"{base_url}/")


def test_ask_answer_vote_and_accept_across_two_browsers(live_app, live_server, browser):
    from playwright.sync_api import expect

    make_user(live_app, "asker", display_name="Ada Asker")
    make_user(live_app, "helper", display_name="Hal Helper")
    early = make_user(live_app, "early", display_name="Early Bird")
    asker = browser.new_context(viewport={"width": 1280, "height": 900})
    helper = browser.new_context(viewport={"width": 390, "height": 844})
    page_a, page_b = asker.new_page(), helper.new_page()
    try:
        log_in(page_a, live_server, "asker")
        page_a.goto(f"{live_server}/questions/ask")
        page_a.fill("#title", "Negotiation simulation: buyer leaves at round 3")
        page_a.fill("#body", "Whatever I offer, **the buyer walks out**.")
        expect(page_a.locator("[data-preview-output] strong")).to_have_text("the buyer walks out")
        page_a.fill("#tags", "Simulation, negotiation")
        page_a.get_by_role("button", name="Post your question").click()
        page_a.wait_for_url(re.compile(r"/questions/\d+/negotiation-simulation"))
        thread_url = page_a.url
        thread_id = int(re.search(r"/questions/(\d+)/", thread_url).group(1))
        expect(page_a.locator("h1")).to_contain_text("buyer leaves at round 3")

        page_a.goto(f"{live_server}/")
        title_link = page_a.get_by_role("link", name="Negotiation simulation: buyer leaves at round 3")
        expect(title_link).to_be_visible()

        make_answer(live_app, early, thread_id, body="An early, less useful answer.")
        log_in(page_b, live_server, "helper")
        page_b.goto(thread_url)
        page_b.fill("#answer-body", "Ask about their **decision process** before any offer.")
        page_b.get_by_role("button", name="Post your answer").click()
        page_b.wait_for_url(re.compile(r"#answer-\d+$"))
        answer_id = int(page_b.url.rsplit("-", 1)[1])
        expect(page_b.locator(f"#answer-{answer_id}")).to_contain_text("decision process")

        page_a.goto(thread_url)
        answers = page_a.locator("article[data-answer-id]")
        expect(answers).to_have_count(2)
        expect(answers.first).not_to_have_attribute("id", f"answer-{answer_id}")
        page_a.evaluate("window.notReloaded = true")

        helper_answer = page_a.locator(f"#answer-{answer_id}")
        helper_answer.get_by_role("button", name="Upvote this answer").click()
        expect(helper_answer.locator("[data-score]")).to_have_text("1")
        expect(helper_answer.get_by_role("button", name="Upvote this answer")).to_have_attribute(
            "aria-pressed", "true")

        page_a.locator("#question").get_by_role("button", name="Upvote this question").click()
        expect(page_a.locator("#toasts")).to_contain_text("You can't vote on your own post.")

        helper_answer.get_by_role("button", name="Accept this answer").click()
        expect(helper_answer.locator("[data-accepted-mark]")).to_be_visible()
        expect(helper_answer).to_have_class(re.compile(r"\bis-accepted\b"))
        expect(helper_answer.get_by_role("button", name="Unaccept")).to_be_visible()
        expect(answers.first).to_have_attribute("id", f"answer-{answer_id}")
        assert page_a.evaluate("window.notReloaded") is True

        page_b.reload()
        expect(page_b.locator("article[data-answer-id]").first).to_have_class(re.compile("is-accepted"))
    finally:
        asker.close()
        helper.close()
