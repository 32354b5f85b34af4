"""Live updates in real browsers: a colleague's answer, typing, votes, presence and the bell
arrive on an open thread page without a reload, and the page catches up after a disconnect."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_journey import log_in
from tests.factories import make_answer, make_thread, make_user, vote

pytestmark = pytest.mark.browser


def test_answers_typing_votes_and_presence_arrive_without_reload(live_app, live_server, browser):
    from playwright.sync_api import expect

    asker = make_user(live_app, "livea", display_name="Priya Raman")
    make_user(live_app, "liveb", display_name="Tom Okafor")
    thread = make_thread(live_app, asker, title="Where is the onboarding checklist now?")
    context_a = browser.new_context(viewport={"width": 1280, "height": 900})
    context_b = browser.new_context(viewport={"width": 1280, "height": 900})
    page_a, page_b = context_a.new_page(), context_b.new_page()
    try:
        log_in(page_a, live_server, "livea")
        log_in(page_b, live_server, "liveb")
        page_a.goto(f"{live_server}/questions/{thread.id}")
        expect(page_a.locator("[data-live-status-text]")).to_have_text("Live")
        page_a.evaluate("window.notReloaded = true")
        page_b.goto(f"{live_server}/questions/{thread.id}")
        expect(page_b.locator("[data-live-status-text]")).to_have_text("Live")

        # Presence: A sees both people viewing.
        expect(page_a.locator("[data-presence] img")).to_have_count(2)
        expect(page_a.locator("[data-presence] img[alt='Tom Okafor']")).to_be_visible()

        # Typing: B types, A sees it; B stops (blur), A's indicator clears.
        page_b.locator("#answer-body").type("Check the L&D space", delay=20)
        expect(page_a.locator("[data-typing]")).to_have_text("Tom Okafor is writing an answer…")
        page_b.locator("#answer-body").blur()
        expect(page_a.locator("[data-typing]")).to_have_text("")

        # B posts; A's page shows the answer, the new count, and A's bell counts it.
        page_b.locator("#answer-body").fill("It moved to **Learning → New hire**.")
        page_b.get_by_role("button", name="Post your answer").click()
        page_b.wait_for_url(re.compile(r"#answer-\d+$"))
        answer_id = int(page_b.url.rsplit("-", 1)[1])
        live_answer = page_a.locator(f"#answer-{answer_id}")
        expect(live_answer.locator(".post-body strong")).to_have_text("Learning → New hire")
        expect(live_answer.locator(".user-link")).to_have_text("Tom Okafor")
        expect(page_a.locator("#answers-heading")).to_have_text("1 answer")
        expect(page_a.locator("[data-unread-count]")).to_have_text("2")  # First Question badge + answer

        # The inserted answer is fully working: A accepts it without a reload, and A's first
        # acceptance of a colleague's answer earns a badge, announced live with a toast.
        live_answer.get_by_role("button", name="Accept this answer").click()
        expect(live_answer.locator("[data-accepted-mark]")).to_be_visible()
        expect(page_a.locator(".toast-badge")).to_contain_text("New badge: Scholar (Bronze)")
        expect(page_a.locator("[data-unread-count]")).to_have_text("3")

        # A vote by someone else changes the score on A's page.
        voter = make_user(live_app, "livec")
        vote(live_app, voter, answer_id, 1)
        expect(live_answer.locator("[data-score]")).to_have_text("1")
        assert page_a.evaluate("window.notReloaded") is True
    finally:
        context_a.close()
        context_b.close()


def test_a_page_that_was_offline_catches_up_without_duplicates(live_app, live_server, browser):
    from playwright.sync_api import expect

    asker = make_user(live_app, "offa", display_name="Offline Asker")
    helper = make_user(live_app, "offb", display_name="Busy Helper")
    thread = make_thread(live_app, asker, title="Does the page catch up after sleeping?")
    context = browser.new_context()
    page = context.new_page()
    try:
        log_in(page, live_server, "offa")
        page.goto(f"{live_server}/questions/{thread.id}")
        expect(page.locator("[data-live-status-text]")).to_have_text("Live")
        first = make_answer(live_app, helper, thread, "Answer while online.")
        expect(page.locator(f"#answer-{first.id}")).to_be_visible()

        context.set_offline(True)
        expect(page.locator("[data-live-status-text]")).to_have_text("Reconnecting…", timeout=30_000)
        missed = [make_answer(live_app, helper, thread, f"Answer {n} while offline.") for n in range(2)]
        context.set_offline(False)

        for answer in missed:
            expect(page.locator(f"#answer-{answer.id}")).to_be_visible(timeout=30_000)
        expect(page.locator("article[data-answer-id]")).to_have_count(3)
        expect(page.locator("#answers-heading")).to_have_text("3 answers")
    finally:
        context.close()
