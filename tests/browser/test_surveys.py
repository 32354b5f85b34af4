"""Surveys in a real browser: a moderator builds a survey with the in-place builder, a member
finds it on the home page and answers it, and the moderator sees the results with the chart."""

from __future__ import annotations

import os
import re

import pytest

from community.models import Role
from tests.browser.test_journey import log_in
from tests.factories import make_survey, make_user

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SURVEY_SCREENSHOTS")  # a directory: save screenshots there for review


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_builder_adds_reorders_and_removes_questions_without_reload(live_app, live_server, browser):
    from playwright.sync_api import expect

    make_user(live_app, "surveymod_b", role=Role.MODERATOR)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        log_in(page, live_server, "surveymod_b")
        page.goto(f"{live_server}/surveys/new")
        page.evaluate("window.notReloaded = true")
        page.fill("#title", "Tools check-in")
        page.fill("#q-0-prompt", "How do you rate the new laptop?")
        page.get_by_role("button", name="Add a question").click()
        expect(page.locator("[data-question]")).to_have_count(2)
        expect(page.locator("#q-1-prompt")).to_be_focused()
        page.fill("#q-1-prompt", "Which apps do you use daily?")
        expect(page.locator("#q-1-options")).to_be_hidden()  # not a choice question yet
        page.select_option("#q-1-kind", "multiple")
        expect(page.locator("#q-1-options")).to_be_visible()
        page.fill("#q-1-options", "Mail\nCalendar\nChat")
        page.get_by_role("button", name="Add a question").click()
        page.fill("#q-2-prompt", "Remove me")
        page.get_by_role("button", name="Remove question 3").click()
        expect(page.locator("[data-question]")).to_have_count(2)
        page.get_by_role("button", name="Move up question 2").click()  # the apps question goes first
        expect(page.locator("#q-0-prompt")).to_have_value("Which apps do you use daily?")
        expect(page.locator("[data-builder-status]")).to_have_text("Moved to position 1.")
        assert page.evaluate("window.notReloaded") is True
        page.get_by_role("radio", name="Members of some departments").check()
        expect(page.locator("#departments")).to_be_visible()
        page.fill("#departments", "IT, Finance")
        _shot(page, "survey-builder")
        page.get_by_role("button", name="Save draft").click()
        page.wait_for_url(re.compile(r"/surveys/\d+$"))
        preview = page.locator(".survey-preview > li")
        expect(preview).to_have_count(2)
        expect(preview.first).to_contain_text("Which apps do you use daily?")
        expect(page.locator(".survey-meta")).to_contain_text("For IT, Finance")
    finally:
        context.close()


def test_member_answers_and_moderator_sees_the_chart(live_app, live_server, browser):
    from playwright.sync_api import expect

    moderator = make_user(live_app, "surveymod", role=Role.MODERATOR)
    make_user(live_app, "surveyfan", display_name="Sam Answers")
    survey_id = make_survey(live_app, moderator, title="Onboarding pulse",
                            description="Two minutes, anonymous.")
    member_context = browser.new_context(viewport={"width": 1280, "height": 900})
    mod_context = browser.new_context(viewport={"width": 1280, "height": 900})
    page, mod_page = member_context.new_page(), mod_context.new_page()
    try:
        log_in(page, live_server, "surveyfan")
        box = page.locator(".survey-box")
        expect(box).to_contain_text("Surveys for you")
        _shot(page, "survey-home-box")
        box.get_by_role("link", name="Onboarding pulse").click()
        page.wait_for_url(f"{live_server}/surveys/{survey_id}")
        page.locator(".survey-rating-choice", has_text="4").click()
        page.get_by_role("radio", name="South").check()
        page.get_by_role("checkbox", name="Excel").check()
        page.get_by_role("checkbox", name="Slack").check()
        page.get_by_label("Your answer").fill("More coffee, fewer meetings.")
        _shot(page, "survey-answer-form")
        page.get_by_role("button", name="Send my answers").click()
        expect(page.locator(".survey-thanks")).to_contain_text("You answered this survey on")
        page.goto(f"{live_server}/")
        expect(page.locator(".survey-box")).to_have_count(0)

        log_in(mod_page, live_server, "surveymod")
        mod_page.goto(f"{live_server}/surveys/{survey_id}/results")
        expect(mod_page.locator(".survey-stats")).to_contain_text("Responses")
        chart = mod_page.get_by_role("img", name=re.compile("Answers to: How useful was onboarding"))
        expect(chart).to_be_visible()
        expect(chart.locator("rect.survey-chart-bar")).to_have_count(5)
        expect(mod_page.get_by_role("img", name="Response rate over time")).to_be_visible()
        expect(mod_page.locator(".survey-texts")).to_contain_text("More coffee, fewer meetings.")
        expect(mod_page.get_by_role("link", name=re.compile("Download CSV"))).to_have_attribute(
            "href", f"/api/v1/surveys/{survey_id}/results.csv")
        _shot(mod_page, "survey-results")
        mod_page.set_viewport_size({"width": 390, "height": 844})
        _shot(mod_page, "survey-results-phone")
    finally:
        member_context.close()
        mod_context.close()
