"""Raising a hand (help requests) and saving transcripts as answers, through the JSON API."""

from __future__ import annotations

import re

import pytest

from community.models import Role
from tests.factories import make_help_request, make_message, make_room, make_thread, make_user
from tests.support import ISO_UTC, THREAD_FIELDS, USER_FIELDS, assert_error

HELP_FIELDS = {"id", "room", "summary", "status", "requester", "helper", "created_at", "claimed_at",
               "resolved_at"}


@pytest.fixture
def people(app):
    return (make_user(app, "asker", display_name="Ada Asker"),
            make_user(app, "helper", display_name="Hal Helper"),
            make_user(app, "bystander"), make_user(app, "mod", role=Role.MODERATOR))


def test_help_request_lifecycle_open_claimed_resolved(app, api, people, captured_events):
    asker, helper, bystander, _ = people
    room = make_room(app, bystander, "Onboarding help")
    response = api.as_user(asker).post(f"rooms/{room.slug}/help-requests",
                                       {"summary": "I need help with the VPN certificate"})
    assert response.status_code == 201
    request = response.json
    assert set(request) >= HELP_FIELDS
    assert request["room"] == {"slug": room.slug, "title": "Onboarding help", "private": False,
                               "url": f"/rooms/{room.slug}"}
    assert (request["status"], request["helper"], request["claimed_at"]) == ("open", None, None)
    assert set(request["requester"]) >= USER_FIELDS and ISO_UTC.match(request["created_at"])
    assert_error(api.as_user(asker).post(f"rooms/{room.slug}/help-requests", {"summary": "again"}),
                 409, "conflict")

    assert_error(api.as_user(asker).post(f"help-requests/{request['id']}/claim"), 403, "forbidden")
    claimed = api.as_user(helper).post(f"help-requests/{request['id']}/claim")
    assert claimed.status_code == 200
    assert claimed.json["status"] == "claimed" and claimed.json["helper"]["username"] == "helper"
    assert ISO_UTC.match(claimed.json["claimed_at"])
    assert api.as_user(helper).post(f"help-requests/{request['id']}/claim").status_code == 200
    error = assert_error(api.as_user(bystander).post(f"help-requests/{request['id']}/claim"), 409,
                         "conflict")
    assert "Hal Helper is already helping" in error["message"]

    notes = api.as_user(asker).get("notifications").json["items"]
    assert [(n["type"], n["actor"]["username"], n["subject"], n["url"]) for n in notes] == [
        ("help_request_claimed", "helper", "I need help with the VPN certificate",
         f"/rooms/{room.slug}#help-{request['id']}")]

    outsider = make_user(app, "outsider2")
    assert_error(api.as_user(outsider).post(f"help-requests/{request['id']}/resolve"), 403, "forbidden")
    resolved = api.as_user(asker).post(f"help-requests/{request['id']}/resolve").json
    assert resolved["status"] == "resolved" and ISO_UTC.match(resolved["resolved_at"])
    assert api.as_user(helper).post(f"help-requests/{request['id']}/resolve").status_code == 200
    events = [e for e in captured_events if e["type"] == "help_request"]
    assert [e["data"]["status"] for e in events] == ["open", "claimed", "resolved"]
    assert {e["channel"] for e in events} == {f"room:{room.slug}"}
    # A new request is possible once the old one is resolved.
    assert api.as_user(asker).post(f"rooms/{room.slug}/help-requests",
                                   {"summary": "One more thing"}).status_code == 201


def test_helpers_queue_lists_open_requests_across_rooms_they_can_read(app, api, people):
    asker, helper, bystander, mod = people
    public = make_room(app, bystander, "Public help")
    private = make_room(app, asker, "Private help", private=True)
    archived = make_room(app, bystander, "Old help")
    first = make_help_request(app, asker, public, "Pivot tables refuse to refresh")
    secret = make_help_request(app, asker, private, "Salary review spreadsheet")
    make_help_request(app, helper, archived, "Forgotten")
    api.as_user(bystander).patch(f"rooms/{archived.slug}", {"archived": True})
    later = make_help_request(app, bystander, public, "Where is the style guide?")

    queue = api.as_user(helper).get("help-requests").json
    assert [r["id"] for r in queue["items"]] == [first.id, later.id] and queue["total"] == 2
    assert [r["id"] for r in api.as_user(mod).get("help-requests").json["items"]] == [
        first.id, secret.id, later.id]
    api.as_user(helper).post(f"help-requests/{first.id}/claim")
    assert [r["id"] for r in api.as_user(helper).get("help-requests?status=open").json["items"]] == [
        later.id]
    assert [r["status"] for r in api.as_user(helper).get("help-requests").json["items"]] == [
        "claimed", "open"]
    assert api.get(f"rooms/{public.slug}/help-requests").json["total"] == 2
    assert_error(api.as_user(helper).get(f"rooms/{private.slug}/help-requests"), 404, "not_found")
    assert_error(api.as_user(helper).get(f"help-requests/{secret.id}"), 404, "not_found")
    assert_error(api.as_user(helper).post(f"help-requests/{secret.id}/claim"), 404, "not_found")
    assert_error(api.get("help-requests?status=waiting"), 422, "validation_error")


