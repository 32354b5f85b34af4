"""Certification tracks in a real browser: a member enrolls, marks a resource step done without a
reload and sees the progress bar move; answering in the tag completes the track."""

from __future__ import annotations

import os

import pytest

from community.models import Role
from tests.browser.test_journey import log_in
from tests.factories import make_answer, make_thread, make_track, make_user, share_resource

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("TRACK_SCREENSHOTS")  # a directory: save screenshots there for review


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_enroll_mark_a_resource_done_and_watch_the_progress_bar(live_app, live_server, browser):
    from playwright.sync_api import expect

    moderator = make_user(live_app, "trackmod_b", role=Role.MODERATOR)
    learner = make_user(live_app, "tracklearner_b")
    asker = make_user(live_app, "trackasker_b")
    thread = make_thread(live_app, asker, title="How do I split a column by comma?", tags=["trackexcel"])
    guide = share_resource(live_app, asker, title="Text to columns, explained")
    track_id = make_track(live_app, moderator, title="Cleaning data", perk="priority for the Q3 project",
                          steps=[{"kind": "resource", "resource_id": guide.id},
                                 {"kind": "answer_in_tag", "tag": "trackexcel", "count": 1}])
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        log_in(page, live_server, "tracklearner_b")
        page.goto(f"{live_server}/tracks")
        page.get_by_role("link", name="Cleaning data").click()
        page.get_by_role("button", name="Enroll").click()
        bar = page.locator("aside [data-progress-bar]")
        expect(bar).to_have_attribute("aria-valuenow", "0")
        expect(page.locator("aside [data-progress-text]")).to_have_text("0 of 2 steps")
        page.wait_for_load_state("domcontentloaded")  # the page's scripts have run: clicks are enhanced
        _shot(page, "after-enroll")
        page.evaluate("window.notReloaded = true")

        toggle = page.locator(f"[data-done-toggle][data-resource-id='{guide.id}'] button")
        expect(toggle).to_have_attribute("aria-pressed", "false")
        toggle.click()
        expect(page.locator("aside [data-progress-text]")).to_have_text("1 of 2 steps")
        expect(bar).to_have_attribute("aria-valuenow", "1")
        expect(toggle).to_have_attribute("aria-pressed", "true")
        assert page.evaluate("window.notReloaded") is True
        _shot(page, "track-page")

        # Answering in the tag (elsewhere) completes the track; the open page shows it live.
        make_answer(live_app, learner, thread, "Data > Text to Columns, with comma as the delimiter.")
        expect(page.locator("aside [data-progress-text]")).to_have_text("2 of 2 steps")
        expect(page.locator("[data-track-completed]")).to_contain_text("Completed")
        assert page.evaluate("window.notReloaded") is True
        _shot(page, "track-completed")

        page.goto(f"{live_server}/resources/{guide.id}")
        expect(page.get_by_role("button", name="Mark as done")).to_have_attribute("aria-pressed", "true")
        page.goto(f"{live_server}/tracks")
        listed = page.locator(f"[data-track-progress='{track_id}'] [data-progress-text]")
        expect(listed).to_have_text("2 of 2 steps")
        _shot(page, "tracks-index")
    finally:
        context.close()
