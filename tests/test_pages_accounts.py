"""Account pages: logging in and out, registering, profiles, settings and generated avatars."""

from __future__ import annotations

import pytest

from tests.browsing import source_of, submit, text_of
from tests.factories import accept, make_answer, make_thread, make_user, vote
from tests.support import csrf_token_from


def logged_in_as(client) -> str | None:
    """The username in the header's account menu, or None for a visitor."""
    page = source_of(client.get("/"))
    if "Account menu for" not in page:
        return None
    return page.split('href="/users/')[1].split('"')[0]


def test_login_works_with_the_username_or_the_email(app, client, auth):
    make_user(app, "alice", email="alice@corp.example", display_name="Alice Liddell")
    response = auth.login("ALICE")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Welcome back, Alice Liddell." in text_of(client.get("/"))
    assert logged_in_as(client) == "alice"
    auth.logout()
    auth.login("Alice@Corp.Example")
    assert logged_in_as(client) == "alice"


def test_a_wrong_password_shows_an_error_and_keeps_the_login(app, client, auth):
    make_user(app, "alice")
    response = auth.login("alice", "not the password")
    assert response.status_code == 401
    assert "Wrong username, email or password." in text_of(response)
    assert 'value="alice"' in source_of(response) and "not the password" not in source_of(response)
    assert logged_in_as(client) is None


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                    "javascript:alert(1)", "http:/evil.example"])
def test_login_refuses_to_redirect_off_the_site(app, client, target):
    make_user(app, "alice")
    token = csrf_token_from(source_of(client.get("/login", query_string={"next": target})))
    response = client.post("/login", query_string={"next": target},
                           data={"login": "alice", "password": "correct horse", "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_follows_a_next_path_on_this_site(app, client):
    make_user(app, "alice")
    form = client.get("/questions/ask", follow_redirects=True)
    assert 'name="next" value="/questions/ask"' in source_of(form)
    response = client.post("/login", data={"login": "alice", "password": "correct horse",
                                           "next": "/questions/ask",
                                           "csrf_token": csrf_token_from(source_of(form))})
    assert response.headers["Location"] == "/questions/ask"


def test_registration_shows_each_error_beside_its_field(app, client):
    response = submit(client, "/register", {"username": "a b", "email": "not-an-email",
                                            "password": "short", "display_name": "Al"})
    assert response.status_code == 422
    page = text_of(response)
    assert "Username must be 3-30 characters of letters, digits, _ . and -." in page
    assert "Email must be a valid email address." in page
    assert "Password must be at least 8 characters." in page
    source = source_of(response)
    assert 'value="a b"' in source and 'value="Al"' in source and "short" not in source
    assert 'id="username-error"' in source and 'aria-describedby="username-hint username-error"' in source


def test_registration_reports_a_taken_username(app, client):
    make_user(app, "alice")
    response = submit(client, "/register", {"username": "Alice", "email": "new@example.com",
                                            "password": "long enough"})
    assert response.status_code == 409
    assert "Username is already taken." in text_of(response)


def test_registration_creates_the_account_and_logs_in(app, client):
    response = submit(client, "/register", {"username": "newbie", "email": "newbie@example.com",
                                            "password": "long enough", "display_name": "New Bie"})
    assert response.status_code == 302
    assert "Welcome, New Bie! Your account is ready." in text_of(client.get("/"))
    assert logged_in_as(client) == "newbie"


def test_closed_registration_shows_a_friendly_403_page(app, client):
    app.config["OPEN_REGISTRATION"] = False
    for response in (client.get("/register"),
                     submit(client, "/register", {"username": "newbie", "email": "n@example.com",
                                                  "password": "long enough"})):
        assert response.status_code == 403
        page = text_of(response)
        assert "Registration is closed" in page and "Go to the questions" in page
    assert "Create an account" not in text_of(client.get("/login"))


def test_logout_needs_a_post_with_the_csrf_token(app, client, auth):
    make_user(app, "alice")
    auth.login("alice")
    assert client.get("/logout").status_code == 405
    refused = client.post("/logout")
    assert refused.status_code == 403 and logged_in_as(client) == "alice"
    response = auth.logout()
    assert response.status_code == 302
    assert "You are logged out." in text_of(client.get("/"))
    assert logged_in_as(client) is None


def test_the_profile_page_shows_the_person_their_posts_and_reputation(app, client):
    alice = make_user(app, "alice", display_name="Alice Liddell")
    bob = make_user(app, "bob")
    thread = make_thread(app, bob, title="Bob asks about pivot tables", tags=["excel"])
    answer = make_answer(app, alice, thread, body="Alice answers.")
    vote(app, bob, answer, 1)
    accept(app, bob, thread, answer)
    make_thread(app, alice, title="Alice asks about onboarding")
    page = text_of(client.get("/users/alice"))
    assert "Alice Liddell" in page and "Member since" in page
    assert "Reputation 26" in page and "Accepted 1" in page
    assert "Alice asks about onboarding" in page and "Bob asks about" not in page
    answers = source_of(client.get("/users/alice?tab=answers"))
    assert f'href="/questions/{thread.id}#answer-{answer.id}"' in answers
    assert "Bob asks about pivot tables" in answers
    ledger = client.get("/users/alice?tab=reputation")
    source = source_of(ledger)
    assert '<span class="delta delta-up">+15</span>' in source
    assert '<span class="delta delta-up">+10</span>' in source
    assert "Answer accepted" in text_of(ledger) and "Upvoted" in text_of(ledger)
    assert f'href="/questions/{thread.id}#answer-{answer.id}"' in source


def test_downvotes_show_as_negative_entries_in_the_ledger(app, client):
    alice = make_user(app, "alice")
    voter = make_user(app, "voter", reputation=100)
    thread = make_thread(app, alice)
    vote(app, voter, thread, -1)
    source = source_of(client.get("/users/alice?tab=reputation"))
    assert '<span class="delta delta-down">\u22122</span>' in source


def test_profile_settings_save_and_show_on_the_profile(app, client, auth):
    make_user(app, "alice")
    assert client.get("/settings/profile").status_code == 302
    auth.login("alice")
    response = submit(client, "/settings/profile", {
        "display_name": "Alice L.", "department": "Finance", "job_role": "Analyst",
        "bio": "I like spreadsheets.", "skills": "Excel, reporting"})
    assert response.status_code == 302 and response.headers["Location"] == "/users/alice"
    page = text_of(client.get("/users/alice"))
    assert "Your profile is saved." in page
    for phrase in ("Alice L.", "Analyst · Finance", "I like spreadsheets.", "excel", "reporting"):
        assert phrase in page
    form = source_of(client.get("/settings/profile"))
    assert 'value="Finance"' in form and 'value="excel reporting"' in form
    too_long = submit(client, "/settings/profile", {"display_name": "x" * 61, "skills": ""})
    assert too_long.status_code == 422
    assert "Display name must be at most 60 characters." in text_of(too_long)
    assert "Alice L." in text_of(client.get("/users/alice"))


def test_the_avatar_is_a_cacheable_svg_with_escaped_initials(app, client):
    make_user(app, "mallory", display_name='<b>"& x')
    response = client.get("/users/mallory/avatar.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"].startswith("public") and response.headers["ETag"]
    svg = response.get_data(as_text=True)
    assert svg.startswith("<svg") and "&lt;X</text>" in svg
    assert '<b>' not in svg and 'aria-label="&lt;b&gt;&#34;&amp; x"' in svg
    again = client.get("/users/mallory/avatar.svg",
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_avatars_show_initials_on_a_colour_per_user(app, client):
    make_user(app, "alice", display_name="Alice Liddell")
    make_user(app, "bob")
    alice = client.get("/users/alice/avatar.svg").get_data(as_text=True)
    bob = client.get("/users/bob/avatar.svg").get_data(as_text=True)
    assert ">AL</text>" in alice and ">BO</text>" in bob
    assert alice.split('fill="')[1][:7] == client.get("/users/ALICE/avatar.svg").get_data(
        as_text=True).split('fill="')[1][:7]
