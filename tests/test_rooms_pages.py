"""The live help pages without JavaScript: the room list and help queue, opening a room, chatting,
raising a hand, owner controls, transcripts, and the thread page's "live help" notice."""

from __future__ import annotations

import re

import pytest

from community.models import Role
from tests.browsing import source_of, submit, text_of
from tests.factories import make_help_request, make_message, make_room, make_thread, make_user


@pytest.fixture
def people(app):
    return (make_user(app, "owner", display_name="Olive Owner"),
            make_user(app, "member", display_name="Mel Member"), make_user(app, "outsider"),
            make_user(app, "mod", role=Role.MODERATOR))


def test_room_list_shows_visible_rooms_and_the_help_queue(app, client, auth, people):
    owner, member, _, _ = people
    public = make_room(app, owner, "Expense report help", topic="Bring receipts")
    make_room(app, owner, "Secret planning", private=True, members=["member"])
    make_help_request(app, member, public, "I need help with mileage claims")
    assert re.search(r'<a href="/rooms"\s*>Live help</a>', source_of(client.get("/")))  # in the nav
    page = text_of(client.get("/rooms"))
    assert "Expense report help" in page and "Bring receipts" in page and "0 online now" in page
    assert "Secret planning" not in page and "Log in to open a room" in page
    assert "I need help with mileage claims" in page and "Mel Member in Expense report help" in page
    auth.login("member")
    assert "Secret planning" in text_of(client.get("/rooms"))
    auth.logout()
    auth.login("outsider")
    assert "Secret planning" not in text_of(client.get("/rooms"))


def test_opening_a_room_with_the_form(app, client, auth, people):
    auth.login("owner")
    response = submit(client, "/rooms", {"title": "Month-end close", "topic": "ERP questions",
                                         "private": "1", "members": "member, @outsider"})
    assert response.status_code == 302 and response.headers["Location"] == "/rooms/month-end-close"
    page = text_of(client.get("/rooms/month-end-close"))
    assert "Month-end close" in page and "ERP questions" in page and "private" in page
    assert "Mel Member" in page and "Invite" in page
    refused = submit(client, "/rooms", {"title": "x", "members": "ghost"})
    assert refused.status_code == 422
    assert "Title must be 3-100 characters" in text_of(refused)


def test_chatting_without_javascript(app, client, auth, people):
    room = make_room(app, people[0], "Plain chat")
    assert "Log in to join the conversation" in text_of(client.get(f"/rooms/{room.slug}"))
    auth.login("member")
    response = submit(client, f"/rooms/{room.slug}/messages", {"body": "Hi, `code` and *style*"})
    assert response.status_code == 302
    assert re.match(rf"/rooms/{room.slug}#message-\d+$", response.headers["Location"])
    page = source_of(client.get(f"/rooms/{room.slug}"))
    assert "<code>code</code> and <em>style</em>" in page and "Mel Member" in page
    refused = submit(client, f"/rooms/{room.slug}/messages", {"body": "x" * 4001})
    assert refused.status_code == 422 and "Message must be 1-4,000 characters" in text_of(refused)
    assert "x" * 4001 in source_of(refused)  # what they typed is kept


def test_history_shows_the_latest_messages_with_a_load_older_link(app, client, people):
    owner = people[0]
    room = make_room(app, owner, "Long history")
    ids = [make_message(app, owner, room, f"message number {n}").id for n in range(53)]
    page = source_of(client.get(f"/rooms/{room.slug}"))
    assert "message number 52" in page and "message number 2<" not in page
    assert f'href="/rooms/{room.slug}?before={ids[3]}"' in page
    older = text_of(client.get(f"/rooms/{room.slug}?before={ids[3]}"))
    assert "message number 0" in older and "message number 3" not in older
    assert "Back to the latest messages" in older
    assert client.get(f"/rooms/{room.slug}?before=soon").status_code == 422


def test_private_room_pages_are_hidden_from_non_members(app, client, auth, people):
    room = make_room(app, people[0], "Private page", private=True, members=["member"])
    assert client.get(f"/rooms/{room.slug}").status_code == 404
    auth.login("outsider")
    assert client.get(f"/rooms/{room.slug}").status_code == 404
    assert submit(client, f"/rooms/{room.slug}/messages", {"body": "hi"}).status_code == 404
    auth.logout()
    auth.login("mod")
    assert client.get(f"/rooms/{room.slug}").status_code == 200


