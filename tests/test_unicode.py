"""Unicode is stored and returned exactly on every database; U+0000 is refused with a clear 422."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, make_answer, make_thread, make_user
from tests.support import assert_error

SAMPLES = {
    "emoji": "Stuck 🙂👍🏽 on the 🧪 simulation 🚀",
    "zwj_family": "Family 👨‍👩‍👧‍👦 and flag 🏳️‍🌈 sequences",
    "rtl": "שלום עולם — مرحبا بالعالم \u200f(RTL)\u200e mixed",
    "zero_width": "zero\u200bwidth\u200cnon\u200djoiner\ufeffbom\u2060wj",
    "combining": "cafe\u0301 vs café, Z\u0334\u0321a\u0337l\u0338g\u0335o\u0336 n\u0303",
    "astral": "\U0001d518\U0001d52b\U0001d526\U0001d520\U0001d52c\U0001d521\U0001d522 𐍈 🀄 𠜎𠜱 "
              "\U0001d7d8\U0001d7d9 𝄞 \U0001f9ec \U0010fffd",
    "controls": "tab\there, line\u2028separator, del\x7f, nbsp\u00a0, soft\u00ad hyphen",
}


def _byte_exact(returned: str, sent: str) -> None:
    assert returned == sent
    assert returned.encode("utf-8") == sent.encode("utf-8")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_titles_and_bodies_round_trip_exactly(app, api, name):
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    text = SAMPLES[name]
    created = api.as_user(alice).post("threads", {"title": text, "body": text + "\n\n" + text})
    assert created.status_code == 201, created.json
    thread_id = created.json["id"]
    answer = api.as_user(bob).post(f"threads/{thread_id}/answers", {"body": text})
    assert answer.status_code == 201
    stored = api.get(f"threads/{thread_id}").json
    _byte_exact(stored["title"], text)
    _byte_exact(stored["body"], text + "\n\n" + text)
    _byte_exact(stored["answers"][0]["body"], text)
    listed = api.get("threads").json["items"][0]
    _byte_exact(listed["title"], text)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_profile_fields_round_trip_exactly(app, api, name):
    client = api.as_user(make_user(app, "alice"))
    text = SAMPLES[name][:60]
    changes = {"display_name": text, "department": text, "job_role": text, "bio": SAMPLES[name]}
    assert client.patch("me", changes).status_code == 200
    me = client.get("me").json
    for field, value in changes.items():
        _byte_exact(me[field], value)
    _byte_exact(api.get("users/alice").json["display_name"], text)


def test_registration_keeps_a_unicode_display_name(api):
    name = "Zoë 🦊 أحمد"
    response = api.post("auth/register", {"username": "zoe", "email": "zoe@example.com",
                                          "password": PASSWORD, "display_name": name})
    assert response.status_code == 201
    _byte_exact(response.json["user"]["display_name"], name)


def test_length_limits_count_characters_not_bytes(app, api):
    client = api.as_user(make_user(app, "alice"))
    title = "\U0001d518" * 200  # 800 bytes in UTF-8, 200 characters
    created = client.post("threads", {"title": title, "body": "🙂" * 30_000})
    assert created.status_code == 201
    _byte_exact(api.get(f"threads/{created.json['id']}").json["title"], title)
    assert client.patch("me", {"display_name": "👍🏽" * 30}).status_code == 200  # 60 code points
    assert client.post("threads", {"title": "\U0001d518" * 201, "body": "x"}).status_code == 422


def test_valid_tags_with_symbols_round_trip(app, api):
    client = api.as_user(make_user(app, "alice"))
    created = client.post("threads", {"title": "Symbols in tag names", "body": "x",
                                      "tags": ["c#", "c++", "node.js", "f#-4.0"]})
    assert created.status_code == 201
    assert sorted(api.get(f"threads/{created.json['id']}").json["tags"]) == [
        "c#", "c++", "f#-4.0", "node.js"]


@pytest.mark.parametrize("tag", ["ünïcode", "日本語", "emoji🙂", "tag\u200b"])
def test_non_ascii_tags_are_refused_not_crashed(app, api, tag):
    client = api.as_user(make_user(app, "alice"))
    response = client.post("threads", {"title": "Unicode in tag names", "body": "x", "tags": [tag]})
    assert "tags" in assert_error(response, 422, "validation_error")["fields"]


def test_unicode_in_filters_and_paths_finds_nothing_without_errors(app, api):
    make_thread(app, make_user(app, "alice"))
    assert api.get("threads", query_string={"author": "ünï🙂"}).json["total"] == 0
    assert api.get("threads", query_string={"tag": "日本語"}).json["total"] == 0
    assert_error(api.get("users/ünï🙂"), 404, "not_found")


# --- U+0000 --------------------------------------------------------------------------------

def _assert_nul_refused(response, field: str) -> None:
    error = assert_error(response, 422, "validation_error")
    assert field in error["fields"], error
    assert "U+0000" in error["fields"][field] or "NUL" in error["fields"][field]
    assert "U+0000" in error["message"] or "NUL" in error["message"]


@pytest.mark.parametrize("field", ["username", "email", "password", "display_name"])
def test_nul_is_refused_in_registration(api, field):
    body = {"username": "alice", "email": "alice@example.com", "password": PASSWORD,
            "display_name": "Alice"}
    body[field] = body[field][:2] + "\x00" + body[field][2:]
    _assert_nul_refused(api.post("auth/register", body), field)


@pytest.mark.parametrize("field", ["login", "password"])
def test_nul_is_refused_in_token_login(app, api, field):
    make_user(app, "alice")
    body = {"login": "alice", "password": PASSWORD}
    body[field] += "\x00"
    _assert_nul_refused(api.post("auth/tokens", body), field)


@pytest.mark.parametrize(("field", "value"), [("display_name", "A\x00"), ("department", "\x00"),
                                              ("job_role", "x\x00y"), ("bio", "bio\x00"),
                                              ("skills", ["ex\x00cel"])])
def test_nul_is_refused_in_profile_fields(app, api, field, value):
    client = api.as_user(make_user(app, "alice"))
    _assert_nul_refused(client.patch("me", {field: value}), field)


@pytest.mark.parametrize(("field", "value"), [("title", "A title with \x00 inside"),
                                              ("body", "body\x00"), ("tags", ["ok", "b\x00d"])])
def test_nul_is_refused_in_new_and_edited_threads(app, api, field, value):
    alice = make_user(app, "alice")
    client = api.as_user(alice)
    body = {"title": "A perfectly good title", "body": "Fine.", "tags": ["ok"], field: value}
    _assert_nul_refused(client.post("threads", body), field)
    thread = make_thread(app, alice)
    _assert_nul_refused(client.patch(f"threads/{thread.id}", {field: value}), field)


def test_nul_is_refused_in_answers_and_post_edits(app, api):
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread)
    client = api.as_user(bob)
    _assert_nul_refused(client.post(f"threads/{thread.id}/answers", {"body": "\x00"}), "body")
    _assert_nul_refused(client.patch(f"posts/{answer.id}", {"body": "a\x00b"}), "body")
    _assert_nul_refused(client.post("markdown/preview", {"body": "a\x00b"}), "body")
    assert api.get(f"threads/{thread.id}").json["answers"][0]["body"] == "An answer."


@pytest.mark.parametrize("param", ["tag", "author"])
def test_nul_is_refused_in_list_filters(api, param):
    error = assert_error(api.get("threads", query_string={param: "a\x00b"}), 422, "validation_error")
    assert param in error["fields"]


def test_nul_in_other_lookups_never_crashes(api):
    assert_error(api.get("tags", query_string={"q": "ex\x00"}), 422, "validation_error")
    assert_error(api.get("users/a%00b"), 422, "validation_error")
    assert_error(api.get("users/a%00b/reputation"), 422, "validation_error")


@pytest.mark.parametrize("field", ["title", "body"])
def test_lone_surrogates_are_refused_not_crashed(app, api, field):
    client = api.as_user(make_user(app, "alice"))
    title = "A perfectly good title" + ("\\ud800" if field == "title" else "")
    body = "Fine." + ("\\udfff" if field == "body" else "")
    raw = f'{{"title": "{title}", "body": "{body}"}}'.encode()
    response = client.post("threads", data=raw, content_type="application/json")
    assert field in assert_error(response, 422, "validation_error")["fields"]
