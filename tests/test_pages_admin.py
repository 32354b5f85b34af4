"""The admin pages: dashboard, members (roles, suspensions), site settings and the audit log."""

from __future__ import annotations

import re

import pytest

from community.models import Role
from tests.factories import make_answer, make_thread, make_user, reload_user
from tests.support import ApiClient, AuthActions, csrf_token_from


@pytest.fixture
def people(app):
    return {"admin": make_user(app, "admin", role=Role.ADMIN),
            "mod": make_user(app, "mod", role=Role.MODERATOR),
            "alice": make_user(app, "alice", display_name="Alice Liddell"),
            "bob": make_user(app, "bob")}


def browser(app, username: str | None):
    client = app.test_client()
    if username:
        assert AuthActions(client).login(username).status_code == 302
    return client


def post_form(client, page: str, action: str, data: dict):
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(action, data={**data, "csrf_token": token})


def text(response) -> str:
    return response.get_data(as_text=True)


def test_admin_pages_are_for_moderators_and_admins(app, people):
    anonymous, member = browser(app, None), browser(app, "alice")
    moderator, admin = browser(app, "mod"), browser(app, "admin")
    for path in ("/admin", "/admin/users", "/admin/audit", "/admin/settings"):
        response = anonymous.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        assert member.get(path).status_code == 403
        assert admin.get(path).status_code == 200
    for path in ("/admin", "/admin/users", "/admin/audit"):
        assert moderator.get(path).status_code == 200
    assert moderator.get("/admin/settings").status_code == 403
    assert 'href="/admin"' in text(moderator.get("/"))  # the "Admin" link in the navigation
    assert 'href="/admin"' not in text(member.get("/"))


def test_dashboard_shows_totals_recent_activity_and_a_chart_with_its_table(app, people):
    thread = make_thread(app, people["alice"])
    make_answer(app, people["bob"], thread)
    page = text(browser(app, "mod").get("/admin"))
    assert "Admin dashboard" in page and "Open flags" in page
    assert re.search(r"<dt>Members</dt><dd>4</dd>", page)
    assert re.search(r"<dt>Questions</dt><dd>1</dd>", page)
    assert page.count('class="chart-bar"') == 30
    assert "2 posts in the last 30 days" in page
    assert "Questions and answers per UTC day" in page  # the accessible table beside the chart
    assert "<script" not in page.split("</head>")[1]  # no inline scripts (CSP)
    assert "style=" not in page


def test_members_page_searches_and_suspends_with_a_reason(app, people):
    mod = browser(app, "mod")
    listing = text(mod.get("/admin/users?q=lidd"))
    assert "Alice Liddell" in listing and "@bob" not in listing
    assert 'for="reason-' in listing and 'name="hours"' in listing

    refused = post_form(mod, "/admin/users", "/admin/users/alice/suspension", {"hours": "24", "reason": ""})
    assert refused.status_code == 422 and "Reason must be 1-500 characters" in text(refused)
    assert not reload_user(app, people["alice"].id).is_suspended

    done = post_form(mod, "/admin/users", "/admin/users/alice/suspension",
                     {"hours": "72", "reason": "Posting spam", "next": "/admin/users?q=alice"})
    assert done.status_code == 302 and done.headers["Location"] == "/admin/users?q=alice"
    alice = reload_user(app, people["alice"].id)
    assert alice.is_suspended and alice.suspension_reason == "Posting spam"
    listing = text(mod.get("/admin/users?status=suspended"))
    assert "Suspended" in listing and "Posting spam" in listing and "@bob" not in listing

    # Moderators can't suspend moderators or admins: no form, and the POST is refused.
    assert post_form(mod, "/admin/users", "/admin/users/admin/suspension",
                     {"hours": "24", "reason": "no"}).status_code == 403

    lifted = post_form(mod, "/admin/users", "/admin/users/alice/suspension/lift", {})
    assert lifted.status_code == 302 and not reload_user(app, people["alice"].id).is_suspended