def test_raise_hand_claim_and_resolve_with_forms(app, client, auth, people):
    room = make_room(app, people[0], "Queue room")
    auth.login("member")
    response = submit(client, f"/rooms/{room.slug}/help-requests",
                      {"summary": "I need help with pivot tables"})
    assert response.status_code == 302
    request_id = int(response.headers["Location"].rsplit("-", 1)[1])
    page = text_of(client.get(f"/rooms/{room.slug}"))
    assert "I need help with pivot tables" in page and "waiting" in page and "I'll help" not in page
    auth.logout()
    auth.login("owner")
    assert "I'll help" in text_of(client.get(f"/rooms/{room.slug}"))
    assert submit(client, f"/help-requests/{request_id}/claim").status_code == 302
    assert "Olive Owner is helping" in text_of(client.get(f"/rooms/{room.slug}"))
    auth.logout()
    auth.login("member")
    notes = text_of(client.get("/notifications"))
    assert "Olive Owner is helping with I need help with pivot tables" in notes
    assert submit(client, f"/help-requests/{request_id}/resolve").status_code == 302
    assert "Nobody is waiting" in text_of(client.get(f"/rooms/{room.slug}"))


def test_owner_controls_topic_archive_remove_message_and_member(app, client, auth, people):
    owner, member, _, _ = people
    room = make_room(app, owner, "Managed room", private=True, members=["member"])
    message = make_message(app, member, room, "please remove me")
    auth.login("member")
    page = text_of(client.get(f"/rooms/{room.slug}"))
    assert "Archive the room" not in page and "Edit title and topic" not in page
    assert submit(client, f"/rooms/{room.slug}/archive", {"archived": "1"}).status_code == 403
    auth.logout()
    auth.login("owner")
    assert submit(client, f"/rooms/{room.slug}/settings",
                  {"title": "Managed room", "topic": "New topic"}).status_code == 302
    assert "New topic" in text_of(client.get(f"/rooms/{room.slug}"))
    assert submit(client, f"/rooms/{room.slug}/messages/{message.id}/delete").status_code == 302
    assert "please remove me" not in text_of(client.get(f"/rooms/{room.slug}"))
    assert submit(client, f"/rooms/{room.slug}/members/member/remove").status_code == 302
    assert submit(client, f"/rooms/{room.slug}/archive", {"archived": "1"}).status_code == 302
    page = text_of(client.get(f"/rooms/{room.slug}"))
    assert "Reopen the room" in page and "archived" in page and "Send" not in page
    auth.logout()
    auth.login("member")
    assert client.get(f"/rooms/{room.slug}").status_code == 404


def test_saving_a_transcript_as_an_answer_with_the_form(app, client, auth, people):
    owner, member, _, _ = people
    thread = make_thread(app, member, title="How do I reset the simulation?")
    room = make_room(app, owner, "Reset help", thread_id=thread.id)
    keep = make_message(app, owner, room, "Press **Reset** twice")
    make_message(app, member, room, "brb")
    auth.login("owner")
    page = source_of(client.get(f"/rooms/{room.slug}"))
    assert f'form="transcript-form" name="message_ids" value="{keep.id}"' in page
    refused = submit(client, f"/rooms/{room.slug}/transcript", {"target": "question", "title": ""})
    assert refused.status_code == 422 and "Title is needed for a new question" in text_of(refused)
    response = submit(client, f"/rooms/{room.slug}/transcript",
                      {"message_ids": str(keep.id), "thread_id": str(thread.id), "target": "answer"})
    assert response.status_code == 302 and "#answer-" in response.headers["Location"]
    thread_page = text_of(client.get(f"/questions/{thread.id}"))
    assert "Press Reset twice" in thread_page and "brb" not in thread_page
    assert "From the live help room Reset help" in thread_page and "with thanks to Olive Owner" in thread_page


def test_thread_page_offers_live_help_and_shows_it_in_progress(app, client, auth, people):
    owner, member, _, _ = people
    thread = make_thread(app, member, title="Where is the onboarding checklist?")
    assert "Start live help" not in text_of(client.get(f"/questions/{thread.id}"))  # log in first
    auth.login("owner")
    assert "Start live help" in text_of(client.get(f"/questions/{thread.id}"))
    response = submit(client, "/rooms", {"title": "Live help: Where is the onboarding checklist?",
                                         "thread_id": str(thread.id)})
    slug = response.headers["Location"].rsplit("/", 1)[1]
    page = text_of(client.get(f"/questions/{thread.id}"))
    assert "Start live help" not in page and "Live help room: Live help: Where is the" in page

    sock = app.extensions["socketio"].test_client(app, flask_test_client=client)
    assert sock.emit("join", {"channel": f"room:{slug}"}, callback=True)["ok"]
    page = text_of(client.get(f"/questions/{thread.id}"))
    assert "Live help in progress — 1 person in" in page
    assert f'href="/rooms/{slug}"' in source_of(client.get(f"/questions/{thread.id}"))
    private = make_room(app, owner, "Private about it", thread_id=thread.id, private=True)
    auth.logout()
    assert private.slug not in source_of(client.get(f"/questions/{thread.id}"))
