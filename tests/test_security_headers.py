"""Security headers on every response: a Content-Security-Policy with a fresh nonce per request
that the page's script tags carry, and the usual hardening headers on pages, the API, errors and
static files. The session cookie's flags."""

from __future__ import annotations

import re

import pytest

from tests.browsing import source_of
from tests.factories import make_thread, make_user
from tests.support import assert_error

HARDENING = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def csp_directives(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in header.split("; ")}


def assert_hardened(response) -> dict[str, str]:
    for name, value in HARDENING.items():
        assert response.headers[name] == value, name
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    directives = csp_directives(response)
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["style-src"] == "'self'"  # no 'unsafe-inline'
    assert directives["img-src"] == "'self' data: https:"
    assert re.fullmatch(r"'self' 'nonce-[A-Za-z0-9_-]{20,}'", directives["script-src"])
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    return directives


def nonce_of(response) -> str:
    return csp_directives(response)["script-src"].split("'nonce-")[1].rstrip("'")


def test_pages_carry_the_policy_and_every_script_tag_carries_its_nonce(app, client, auth):
    make_user(app, "alice")
    auth.login("alice")
    thread = make_thread(app, make_user(app, "bob"), title="Where do the onboarding slides live?")
    for path in ["/", f"/questions/{thread.id}", "/questions/ask", "/rooms", "/resources", "/search?q=x",
                 "/users/bob", "/notifications", "/login"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_hardened(response)
        scripts = re.findall(r"<script\b[^>]*>", source_of(response))
        assert scripts, path
        for tag in scripts:
            assert f'nonce="{nonce_of(response)}"' in tag, (path, tag)
        assert not re.search(r"\son[a-z]+=", source_of(response)), path
        assert "style=" not in source_of(response), path


def test_the_nonce_is_fresh_for_every_request(client):
    nonces = {nonce_of(client.get("/")) for _ in range(5)}
    assert len(nonces) == 5
    page = client.get("/")
    assert f'nonce="{nonce_of(page)}"' in source_of(page)


def test_api_responses_and_api_errors_are_hardened_too(api):
    assert_hardened(api.get("threads"))
    response = api.get("threads/999999")
    assert_error(response, 404, "not_found")
    assert_hardened(response)
    assert_hardened(api.post("threads", {"title": "x"}))  # 401 without a login


def test_error_pages_are_hardened(make_app):
    app = make_app()

    def explode() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/explode", "explode", explode)
    client = app.test_client()
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert_hardened(missing)
    broken = client.get("/explode")
    assert broken.status_code == 500 and "Something went wrong" in source_of(broken)
    assert_hardened(broken)
    assert_hardened(app.test_client().get("/api/v1/explode-not-here"))


def test_static_files_are_hardened(client):
    response = client.get("/static/js/site.js")
    assert response.status_code == 200
    assert_hardened(response)
    response.close()


def test_the_avatar_keeps_its_own_stricter_policy(app, client):
    make_user(app, "alice")
    response = client.get("/users/alice/avatar.svg")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_session_cookie_is_httponly_and_lax_and_not_secure_by_default(app, client, auth):
    make_user(app, "alice")
    response = auth.login("alice")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


@pytest.mark.parametrize(("overrides", "secure"), [
    ({"SECURE_COOKIES": True}, True),
    ({"BASE_URL": "https://community.example.com"}, True),
    ({"BASE_URL": "https://community.example.com", "SECURE_COOKIES": False}, False),
    ({"BASE_URL": "http://localhost:5000"}, False),
])
def test_secure_cookies_follow_the_setting_or_an_https_base_url(make_app, overrides, secure):
    app = make_app(**overrides)
    make_user(app, "alice")
    client = app.test_client()
    response = client.get("/login", base_url="https://community.example.com")
    token = re.search(r'name="csrf_token" value="([^"]+)"', source_of(response)).group(1)
    response = client.post("/login", data={"login": "alice", "password": "correct horse",
                                           "csrf_token": token},
                           base_url="https://community.example.com",
                           headers={"Referer": "https://community.example.com/login"})
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert ("Secure" in cookie) is secure
    assert "HttpOnly" in cookie


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(make_app):
    from flask import request

    app = make_app(PROXY_COUNT=1)
    app.add_url_rule("/whoami", "whoami", lambda: request.remote_addr or "")
    client = app.test_client()
    response = client.get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.get_data(as_text=True) == "203.0.113.9"
    plain = make_app().test_client()
    plain_app = plain.application
    plain_app.add_url_rule("/whoami", "whoami", lambda: request.remote_addr or "")
    assert plain.get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"}).get_data(
        as_text=True) == "127.0.0.1"


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("0", False), ("yes", True)])
def test_secure_cookies_can_be_set_from_the_environment(raw, expected):
    from community.config import Config, environment_overrides
    from community.web.security import secure_cookies

    settings = {key: getattr(Config, key) for key in dir(Config) if key.isupper()}
    settings.update(environment_overrides(settings, {"COMMUNITY_SECURE_COOKIES": raw,
                                                     "COMMUNITY_BASE_URL": "https://x.example"}))
    assert secure_cookies(settings) is expected
    assert secure_cookies({**settings, "SECURE_COOKIES": None}) is True
