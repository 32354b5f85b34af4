"""The personal home in a real browser: follow a tag from its page (no reload, aria-pressed), then
find its unanswered question on "For you"; watch and mute a thread from its page."""

from __future__ import annotations

import pytest

from tests.browser.test_journey import log_in
from tests.factories import make_answer, make_thread, make_user

pytestmark = pytest.mark.browser


def test_follow_a_tag_then_see_its_question_for_you(live_app, live_server, browser):
    from playwright.sync_api import expect

    make_user(live_app, "feedfan", display_name="Fay Follower")
    asker = make_user(live_app, "feedasker")
    question = make_thread(live_app, asker, "How do I unpivot a table in power query?", tags=["powerquery"])
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        log_in(page, live_server, "feedfan")
        page.goto(f"{live_server}/for-you")
        expect(page.get_by_role("link", name="For you")).to_have_attribute("aria-current", "page")
        expect(page.locator("[data-feed-unanswered]")).not_to_contain_text("#powerquery")

        page.goto(f"{live_server}/tags/powerquery")
        page.evaluate("window.notReloaded = true")
        button = page.get_by_role("button", name="Follow #powerquery")
        expect(button).to_have_attribute("aria-pressed", "false")
        button.focus()
        page.keyboard.press("Enter")
        expect(button).to_have_attribute("aria-pressed", "true")
        expect(page.locator("[data-follow-status]")).to_have_text("You follow #powerquery.")
        assert page.evaluate("window.notReloaded") is True  # switched in place

        page.get_by_role("link", name="For you").click()
        section = page.locator("[data-feed-unanswered]")
        expect(section.get_by_role("heading", level=2)).to_have_text("Because you follow #powerquery")
        expect(section.get_by_role("link", name=question.title)).to_be_visible()

        # Watch, then mute, the question from its page; the state survives a reload.
        section.get_by_role("link", name=question.title).click()
        page.wait_for_url(f"**/questions/{question.id}**")
        page.wait_for_load_state("domcontentloaded")  # module scripts have run: clicks are enhanced
        control = page.locator("[data-watch-thread]")
        watch = control.get_by_role("button", name="Watch", exact=True)
        mute = control.get_by_role("button", name="Mute", exact=True)
        page.evaluate("window.notReloaded = true")
        watch.click()
        expect(watch).to_have_attribute("aria-pressed", "true")
        expect(control.get_by_role("button", name="Stop watching")).to_be_visible()
        mute.click()
        expect(mute).to_have_attribute("aria-pressed", "true")
        expect(watch).to_have_attribute("aria-pressed", "false")
        expect(page.locator("[data-watch-status]")).to_have_text("Muted: no notifications except mentions.")
        assert page.evaluate("window.notReloaded") is True
        page.reload()
        expect(page.locator("[data-watch-thread]")).to_have_attribute("data-watch-level", "muted")
    finally:
        context.close()


def test_for_you_announces_new_questions_in_your_tags_and_answers_in_watched_threads(
        live_app, live_server, browser):
    from playwright.sync_api import expect

    from community.actions import follows

    fan, asker = make_user(live_app, "livefan"), make_user(live_app, "liveasker")
    make_thread(live_app, asker, "How do I unpivot a table?", tags=["powerquery"])
    with live_app.app_context():
        follows.follow_tag(fan, "powerquery")
    mine = make_thread(live_app, fan, "Why does my merge step duplicate rows?", tags=["excel"])
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        log_in(page, live_server, "livefan")
        page.goto(f"{live_server}/for-you")
        page.wait_for_load_state("domcontentloaded")
        page.evaluate("window.notReloaded = true")
        questions = page.locator("[data-new-questions]")
        answers = page.locator("[data-new-watched-answers]")
        expect(questions).to_be_hidden()

        make_thread(live_app, asker, "Pivot a column without hardcoding names?", tags=["powerquery"])
        expect(questions).to_have_text("1 new question in your tags — show it")
        make_thread(live_app, asker, "Which laptop should I order?", tags=["hardware"])  # not yours
        make_thread(live_app, fan, "Can a query read a whole folder?", tags=["powerquery"])  # own
        make_answer(live_app, asker, mine, "Remove duplicates on the key before merging.")
        expect(answers).to_have_text("1 new answer in threads you watch — show it")
        expect(questions).to_have_text("1 new question in your tags — show it")
        assert page.evaluate("window.notReloaded") is True

        questions.click()
        unanswered = page.locator("[data-feed-unanswered]")
        expect(unanswered).to_contain_text("Pivot a column without hardcoding names?")
        expect(page.locator("[data-new-questions]")).to_be_hidden()
    finally:
        context.close()
