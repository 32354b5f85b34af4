"""The resource library in real browsers: sharing warns about a link that is already shared, and a
colleague's rating (by keyboard, through the JSON API) updates the sharer's open page live."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_journey import log_in
from tests.factories import make_user, share_resource

pytestmark = pytest.mark.browser


def test_share_with_a_duplicate_warning_then_a_colleagues_rating_arrives_live(live_app, live_server, browser):
    from playwright.sync_api import expect

    make_user(live_app, "resa", display_name="Rina Sharer")
    make_user(live_app, "resb", display_name="Ravi Rater")
    earlier = share_resource(live_app, make_user(live_app, "resc"), "https://learn.example.com/pivot-basics",
                             title="Pivot table basics")
    context_a = browser.new_context(viewport={"width": 1280, "height": 900})
    context_b = browser.new_context(viewport={"width": 390, "height": 844})
    page_a, page_b = context_a.new_page(), context_b.new_page()
    try:
        log_in(page_a, live_server, "resa")
        page_a.goto(f"{live_server}/resources/new")
        url = page_a.locator("#url")

        # Pasting a link someone already shared (in another form) warns at once, with a way to it.
        url.focus()
        page_a.keyboard.insert_text("https://www.learn.example.com/pivot-basics/?utm_source=newsletter")
        alert = page_a.locator("[data-duplicate-region] .duplicate-alert")
        expect(alert).to_contain_text("Already shared: Pivot table basics")
        expect(alert).to_contain_text("rate it instead")
        expect(alert.get_by_role("link", name="Pivot table basics")).to_have_attribute(
            "href", f"/resources/{earlier.id}")
        assert page_a.locator("[data-duplicate-region]").get_attribute("aria-live") == "polite"

        # A new link clears the warning; sharing it opens its page.
        url.fill("https://learn.example.com/pivot-refresh")
        expect(alert).to_have_count(0)
        page_a.fill("#title", "Refreshing pivot tables")
        page_a.select_option("#kind", "tip-sheet")
        page_a.fill("#duration_minutes", "3")
        page_a.fill("#tags", "excel")
        page_a.get_by_role("button", name="Share it").click()
        page_a.wait_for_url(re.compile(r"/resources/\d+$"))
        resource_id = int(page_a.url.rsplit("/", 1)[1])
        expect(page_a.locator(".flash-success")).to_contain_text("Thanks for sharing!")
        expect(page_a.locator("[data-rating-text]")).to_have_text("No ratings yet")
        page_a.evaluate("window.notReloaded = true")

        # A colleague rates it with the keyboard; the page updates in place, no reload.
        log_in(page_b, live_server, "resb")
        page_b.goto(f"{live_server}/resources/{resource_id}")
        page_b.evaluate("window.notReloaded = true")
        page_b.locator("label[for=stars-2]").click()
        page_b.keyboard.press("ArrowRight")
        page_b.keyboard.press("ArrowRight")
        expect(page_b.locator("#stars-4")).to_be_checked()
        expect(page_b.locator("[data-star-choice]")).to_have_text("4 of 5")
        page_b.fill("#review", "Fixed my stale totals in two minutes.")
        page_b.get_by_role("button", name="Submit rating").click()
        expect(page_b.locator("[data-rating-text]")).to_have_text("4 out of 5 from 1 rating")
        expect(page_b.get_by_role("button", name="Remove my rating")).to_be_visible()
        expect(page_b.locator("[data-rate-submit]")).to_have_text("Update my rating")
        assert page_b.evaluate("window.notReloaded") is True

        # The sharer's open page follows: the summary, the big number and the histogram.
        expect(page_a.locator("[data-rating-text]")).to_have_text("4 out of 5 from 1 rating")
        expect(page_a.locator("[data-rating-average]")).to_have_text("4")
        expect(page_a.locator("[data-star-row='4'] [data-star-count]")).to_have_text("1")
        expect(page_a.locator("[data-rating-summary] [data-stars] svg.star-full")).to_have_count(4)

        # Taking the rating back reaches the sharer too.
        page_b.get_by_role("button", name="Remove my rating").click()
        expect(page_b.locator("[data-rating-text]")).to_have_text("No ratings yet")
        expect(page_a.locator("[data-rating-text]")).to_have_text("No ratings yet")
        expect(page_a.locator("[data-star-row='4'] [data-star-count]")).to_have_text("0")
        assert page_a.evaluate("window.notReloaded") is True
    finally:
        context_a.close()
        context_b.close()
