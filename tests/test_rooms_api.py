"""Live help rooms through the JSON API: rooms, messages, history, members, permissions."""

from __future__ import annotations

import pytest

from community.models import Role
from tests.factories import make_message, make_room, make_thread, make_user
from tests.support import ISO_UTC, USER_FIELDS, assert_error

ROOM_FIELDS = {"slug", "title", "topic", "thread_id", "private", "archived", "created_by",
               "online_count", "created_at", "url"}
MESSAGE_FIELDS = {"id", "room", "author", "body", "body_html", "created_at"}


@pytest.fixture
def people(app):
    return (make_user(app, "owner", display_name="Olive Owner"), make_user(app, "member"),
            make_user(app, "outsider"), make_user(app, "mod", role=Role.MODERATOR))


@pytest.fixture
def private_room(app, people):
    return make_room(app, people[0], "Quarter close war room", private=True, members=["member"])


def test_create_room_returns_the_documented_shape_with_a_unique_slug(app, api, people):
    owner = people[0]
    client = api.as_user(owner)
    response = client.post("rooms", {"title": "Excel: pivot tables!", "topic": "Bring your files"})
    assert response.status_code == 201
    room = response.json
    assert set(room) >= ROOM_FIELDS
    assert room["slug"] == "excel-pivot-tables" and room["url"] == "/rooms/excel-pivot-tables"
    assert room["topic"] == "Bring your files" and room["private"] is False
    assert room["archived"] is False and room["thread_id"] is None and room["online_count"] == 0
    assert set(room["created_by"]) >= USER_FIELDS and room["created_by"]["username"] == "owner"
    assert ISO_UTC.match(room["created_at"])
    again = client.post("rooms", {"title": "Excel: pivot tables"}).json
    third = client.post("rooms", {"title": "excel pivot tables"}).json
    assert (again["slug"], third["slug"]) == ("excel-pivot-tables-2", "excel-pivot-tables-3")
    members = client.get("rooms/excel-pivot-tables/members").json["items"]
    assert [(m["user"]["username"], m["role"]) for m in members] == [("owner", "owner")]


def test_create_room_rejects_bad_input_with_the_field(app, api, people):
    client = api.as_user(people[0])
    for body, field in [
        ({"title": "ab"}, "title"),
        ({"title": "x" * 101}, "title"),
        ({}, "title"),
        ({"title": "Good title", "private": "maybe"}, "private"),
        ({"title": "Good title", "members": ["nobody-here"]}, "members"),
        ({"title": "Good title", "thread_id": 999999}, "thread_id"),
        ({"title": "Good title", "topic": "t" * 301}, "topic"),
        ({"title": "Bad \x00 title"}, "title"),
    ]:
        error = assert_error(client.post("rooms", body), 422, "validation_error")
        assert field in error["fields"], body
    assert client.get("rooms").json["total"] == 0
    assert_error(api.post("rooms", {"title": "Anonymous room"}), 401, "unauthorized")


def test_a_room_opened_from_a_thread_links_back_and_tells_the_thread(app, api, people,
                                                                    captured_events):
    thread = make_thread(app, people[1], title="Why does the macro stop at row 200?")
    room = api.as_user(people[0]).post("rooms", {"title": "Macro help", "thread_id": thread.id}).json
    assert room["thread_id"] == thread.id
    started = [e for e in captured_events if e["type"] == "live_help_started"]
    assert [e["channel"] for e in started] == [f"thread:{thread.id}"]
    assert started[0]["data"]["room"]["slug"] == "macro-help"


def test_private_rooms_are_invisible_to_non_members(app, api, people, private_room):
    owner, member, outsider, mod = people
    make_room(app, outsider, "Public lounge")
    slug = private_room.slug
    for user in (owner, member, mod):
        assert api.as_user(user).get(f"rooms/{slug}").json["private"] is True
        assert slug in [r["slug"] for r in api.as_user(user).get("rooms").json["items"]]
    for client in (api, api.as_user(outsider)):
        assert_error(client.get(f"rooms/{slug}"), 404, "not_found")
        assert_error(client.get(f"rooms/{slug}/messages"), 404, "not_found")
        assert_error(client.get(f"rooms/{slug}/events"), 404, "not_found")
        listing = client.get("rooms").json
        assert [r["slug"] for r in listing["items"]] == ["public-lounge"] and listing["total"] == 1
    assert_error(api.as_user(outsider).post(f"rooms/{slug}/messages", {"body": "hi"}), 404, "not_found")


