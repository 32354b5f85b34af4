"""HTTP caching: anonymous visitors revalidate pages and JSON reads with ETags and get 304s; nothing
is shared or revalidated for logged-in people; the CSP nonce never breaks a cached page."""

from __future__ import annotations

import re

import pytest

from community import search
from tests.factories import make_answer, make_thread, make_user, share_resource
from tests.support import ApiClient


@pytest.fixture
def thread(app, client):
    become_returning_visitor(client)
    alice = make_user(app, "alice")
    thread = make_thread(app, alice, "How do I restart the flow simulation?", tags=["cfd"])
    make_answer(app, make_user(app, "bob"), thread, "Use the restart file.")
    return thread


def become_returning_visitor(browser) -> None:
    """The first visits write the anonymous session (its CSRF token, then Flask-Login's "not fresh"
    mark); those answers set a cookie and are personal. From then on pages are revalidated."""
    browser.get("/")
    browser.get("/")


def anonymous_paths(thread_id: int, resource_id: int) -> list[str]:
    return [f"/questions/{thread_id}", "/", "/tags", "/tags/cfd", "/resources", f"/resources/{resource_id}",
            "/search?q=restart", f"/api/v1/threads/{thread_id}", "/api/v1/threads", "/api/v1/tags",
            "/api/v1/resources", f"/api/v1/resources/{resource_id}", "/api/v1/search?q=restart"]


def test_anonymous_pages_and_reads_carry_an_etag_and_answer_304_when_it_matches(app, client, thread):
    resource = share_resource(app, make_user(app, "carol"), title="Restart guide")
    search.index_pending(app)
    for path in anonymous_paths(thread.id, resource.id):
        first = client.get(path)
        assert first.status_code == 200, path
        assert first.headers["ETag"].startswith('W/"'), path
        assert first.headers["Cache-Control"] == "no-cache", path
        assert "Cookie" in first.headers["Vary"], path
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, path
        assert again.data == b"" and again.headers["ETag"] == first.headers["ETag"], path
        other = client.get(path, headers={"If-None-Match": 'W/"something-else"'})
        assert other.status_code == 200 and other.data, path


def test_a_new_answer_changes_the_etag_so_the_page_is_sent_again(app, client, thread):
    page = client.get(f"/questions/{thread.id}")
    json = client.get(f"/api/v1/threads/{thread.id}")
    make_answer(app, make_user(app, "dave"), thread, "Or lower the time step first.")
    for before, path in ((page, f"/questions/{thread.id}"), (json, f"/api/v1/threads/{thread.id}")):
        after = client.get(path, headers={"If-None-Match": before.headers["ETag"]})
        assert after.status_code == 200 and "lower the time step" in after.get_data(as_text=True)
        assert after.headers["ETag"] != before.headers["ETag"]


def test_pages_for_a_logged_in_member_are_never_shared_or_revalidated(app, client, auth, thread):
    anonymous = client.get(f"/questions/{thread.id}")
    make_user(app, "erin")
    auth.login("erin")
    for path in (f"/questions/{thread.id}", "/", "/resources"):
        response = client.get(path, headers={"If-None-Match": anonymous.headers["ETag"]})
        assert response.status_code == 200, path
        assert "ETag" not in response.headers, path
        assert response.headers["Cache-Control"] == "private, no-store", path
        assert "Cookie" in response.headers["Vary"], path
    assert "erin" in client.get(f"/questions/{thread.id}").get_data(as_text=True)


def test_api_reads_with_a_token_are_private(app, thread):
    erin = make_user(app, "erin")
    response = ApiClient(app).as_user(erin).get(f"/api/v1/threads/{thread.id}")
    assert response.status_code == 200
    assert "ETag" not in response.headers and response.headers["Cache-Control"] == "private, no-store"
    assert "Authorization" in response.headers["Vary"]


def test_the_etag_ignores_the_csp_nonce_and_a_304_keeps_the_stored_policy(app, client, thread):
    first, second = client.get(f"/questions/{thread.id}"), client.get(f"/questions/{thread.id}")
    nonces = [re.search(r"'nonce-([^']+)'", r.headers["Content-Security-Policy"]).group(1)
              for r in (first, second)]
    assert nonces[0] != nonces[1]  # every page still gets its own nonce ...
    assert f'nonce="{nonces[0]}"' in first.get_data(as_text=True)
    assert first.headers["ETag"] == second.headers["ETag"]  # ... and the same content the same ETag
    revalidated = client.get(f"/questions/{thread.id}", headers={"If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304
    # A cache updates its stored headers from a 304: no new policy, so the stored one still matches
    # the nonce inside the stored body and the page's scripts keep running.
    assert "Content-Security-Policy" not in revalidated.headers
    assert revalidated.headers["X-Content-Type-Options"] == "nosniff"


def test_a_first_visit_that_creates_the_session_is_not_cached(app, thread):
    browser = app.test_client()
    first = browser.get(f"/questions/{thread.id}")
    assert "Set-Cookie" in first.headers
    assert "ETag" not in first.headers and first.headers["Cache-Control"] == "private, no-store"
    become_returning_visitor(browser)
    assert "ETag" in browser.get(f"/questions/{thread.id}").headers


def test_the_etag_ignores_the_csrf_token_whose_signature_changes_every_second(app, client, thread,
                                                                              monkeypatch):
    import itsdangerous.timed

    first = client.get(f"/questions/{thread.id}")
    later = int(itsdangerous.timed.time.time()) + 5
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
    second = client.get(f"/questions/{thread.id}")
    tokens = [re.search(r'name="csrf-token" content="([^"]+)"', r.get_data(as_text=True)).group(1)
              for r in (first, second)]
    assert tokens[0] != tokens[1]
    assert first.headers["ETag"] == second.headers["ETag"]


def test_errors_writes_and_other_pages_are_not_given_etags(app, client, auth, thread):
    assert "ETag" not in client.get("/questions/999999").headers
    assert "ETag" not in client.get("/login").headers
    make_user(app, "erin")
    auth.login("erin")
    token = auth.csrf_token(f"/questions/{thread.id}")
    posted = client.post(f"/questions/{thread.id}/answers", data={"body": "Checked.", "csrf_token": token})
    assert posted.status_code == 302 and "ETag" not in posted.headers
