"""The Content-Security-Policy in a real browser: every main page loads without a single violation
(no inline script, handler or style sneaks in), Markdown tables keep their alignment without
inline styles, and live updates still arrive over a same-origin websocket that 'self' allows."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_journey import log_in
from tests.factories import make_message, make_room, make_thread, make_user, share_resource

pytestmark = pytest.mark.browser

# Runs before any page script (and outside the page's CSP), so no violation can go unseen.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
                            + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""
TABLE = "| Step | Owner | Minutes |\n|:-----|:-----:|--------:|\n| Import | Ana | 5 |\n| Review | Ben | 15 |"


class ViolationLog:
    """CSP complaints from the console and from securitypolicyviolation events, for one page."""

    def __init__(self, page) -> None:
        self.page = page
        self.console: list[str] = []
        self.errors: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _on_console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text or "Refused to" in text:
            self.console.append(text)

    def assert_none(self, where: str) -> None:
        events = self.page.evaluate("window.cspViolations")
        assert events == [], f"{where}: {events}"
        assert self.console == [], f"{where}: {self.console}"
        assert self.errors == [], f"{where}: {self.errors}"


def test_the_main_pages_load_without_any_policy_violation(live_app, live_server, browser):
    from playwright.sync_api import expect

    viewer = make_user(live_app, "cspviewer", display_name="Vera Viewer")
    colleague = make_user(live_app, "cspcolleague", display_name="Cole Colleague")
    thread = make_thread(live_app, colleague, title="Which owner signs off each onboarding step?",
                         body=f"Here is the plan:\n\n{TABLE}\n\n**Bold** and `code` too.",
                         tags=["onboarding"])
    room = make_room(live_app, colleague, "Onboarding drop-in", topic="Ask anything")
    make_message(live_app, colleague, room, "Welcome! Here's a table:\n\n" + TABLE)
    resource = share_resource(live_app, colleague, "https://learn.example.com/onboarding-checklist",
                              title="Onboarding checklist")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations = ViolationLog(page)
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    try:
        for path in ["/login", "/password/forgot", "/register"]:
            page.goto(f"{live_server}{path}")
            violations.assert_none(path)
        log_in(page, live_server, "cspviewer")
        pages = ["/", f"/questions/{thread.id}", "/questions/ask", "/rooms", f"/rooms/{room.slug}",
                 "/resources", f"/resources/{resource.id}", "/resources/new", "/search?q=onboarding",
                 f"/users/{colleague.username}", f"/users/{viewer.username}", "/notifications",
                 "/tags", "/badges", "/leaderboard", "/settings/profile"]
        for path in pages:
            response = page.goto(f"{live_server}{path}")
            assert response.status == 200, path
            assert "'nonce-" in response.headers["content-security-policy"]
            page.wait_for_load_state("networkidle")
            violations.assert_none(path)

        # Table alignment survives as classes (no inline style), on a thread and in a room.
        page.goto(f"{live_server}/questions/{thread.id}")
        minutes = page.locator(".post-body td", has_text="15")
        expect(minutes).to_have_css("text-align", "right")
        expect(page.locator(".post-body th", has_text="Owner")).to_have_css("text-align", "center")
        page.goto(f"{live_server}/rooms/{room.slug}")
        expect(page.locator(".message-body td", has_text="15").first).to_have_css("text-align", "right")
        violations.assert_none("tables")
    finally:
        context.close()
    assert any(re.match(r"ws://127\.0\.0\.1:\d+/socket\.io/", url) for url in sockets), sockets


def test_live_updates_still_arrive_under_the_policy(live_app, live_server, browser):
    from playwright.sync_api import expect

    from tests.factories import make_answer

    make_user(live_app, "csplive", display_name="Lena Live")
    helper = make_user(live_app, "csphelper", display_name="Hank Helper")
    thread = make_thread(live_app, helper, title="Does live delivery work with a strict CSP?")
    room = make_room(live_app, helper, "Strict policy room")
    context = browser.new_context()
    page = context.new_page()
    violations = ViolationLog(page)
    try:
        log_in(page, live_server, "csplive")
        page.goto(f"{live_server}/questions/{thread.id}")
        expect(page.locator("[data-live-status-text]")).to_have_text("Live")
        page.evaluate("window.notReloaded = true")
        answer = make_answer(live_app, helper, thread.id, body="Yes: the **websocket** is same-origin.")
        expect(page.locator(f"#answer-{answer.id} .post-body strong")).to_have_text("websocket")
        violations.assert_none("live answer")

        page.goto(f"{live_server}/rooms/{room.slug}")
        expect(page.locator("[data-live-status-text]")).to_have_text("Live")
        message = make_message(live_app, helper, room, "Live in the room, with *emphasis*.")
        expect(page.locator(f"#message-{message.id} em")).to_have_text("emphasis")
        violations.assert_none("live room message")
    finally:
        context.close()
