"""Accounts over the API: registration, tokens, the caller's profile, and the request guards."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, make_user
from tests.support import USER_FIELDS, ApiClient, AuthActions, assert_error


def register(api: ApiClient, username: str = "alice", email: str | None = None,
             password: str = PASSWORD, **extra: object):
    body = {"username": username, "email": email or f"{username.lower()}@example.com",
            "password": password, **extra}
    return api.post("auth/register", body)


# --- registration ----------------------------------------------------------------------------

def test_register_returns_201_with_the_user_object(api):
    response = register(api, "Alice_B.c-1", display_name="Alice B")
    assert response.status_code == 201
    assert set(response.json) == {"user"}
    user = response.json["user"]
    assert set(user) >= USER_FIELDS
    assert user["username"] == "Alice_B.c-1"
    assert user["display_name"] == "Alice B"
    assert user["reputation"] == 1
    assert user["url"] == "/users/Alice_B.c-1"
    assert user["avatar_url"].startswith("/")
    assert "password" not in str(user) and "email" not in user


@pytest.mark.parametrize("username", ["ab", "a" * 31, "has space", "ümlaut", "semi;colon", "", "x/y"])
def test_register_rejects_usernames_outside_the_allowed_pattern(api, username):
    error = assert_error(register(api, username, email="someone@example.com"), 422, "validation_error")
    assert "username" in error["fields"]


def test_register_accepts_usernames_at_the_length_limits(api):
    assert register(api, "abc").status_code == 201
    assert register(api, "z" * 30).status_code == 201


def test_usernames_are_unique_case_insensitively(api):
    assert register(api, "Alice").status_code == 201
    error = assert_error(register(api, "aLiCe", email="other@example.com"), 409, "conflict")
    assert set(error["fields"]) == {"username"}


def test_emails_are_unique_case_insensitively(api):
    assert register(api, "alice", email="Alice@Example.com").status_code == 201
    error = assert_error(register(api, "bob", email="alice@example.COM"), 409, "conflict")
    assert set(error["fields"]) == {"email"}


def test_register_rejects_a_password_shorter_than_eight_characters(api):
    error = assert_error(register(api, password="1234567"), 422, "validation_error")
    assert "password" in error["fields"]
    assert register(api, password="12345678").status_code == 201


def test_register_rejects_a_malformed_email(api):
    error = assert_error(register(api, email="not-an-email"), 422, "validation_error")
    assert "email" in error["fields"]


def test_closed_registration_answers_403(make_app):
    api = ApiClient(make_app(OPEN_REGISTRATION=False))
    assert_error(register(api), 403, "forbidden")


def test_allowed_email_domains_restrict_registration(make_app):
    api = ApiClient(make_app(ALLOWED_EMAIL_DOMAINS="example.com, corp.example"))
    error = assert_error(register(api, "mallory", email="mallory@elsewhere.org"), 422,
                         "validation_error")
    assert "email" in error["fields"]
    assert register(api, "carol", email="carol@corp.example").status_code == 201
    assert register(api, "dave", email="dave@EXAMPLE.com").status_code == 201


# --- tokens --------------------------------------------------------------------------------

@pytest.mark.parametrize("login", ["alice", "ALICE", "alice@example.com", "Alice@Example.COM"])
def test_token_login_by_username_or_email(app, api, login):
    make_user(app, "alice")
    response = api.post("auth/tokens", {"login": login, "password": PASSWORD})
    assert response.status_code == 201
    assert response.json["user"]["username"] == "alice"
    token = response.json["token"]
    me = api.get("me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json["username"] == "alice"


def test_token_login_with_a_wrong_password_is_401(app, api):
    make_user(app, "alice")
    assert_error(api.post("auth/tokens", {"login": "alice", "password": "wrong password"}),
                 401, "unauthorized")
    assert_error(api.post("auth/tokens", {"login": "nobody", "password": PASSWORD}),
                 401, "unauthorized")


def test_revoked_token_stops_working(app, api):
    client = api.as_user(make_user(app, "alice"))
    assert client.get("me").status_code == 200
    response = client.delete("auth/tokens/current")
    assert response.status_code == 204 and response.get_data() == b""
    assert_error(client.get("me"), 401, "unauthorized")


def test_revoking_one_token_leaves_the_others_working(app, api):
    alice = make_user(app, "alice")
    laptop, script = api.as_user(alice), api.as_user(alice)
    assert script.delete("auth/tokens/current").status_code == 204
    assert laptop.get("me").status_code == 200
    assert_error(script.get("me"), 401, "unauthorized")


def test_a_bad_token_is_401_even_on_public_endpoints(api):
    headers = {"Authorization": "Bearer not-a-real-token"}
    assert_error(api.get("me", headers=headers), 401, "unauthorized")
    assert_error(api.get("threads", headers=headers), 401, "unauthorized")


def test_anonymous_callers_get_401_on_protected_endpoints(api):
    assert_error(api.get("me"), 401, "unauthorized")
    assert_error(api.post("threads", {"title": "A long enough title", "body": "x"}), 401,
                 "unauthorized")


# --- the caller's profile ------------------------------------------------------------------

def test_me_returns_the_user_object_with_unread_notifications(app, api):
    alice = make_user(app, "alice", display_name="Alice")
    body = api.as_user(alice).get("me").json
    assert set(body) >= USER_FIELDS
    assert body["id"] == alice.id and body["display_name"] == "Alice"
    assert body["unread_notifications"] == 0


def test_patch_me_updates_profile_fields_and_skills(app, api):
    client = api.as_user(make_user(app, "alice"))
    changes = {"display_name": "Alice Liddell", "department": "Finance",
               "job_role": "Analyst", "bio": "Spreadsheets.", "skills": ["excel", "power-bi"]}
    response = client.patch("me", changes)
    assert response.status_code == 200
    for field in ("display_name", "department", "job_role", "bio"):
        assert response.json[field] == changes[field]
    assert sorted(response.json["skills"]) == ["excel", "power-bi"]
    again = client.get("me").json
    assert again["department"] == "Finance" and sorted(again["skills"]) == ["excel", "power-bi"]
    assert api.get("users/alice").json["job_role"] == "Analyst"


def test_patch_me_leaves_unsent_fields_alone(app, api):
    client = api.as_user(make_user(app, "alice"))
    client.patch("me", {"department": "Finance", "job_role": "Analyst"})
    assert client.patch("me", {"job_role": "Lead"}).json["department"] == "Finance"


def test_patch_me_validates_skills_as_tag_names(app, api):
    client = api.as_user(make_user(app, "alice"))
    error = assert_error(client.patch("me", {"skills": ["Not A Tag"]}), 422, "validation_error")
    assert "skills" in error["fields"]
    assert client.get("me").json["skills"] == []


@pytest.mark.parametrize(("field", "limit"), [("display_name", 60), ("department", 80),
                                              ("job_role", 80), ("bio", 2000)])
def test_patch_me_rejects_over_long_fields(app, api, field, limit):
    client = api.as_user(make_user(app, "alice"))
    assert client.patch("me", {field: "x" * limit}).status_code == 200
    error = assert_error(client.patch("me", {field: "x" * (limit + 1)}), 422, "validation_error")
    assert field in error["fields"]


# --- request bodies and the error envelope -------------------------------------------------

@pytest.mark.parametrize("data", [b"{not json", b"[1, 2]", b'"a string"', b"null"])
def test_a_body_that_is_not_a_json_object_is_400(app, api, data):
    client = api.as_user(make_user(app, "alice"))
    response = client.post("threads", data=data, content_type="application/json")
    assert_error(response, 400, "bad_request")


def test_missing_fields_are_422_with_fields(api):
    error = assert_error(api.post("auth/register", {"username": "alice"}), 422, "validation_error")
    assert set(error["fields"]) == {"email", "password"}
    assert error["fields"]["email"] == "is required"


def test_wrong_types_are_422_with_fields(app, api):
    client = api.as_user(make_user(app, "alice"))
    error = assert_error(client.post("threads", {"title": 12345678901, "body": ["x"],
                                                 "tags": "excel"}), 422, "validation_error")
    assert set(error["fields"]) == {"title", "body", "tags"}


def test_unknown_api_paths_use_the_error_envelope(api):
    assert_error(api.get("no-such-thing"), 404, "not_found")


# --- site-wide settings and browser sessions -----------------------------------------------

def test_login_required_closes_reading_but_not_token_login(make_app):
    app = make_app(LOGIN_REQUIRED=True)
    alice = make_user(app, "alice")
    api = ApiClient(app)
    assert_error(api.get("threads"), 401, "unauthorized")
    response = api.post("auth/tokens", {"login": "alice", "password": PASSWORD})
    assert response.status_code == 201
    assert api.as_user(alice).get("threads").status_code == 200


def test_cookie_session_api_writes_need_the_csrf_token(app, client):
    make_user(app, "alice")
    auth = AuthActions(client)
    login = auth.login("alice")
    assert login.status_code in (302, 303), login.get_data(as_text=True)[:500]
    token = auth.csrf_token("/")
    body = {"title": "How do I pivot a table?", "body": "Details."}
    assert_error(client.post("/api/v1/threads", json=body), 403, "csrf_failed")
    assert_error(client.post("/api/v1/threads", json=body, headers={"X-CSRFToken": "bogus"}),
                 403, "csrf_failed")
    response = client.post("/api/v1/threads", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 201
    assert response.json["author"]["username"] == "alice"
    assert client.get("/api/v1/me").json["username"] == "alice"  # reads need no token


def test_bearer_token_requests_are_exempt_from_csrf(app, api, client):
    alice = make_user(app, "alice")
    AuthActions(client).login("alice")
    bearer = api.as_user(alice).token
    response = client.post("/api/v1/threads", json={"title": "Asked with a token", "body": "x"},
                           headers={"Authorization": f"Bearer {bearer}"})
    assert response.status_code == 201


def test_a_crash_returns_the_internal_envelope_without_a_traceback(make_app, caplog):
    app = make_app()

    @app.get("/api/v1/test-only-crash")
    def crash():
        raise RuntimeError("secret detail from deep inside")

    response = app.test_client().get("/api/v1/test-only-crash")
    assert response.status_code == 500
    error = response.json["error"]
    assert error["code"] == "internal"
    assert error["request_id"] and error["message"]
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "secret detail" not in text
    assert error["request_id"] in caplog.text
