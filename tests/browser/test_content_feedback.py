""""Was this helpful?" in a real browser: a reader marks an answer helpful, changes it to not
helpful with a comment (keyboard only, no reload), and a reload shows the state; the author sees the
aggregate and the comment, without the reader's name. The same row works under a resource."""

from __future__ import annotations

import pytest

from tests.browser.test_journey import log_in
from tests.factories import make_answer, make_thread, make_user, share_resource

pytestmark = pytest.mark.browser


def test_mark_helpful_change_with_a_comment_and_the_author_sees_it(live_app, live_server, browser):
    from playwright.sync_api import expect

    author = make_user(live_app, "fbauthor", display_name="Ada Author")
    make_user(live_app, "fbreader", display_name="Rex Reader")
    thread = make_thread(live_app, make_user(live_app, "fbasker"), "How do I export the mesh to STL?")
    answer = make_answer(live_app, author, thread, "Use File > Export and pick STL.")
    reader_context = browser.new_context(viewport={"width": 1280, "height": 900})
    author_context = browser.new_context(viewport={"width": 390, "height": 844})
    page, author_page = reader_context.new_page(), author_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        log_in(page, live_server, "fbreader")
        page.goto(f"{live_server}/questions/{thread.id}")
        row = page.locator(f"#answer-{answer.id} [data-helpful]")
        yes = row.get_by_role("button", name="Yes")
        no = row.get_by_role("button", name="No")
        expect(row.get_by_text("Was this answer helpful?")).to_be_visible()
        expect(yes).to_have_attribute("aria-pressed", "false")
        page.evaluate("window.notReloaded = true")

        # Yes, by keyboard.
        yes.focus()
        page.keyboard.press("Enter")
        expect(yes).to_have_attribute("aria-pressed", "true")
        expect(row.locator("[data-helpful-status]")).to_have_text("Thanks for the feedback.")
        comment_box = row.get_by_label("What was missing?")
        expect(comment_box).to_be_hidden()

        # Changed to No: the optional comment box opens; the comment is sent with Enter on Send.
        no.focus()
        page.keyboard.press("Space")
        expect(no).to_have_attribute("aria-pressed", "true")
        expect(yes).to_have_attribute("aria-pressed", "false")
        expect(comment_box).to_be_visible()
        comment_box.fill("Which version has that menu?")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(row.locator("[data-helpful-status]")).to_have_text("Thanks, your comment was sent.")
        assert page.evaluate("window.notReloaded") is True

        # A reload shows what was stored.
        page.reload()
        row = page.locator(f"#answer-{answer.id} [data-helpful]")
        expect(row.get_by_role("button", name="No")).to_have_attribute("aria-pressed", "true")
        expect(row.get_by_label("What was missing?")).to_have_value("Which version has that menu?")

        # The author sees the aggregate and the comment, not who wrote it; no buttons on their own.
        log_in(author_page, live_server, "fbauthor")
        author_page.goto(f"{live_server}/questions/{thread.id}")
        own = author_page.locator(f"#answer-{answer.id} [data-helpful]")
        expect(own).to_contain_text("0 of 1 found this helpful")
        expect(own.get_by_role("button", name="Yes")).to_have_count(0)
        own.get_by_text("1 comment").click()
        expect(own.get_by_text("Which version has that menu?")).to_be_visible()
        expect(own).not_to_contain_text("Rex")
        author_page.screenshot(path="/tmp/feedback-author-thread.png", full_page=True)

        # Pressing the pressed button again withdraws the feedback.
        row.get_by_role("button", name="No").click()
        expect(row.get_by_role("button", name="No")).to_have_attribute("aria-pressed", "false")
        expect(row.locator("[data-helpful-status]")).to_have_text("Your feedback was removed.")
        author_page.reload()
        expect(author_page.locator(f"#answer-{answer.id} [data-helpful]")).to_contain_text(
            "No “was this helpful?” feedback yet")

        # The same row under a resource.
        resource = share_resource(live_app, author, title="Meshing in ten minutes")
        page.goto(f"{live_server}/resources/{resource.id}")
        resource_row = page.locator("[data-helpful]")
        resource_row.get_by_role("button", name="Yes").click()
        expect(resource_row.get_by_role("button", name="Yes")).to_have_attribute("aria-pressed", "true")
        page.screenshot(path="/tmp/feedback-reader-resource.png", full_page=True)
        assert errors == []
    finally:
        reader_context.close()
        author_context.close()