def test_messages_are_rendered_sanitized_and_limited_to_4000_characters(app, api, people):
    room = make_room(app, people[0], "Chat room")
    client = api.as_user(people[1])
    body = "Try `=VLOOKUP()`:\n\n```\n=A1*2\n```\n\nSee https://example.com <script>x()</script>"
    response = client.post(f"rooms/{room.slug}/messages", {"body": body})
    assert response.status_code == 201
    message = response.json
    assert set(message) >= MESSAGE_FIELDS and message["room"] == room.slug
    assert message["body"] == body and message["author"]["username"] == "member"
    assert "<code>=VLOOKUP()</code>" in message["body_html"] and "<pre><code>" in message["body_html"]
    assert 'rel="nofollow ugc noopener noreferrer"' in message["body_html"]
    assert "<script>" not in message["body_html"] and "&lt;script&gt;" in message["body_html"]
    assert client.post(f"rooms/{room.slug}/messages", {"body": "x" * 4000}).status_code == 201
    for bad in ("", "   ", "x" * 4001):
        error = assert_error(client.post(f"rooms/{room.slug}/messages", {"body": bad}), 422,
                             "validation_error")
        assert error["fields"] == {"body": "must be 1-4,000 characters"}
    assert_error(api.post(f"rooms/{room.slug}/messages", {"body": "hi"}), 401, "unauthorized")


def test_history_pages_backwards_with_before_and_forwards_with_after(app, api, people):
    room = make_room(app, people[0], "History room")
    ids = [make_message(app, people[0], room, f"message {n}").id for n in range(7)]
    url = f"rooms/{room.slug}/messages"
    latest = api.get(f"{url}?limit=3").json
    assert [m["id"] for m in latest["items"]] == ids[4:] and latest["has_more"] is True
    older = api.get(f"{url}?limit=3&before={ids[4]}").json
    assert [m["id"] for m in older["items"]] == ids[1:4] and older["has_more"] is True
    oldest = api.get(f"{url}?limit=3&before={ids[1]}").json
    assert [m["id"] for m in oldest["items"]] == ids[:1] and oldest["has_more"] is False
    newer = api.get(f"{url}?limit=3&after={ids[1]}").json
    assert [m["id"] for m in newer["items"]] == ids[2:5] and newer["has_more"] is True
    rest = api.get(f"{url}?after={ids[4]}").json
    assert [m["id"] for m in rest["items"]] == ids[5:] and rest["has_more"] is False
    between = api.get(f"{url}?after={ids[1]}&before={ids[5]}").json
    assert [m["id"] for m in between["items"]] == ids[2:5]
    assert len(api.get(f"{url}?limit=1000").json["items"]) == 7  # clamped to 100, not refused
    for query in ("limit=0", "after=-1", "before=abc"):
        assert_error(api.get(f"{url}?{query}"), 422, "validation_error")
    log = api.get(f"rooms/{room.slug}/events?after=0").json  # the same story as an event log
    assert [e["type"] for e in log["events"]] == ["room_created"] + ["room_message"] * 7
    assert [e["data"]["id"] for e in log["events"][1:]] == ids and log["last_id"] == log["events"][-1]["id"]