def test_admins_change_roles_from_the_members_page(app, people):
    admin, mod = browser(app, "admin"), browser(app, "mod")
    assert 'action="/admin/users/bob/role"' not in text(mod.get("/admin/users"))  # see, not change
    assert 'action="/admin/users/bob/role"' in text(admin.get("/admin/users"))
    assert post_form(mod, "/admin/users", "/admin/users/bob/role", {"role": "admin"}).status_code == 403
    response = post_form(admin, "/admin/users", "/admin/users/bob/role", {"role": "moderator"})
    assert response.status_code == 302 and reload_user(app, people["bob"].id).role == "moderator"
    last = post_form(admin, "/admin/users", "/admin/users/admin/role", {"role": "member"})
    assert last.status_code == 409 and "last administrator" in text(last)


def test_settings_form_saves_changes_and_shows_errors_per_field(app, people):
    admin = browser(app, "admin")
    form = text(admin.get("/admin/settings"))
    assert 'id="PRIVILEGE_DOWNVOTE"' in form and "Reputation needed to downvote." in form
    assert 'name="OPEN_REGISTRATION"' in form and "checked" in form

    bad = post_form(admin, "/admin/settings", "/admin/settings",
                    {"OPEN_REGISTRATION": "1", "PRIVILEGE_DOWNVOTE": "-5", "ROOM_MESSAGE_LIMIT": "often"})
    page = text(bad)
    assert bad.status_code == 422
    assert 'id="PRIVILEGE_DOWNVOTE-error"' in page and 'id="ROOM_MESSAGE_LIMIT-error"' in page
    assert "must be between 0 and 1,000,000" in page

    values = {"OPEN_REGISTRATION": "1", "PRIVILEGE_DOWNVOTE": "1", "ROOM_MESSAGE_LIMIT": "10 per 10 seconds"}
    saved = post_form(admin, "/admin/settings", "/admin/settings", values)
    assert saved.status_code == 302
    settings = ApiClient(app).as_user(people["admin"]).get("admin/settings").json["settings"]
    assert settings["PRIVILEGE_DOWNVOTE"]["value"] == 1
    # Fields left as they were are not turned into overrides.
    assert [name for name, s in settings.items() if s["overridden"]] == ["PRIVILEGE_DOWNVOTE"]

    closed = post_form(admin, "/admin/settings", "/admin/settings", {"OPEN_REGISTRATION": "0"})
    assert closed.status_code == 302  # the registration box unticked (its hidden "0" alone)
    assert browser(app, None).get("/register").status_code == 403
    assert "Create an account" not in text(browser(app, None).get("/login"))

    reset = post_form(admin, "/admin/settings", "/admin/settings",
                      {"reset-PRIVILEGE_DOWNVOTE": "1", "reset-OPEN_REGISTRATION": "1"})
    assert reset.status_code == 302
    settings = ApiClient(app).as_user(people["admin"]).get("admin/settings").json["settings"]
    assert not any(s["overridden"] for s in settings.values())


def test_audit_log_page_filters_and_links_to_targets(app, people):
    mod = browser(app, "mod")
    post_form(mod, "/admin/users", "/admin/users/alice/suspension", {"hours": "1", "reason": "Cool off"})
    ApiClient(app).as_user(people["admin"]).patch("admin/settings", {"KUDOS_DAILY_LIMIT": 3})
    page = text(mod.get("/admin/audit"))
    assert "user.suspend" in page and "setting.update" in page and "Cool off" in page
    assert 'href="/users/alice"' in page and "5 → 3" in page
    filtered = text(mod.get("/admin/audit?action=user.suspend"))
    assert "Cool off" in filtered and "5 → 3" not in filtered
    assert "Nothing logged" in text(mod.get("/admin/audit?actor=ghost"))


def test_profile_shows_the_suspension_to_moderators_and_the_member_sees_a_banner(app, people):
    ApiClient(app).as_user(people["mod"]).post("users/alice/suspension",
                                               {"days": 2, "reason": "Flooding the rooms"})
    assert "Suspended until" in text(browser(app, "mod").get("/users/alice"))
    assert "Suspended until" not in text(browser(app, "bob").get("/users/alice"))
    alice = browser(app, "alice")
    home = text(alice.get("/"))
    banner = re.search(r'<div class="container account-banner"[^>]*>', home).group(0)
    assert "hidden" not in banner and "Your account is suspended" in home and "Flooding the rooms" in home
    bob_home = text(browser(app, "bob").get("/"))
    assert re.search(r'<div class="container account-banner"[^>]*hidden', bob_home)