def test_help_request_summary_is_validated(app, api, people):
    room = make_room(app, people[2], "Validation room")
    for body in ({"summary": ""}, {"summary": "hi"}, {"summary": "x" * 301}, {}):
        error = assert_error(api.as_user(people[0]).post(f"rooms/{room.slug}/help-requests", body),
                             422, "validation_error")
        assert "summary" in error["fields"]


def test_transcript_becomes_an_answer_on_the_linked_thread_crediting_participants(app, api, people):
    asker, helper, bystander, _ = people
    thread = make_thread(app, asker, title="Why does the VPN drop every hour?")
    room = make_room(app, asker, "VPN drops", thread_id=thread.id)
    make_message(app, asker, room, "It drops at :00 every hour")
    tip = make_message(app, helper, room, "Renew the certificate:\n\n```\nvpn renew --force\n```")
    make_message(app, bystander, room, "lol same")
    thanks = make_message(app, asker, room, "That fixed it, thanks @helper!")

    response = api.as_user(asker).post(f"rooms/{room.slug}/transcript",
                                       {"message_ids": [tip.id, thanks.id]})
    assert response.status_code == 201
    answer = response.json["answer"]
    assert answer["thread_id"] == thread.id and answer["author"]["username"] == "asker"
    assert [u["username"] for u in response.json["participants"]] == ["helper", "asker"]
    body = answer["body"]
    assert "[Hal Helper](/users/helper)" in body and "[Ada Asker](/users/asker)" in body
    assert f"(/rooms/{room.slug})" in body and "lol same" not in body
    assert "> vpn renew --force" in body and "bystander" not in body
    assert f'href="/rooms/{room.slug}"' in answer["body_html"]
    assert "<blockquote>" in answer["body_html"] and "vpn renew --force" in answer["body_html"]
    listed = api.get(f"threads/{thread.id}").json["answers"]
    assert [a["id"] for a in listed] == [answer["id"]]


def test_transcript_of_everything_as_a_new_question(app, api, people):
    asker, helper, _, _ = people
    room = make_room(app, helper, "Unlinked room")
    make_message(app, asker, room, "How do I export the report?")
    make_message(app, helper, room, "File → Export → CSV")
    response = api.as_user(helper).post(f"rooms/{room.slug}/transcript",
                                        {"title": "How do I export the quarterly report?"})
    assert response.status_code == 201
    thread = response.json["thread"]
    assert set(thread) >= THREAD_FIELDS and thread["title"] == "How do I export the quarterly report?"
    assert re.search(r"How do I export the report\?.*File → Export → CSV", thread["body"], re.S)
    assert api.get(f"rooms/{room.slug}").json["thread_id"] == thread["id"]  # now linked


def test_transcript_refusals(app, api, people):
    asker, helper, bystander, mod = people
    unlinked = make_room(app, asker, "Nothing linked")
    empty = make_room(app, asker, "Empty room")
    private = make_room(app, asker, "Private talk", private=True, members=["helper"])
    other = make_room(app, asker, "Other room")
    message = make_message(app, asker, unlinked, "hello")
    foreign = make_message(app, asker, other, "elsewhere")
    make_message(app, helper, private, "private words")
    thread = make_thread(app, asker)
    client = api.as_user(asker)
    for slug, body, field in [
        (unlinked.slug, {}, "thread_id"),
        (unlinked.slug, {"thread_id": thread.id, "title": "Both a thread and a title"}, "thread_id"),
        (unlinked.slug, {"thread_id": 99999}, "thread_id"),
        (unlinked.slug, {"thread_id": thread.id, "message_ids": [foreign.id]}, "message_ids"),
        (unlinked.slug, {"thread_id": thread.id, "message_ids": ["one"]}, "message_ids"),
        (empty.slug, {"thread_id": thread.id}, "message_ids"),
        (unlinked.slug, {"title": "short"}, "title"),
    ]:
        error = assert_error(client.post(f"rooms/{slug}/transcript", body), 422, "validation_error")
        assert field in error["fields"], (body, error)
    # A private room's words become public only by its owner's (or a moderator's) decision.
    assert_error(api.as_user(helper).post(f"rooms/{private.slug}/transcript",
                                          {"thread_id": thread.id}), 403, "forbidden")
    assert_error(api.as_user(bystander).post(f"rooms/{private.slug}/transcript",
                                             {"thread_id": thread.id}), 404, "not_found")
    assert api.as_user(mod).post(f"rooms/{private.slug}/transcript",
                                 {"thread_id": thread.id}).status_code == 201
    assert_error(api.post(f"rooms/{unlinked.slug}/transcript", {"thread_id": thread.id}), 401,
                 "unauthorized")
    assert client.post(f"rooms/{unlinked.slug}/transcript",
                       {"thread_id": thread.id, "message_ids": [message.id]}).status_code == 201