def test_message_rate_limit_per_user_per_room(app, make_app, people):
    from tests.support import ApiClient

    limited = make_app(RATELIMIT_ENABLED=True, ROOM_MESSAGE_LIMIT="3 per 10 seconds")
    room, other = make_room(limited, people[0], "Busy room"), make_room(limited, people[0], "Quiet")
    client = ApiClient(limited).as_user(people[1])
    for n in range(3):
        assert client.post(f"rooms/{room.slug}/messages", {"body": f"m{n}"}).status_code == 201
    response = client.post(f"rooms/{room.slug}/messages", {"body": "one too many"})
    error = assert_error(response, 429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 10
    assert "at most 3 messages every 10 seconds" in error["message"]
    assert client.post(f"rooms/{other.slug}/messages", {"body": "elsewhere"}).status_code == 201
    someone_else = ApiClient(limited).as_user(people[0])
    assert someone_else.post(f"rooms/{room.slug}/messages", {"body": "me"}).status_code == 201


def test_mentions_notify_only_people_who_can_open_the_room(app, api, people, private_room):
    owner, member, outsider, _ = people
    public = make_room(app, owner, "Open floor")
    message = make_message(app, owner, public, "@member and @outsider, have a look")
    make_message(app, owner, private_room, "@member and @outsider: secret plans")
    notes = api.as_user(outsider).get("notifications").json["items"]
    assert [(n["type"], n["subject"], n["url"]) for n in notes] == [
        ("mention", "Open floor", f"/rooms/{public.slug}#message-{message.id}")]
    types = [n["type"] for n in api.as_user(member).get("notifications").json["items"]]
    assert types == ["mention", "mention", "room_invite"]


def test_removing_a_message(app, api, people, private_room, captured_events):
    owner, member, outsider, mod = people
    slug = private_room.slug
    mine = make_message(app, member, private_room, "oops, wrong room")
    theirs = make_message(app, owner, private_room, "owner message")
    other = make_message(app, owner, private_room, "another")
    assert_error(api.as_user(member).delete(f"rooms/{slug}/messages/{theirs.id}"), 403, "forbidden")
    assert_error(api.as_user(outsider).delete(f"rooms/{slug}/messages/{theirs.id}"), 404, "not_found")
    assert api.as_user(member).delete(f"rooms/{slug}/messages/{mine.id}").status_code == 204
    assert api.as_user(owner).delete(f"rooms/{slug}/messages/{theirs.id}").status_code == 204
    assert api.as_user(mod).delete(f"rooms/{slug}/messages/{other.id}").status_code == 204
    assert api.as_user(mod).delete(f"rooms/{slug}/messages/{other.id}").status_code == 204
    assert api.as_user(owner).get(f"rooms/{slug}/messages").json["items"] == []
    deleted = [e["data"] for e in captured_events if e["type"] == "message_deleted"]
    assert deleted == [{"id": i, "room": slug} for i in (mine.id, theirs.id, other.id)]
    assert_error(api.as_user(owner).delete(f"rooms/{slug}/messages/999999"), 404, "not_found")


def test_owner_and_moderators_edit_the_topic_and_archive(app, api, people, private_room):
    owner, member, _, mod = people
    slug = private_room.slug
    assert_error(api.as_user(member).patch(f"rooms/{slug}", {"topic": "mine now"}), 403, "forbidden")
    room = api.as_user(owner).patch(f"rooms/{slug}", {"topic": "Closing Q3"}).json
    assert room["topic"] == "Closing Q3"
    make_message(app, member, private_room, "before the archive")
    room = api.as_user(mod).patch(f"rooms/{slug}", {"archived": True}).json
    assert room["archived"] is True
    error = assert_error(api.as_user(member).post(f"rooms/{slug}/messages", {"body": "late"}), 403,
                         "forbidden")
    assert "archived" in error["message"]
    history = api.as_user(member).get(f"rooms/{slug}/messages").json["items"]
    assert [m["body"] for m in history] == ["before the archive"]
    assert [r["slug"] for r in api.as_user(member).get("rooms?archived=true").json["items"]] == [slug]
    assert api.as_user(member).get("rooms?archived=false").json["items"] == []
    assert api.as_user(owner).patch(f"rooms/{slug}", {"archived": False}).json["archived"] is False


def test_inviting_and_removing_members(app, api, people, private_room):
    owner, member, outsider, mod = people
    slug = private_room.slug
    assert_error(api.as_user(member).post(f"rooms/{slug}/members", {"username": "outsider"}), 403,
                 "forbidden")
    response = api.as_user(owner).post(f"rooms/{slug}/members", {"username": "outsider"})
    assert response.status_code == 201 and response.json["user"]["username"] == "outsider"
    assert api.as_user(owner).post(f"rooms/{slug}/members", {"username": "outsider"}).status_code == 200
    assert api.as_user(outsider).get(f"rooms/{slug}").status_code == 200
    invite = api.as_user(outsider).get("notifications").json["items"][0]
    assert (invite["type"], invite["url"]) == ("room_invite", f"/rooms/{slug}")
    assert_error(api.as_user(owner).post(f"rooms/{slug}/members", {"username": "ghost"}), 422,
                 "validation_error")

    assert api.as_user(owner).delete(f"rooms/{slug}/members/outsider").status_code == 204
    assert_error(api.as_user(outsider).get(f"rooms/{slug}"), 404, "not_found")
    assert_error(api.as_user(outsider).post(f"rooms/{slug}/messages", {"body": "hi"}), 404,
                 "not_found")
    assert_error(api.as_user(member).delete(f"rooms/{slug}/members/owner"), 403, "forbidden")
    assert_error(api.as_user(mod).delete(f"rooms/{slug}/members/owner"), 403, "forbidden")
    assert_error(api.as_user(owner).delete(f"rooms/{slug}/members/outsider"), 404, "not_found")
    assert api.as_user(member).delete(f"rooms/{slug}/members/member").status_code == 204  # leaves
    assert [m["user"]["username"] for m in api.as_user(owner).get(f"rooms/{slug}/members").json["items"]
            ] == ["owner"]
    public = make_room(app, owner, "Public room", members=["member"])
    assert_error(api.as_user(owner).delete(f"rooms/{public.slug}/members/member"), 422,
                 "validation_error")

