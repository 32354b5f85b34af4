"""Polls in real browsers: the asker adds a poll, a colleague votes, changes and withdraws the vote
by keyboard, and the asker's page follows every change live, without a reload."""

from __future__ import annotations

import pytest

from tests.browser.test_journey import log_in
from tests.factories import make_thread, make_user

pytestmark = pytest.mark.browser


def test_two_members_see_each_others_votes_live(live_app, live_server, browser):
    from playwright.sync_api import expect

    asker = make_user(live_app, "pollasker", display_name="Ana Pereira")
    make_user(live_app, "pollvoter", display_name="Ben Ito")
    thread = make_thread(live_app, asker, title="Which mesher should the new course use?")
    context_a = browser.new_context(viewport={"width": 1280, "height": 900})
    context_b = browser.new_context(viewport={"width": 390, "height": 844})  # a phone, too
    page_a, page_b = context_a.new_page(), context_b.new_page()
    try:
        log_in(page_a, live_server, "pollasker")
        log_in(page_b, live_server, "pollvoter")
        page_a.goto(f"{live_server}/questions/{thread.id}")
        expect(page_a.locator("[data-live-status-text]")).to_have_text("Live")
        page_a.evaluate("window.notReloaded = true")
        page_b.goto(f"{live_server}/questions/{thread.id}")
        expect(page_b.locator("[data-live-status-text]")).to_have_text("Live")

        # The asker adds a poll; it appears on the colleague's open page.
        page_a.get_by_text("Add a poll").click()
        # The script reads the closing time in the browser's zone, so it hides the form's zone field.
        expect(page_a.locator("#thread-polls-timezone")).to_be_hidden()
        page_a.locator("#thread-polls-question").fill("Which mesher do you use?")
        page_a.locator("#thread-polls-options").fill("Snappy\nGmsh\nCubit")
        page_a.get_by_role("button", name="Post poll").click()
        poll_a = page_a.locator("[data-poll]")
        expect(poll_a.locator(".poll-question")).to_have_text("Which mesher do you use?")
        poll_b = page_b.locator("[data-poll]")
        expect(poll_b.locator(".poll-question")).to_have_text("Which mesher do you use?")

        # B votes by keyboard: focus the first option, arrow to the second, Enter submits.
        poll_b.get_by_label("Snappy").focus()
        page_b.keyboard.press("ArrowDown")
        expect(poll_b.get_by_label("Gmsh")).to_be_checked()
        page_b.keyboard.press("Enter")
        gmsh_b = poll_b.locator(".poll-option").nth(1)
        expect(gmsh_b.locator("[data-mine-mark]")).to_be_visible()
        gmsh_a = poll_a.locator(".poll-option").nth(1)
        expect(gmsh_a.locator("[data-votes]")).to_have_text("1 vote · 100%")
        expect(poll_a.locator("[data-poll-summary]")).to_have_text("1 person voted")
        expect(gmsh_a.locator("[data-voters]")).to_have_text("Ben Ito")
        expect(gmsh_a.locator("[data-mine-mark]")).to_be_hidden()  # not A's vote

        # A votes too and keeps their own choice highlighted while B changes theirs.
        poll_a.get_by_label("Cubit").check()
        poll_a.get_by_role("button", name="Vote").click()
        expect(poll_a.locator(".poll-option").nth(2).locator("[data-mine-mark]")).to_be_visible()
        poll_b.get_by_label("Snappy").check()
        poll_b.get_by_role("button", name="Change vote").click()
        expect(poll_a.locator(".poll-option").nth(0).locator("[data-votes]")).to_have_text("1 vote · 50%")
        expect(gmsh_a.locator("[data-votes]")).to_have_text("0 votes · 0%")
        expect(poll_a.locator(".poll-option").nth(2).locator("[data-mine-mark]")).to_be_visible()
        expect(poll_a.get_by_label("Cubit")).to_be_checked()

        # B withdraws; A sees the count drop.
        poll_b.get_by_role("button", name="Withdraw vote").click()
        expect(poll_b.get_by_role("button", name="Withdraw vote")).to_be_hidden()
        expect(poll_a.locator("[data-poll-summary]")).to_have_text("1 person voted")
        expect(poll_a.locator(".poll-option").nth(0).locator("[data-votes]")).to_have_text("0 votes · 0%")

        # A closes the poll; B's page shows final results and no ballot controls.
        poll_a.get_by_role("button", name="Close poll").click()
        expect(poll_b.locator("[data-poll-summary]")).to_have_text("1 person voted · final results")
        expect(poll_b.get_by_role("button", name="Vote")).to_have_count(0)
        expect(poll_b.get_by_label("Snappy")).to_be_disabled()
        assert page_a.evaluate("window.notReloaded") is True
    finally:
        context_a.close()
        context_b.close()
