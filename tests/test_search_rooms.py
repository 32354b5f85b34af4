"""Search over live help rooms (kind ``room``): one document per chat message, public rooms for
everyone, private rooms for their members only, kept current by the indexer from room events."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from sqlalchemy import update

from community import search
from community.actions import messages as message_actions
from community.actions import rooms as room_actions
from community.actions import search_cursors
from community.db import atomic
from community.extensions import db
from community.models import Role, Room
from community.realtime import channels
from community.realtime.events import record_event
from community.search import cursors, storage
from community.search.schema import build_schema
from tests.browsing import source_of, text_of
from tests.factories import accept, make_answer, make_message, make_room, make_thread, make_user
from tests.searching import RESULT_FIELDS, found, hits, index
from tests.support import ISO_UTC, ApiClient, assert_error


@pytest.fixture
def people(app):
    return {name: make_user(app, name) for name in ("alice", "bob", "carol")}


def test_a_message_in_a_public_room_is_found_by_everyone(app, api, people):
    room = make_room(app, people["alice"], "Pivot table clinic")
    message = make_message(app, people["bob"], room, "The **slicer** stops filtering after a refresh.")
    make_message(app, people["alice"], room, "Something unrelated about lunch.")
    index(app)
    body = found(api, "slicer")
    assert body["total"] == 1
    assert body["suggestion"] is None  # a word said in a public room is a known word
    (result,) = body["results"]
    assert set(result) >= RESULT_FIELDS
    assert (result["type"], result["id"], result["thread_id"]) == ("room", message.id, None)
    assert result["title"] == "Pivot table clinic"
    assert result["url"] == f"/rooms/{room.slug}#message-{message.id}"
    assert result["votes"] is None and result["score"] > 0 and ISO_UTC.match(result["created_at"])
    assert result["snippet_html"] == "The <mark>slicer</mark> stops filtering after a refresh."
    assert result["author"]["username"] == "bob"
    assert result["room"] == {"slug": room.slug, "title": "Pivot table clinic", "private": False,
                              "archived": False, "url": f"/rooms/{room.slug}"}
    assert hits(api, "slicer", type="room") == [("room", message.id)]
    assert hits(api.as_user(people["carol"]), "slicer") == [("room", message.id)]
    assert hits(api, "slicer", type="thread") == [] and hits(api, "slicer", type="answer") == []
    # the link lands on the message: the room page carries the anchor
    assert f'id="message-{message.id}"' in source_of(app.test_client().get(f"/rooms/{room.slug}"))


def test_the_search_page_lists_room_messages_like_the_api(app, client, people):
    room = make_room(app, people["alice"], "Forecast help")
    message = make_message(app, people["bob"], room, "Use the rolling forecast template.")
    thread = make_thread(app, people["carol"], "Where is the rolling forecast template?",
                         body="I cannot find it on the share.")
    index(app)
    response = client.get("/search?q=rolling+forecast")
    assert response.status_code == 200
    page, source = text_of(response), source_of(response)
    assert "2 results" in page
    assert "Room message" in page and "Forecast help" in page
    assert "Use the <mark>rolling</mark> <mark>forecast</mark> template." in source
    assert f'href="/rooms/{room.slug}#message-{message.id}"' in source
    assert re.search(r">\s*Rooms\s*</a>", source)
    assert "is:room" in page  # the advanced-search panel explains it
    rooms_only = client.get("/search?q=rolling+forecast&type=room")
    assert "1 result" in text_of(rooms_only) and f"#message-{message.id}" in source_of(rooms_only)
    assert f"/questions/{thread.id}" not in source_of(rooms_only)
    api_ids = [(r["type"], r["id"]) for r in ApiClient(app).get(
        "search", query_string={"q": "rolling forecast"}).json["results"]]
    assert api_ids == [("thread", thread.id), ("room", message.id)]


def test_a_deleted_message_disappears(app, api, people):
    room = make_room(app, people["alice"])
    message = make_message(app, people["bob"], room, "My badge number is 4711, wrong room, sorry.")
    kept = make_message(app, people["bob"], room, "The badge office opens at nine.")
    index(app)
    assert sorted(hits(api, "badge")) == sorted([("room", message.id), ("room", kept.id)])
    with app.app_context():
        message_actions.delete_message(people["bob"], room.slug, message.id)
    assert hits(api, "badge") == [("room", kept.id)]  # before the indexer runs: the database hides it
    index(app)
    assert hits(api, "badge") == [("room", kept.id)]
    assert found(api, "4711")["total"] == 0


def test_a_private_room_is_found_by_its_members_only(app, api, client, auth, people):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    moderator = make_user(app, "mod", role=Role.MODERATOR)
    room = make_room(app, alice, "Reorg planning", private=True, members=["bob"])
    message = make_message(app, bob, room, "The confidential headcount spreadsheet is ready.")
    make_room(app, carol, "Public chatter")
    index(app)
    for member in (alice, bob):
        body = found(api.as_user(member), "headcount")
        assert [(r["type"], r["id"]) for r in body["results"]] == [("room", message.id)]
        assert body["results"][0]["room"]["private"] is True
    for outsider in (None, carol, moderator):
        client_ = api if outsider is None else api.as_user(outsider)
        for params in ({}, {"type": "room"}):
            body = found(client_, "headcount", **params)
            assert (body["total"], body["results"]) == (0, []), (outsider, params)
        assert found(client_, "is:room")["total"] == 0
        assert found(client_, "user:bob")["total"] == 0
    auth.login("carol")
    assert "confidential" not in source_of(client.get("/search?q=headcount"))
    auth.logout()
    auth.login("bob")
    assert "confidential <mark>headcount</mark>" in source_of(client.get("/search?q=headcount"))


def test_a_removed_member_stops_finding_the_private_room_at_once(app, api, people):
    alice, bob = people["alice"], people["bob"]
    room = make_room(app, alice, "Budget review", private=True, members=["bob"])
    make_message(app, alice, room, "Draft numbers for the capex budget.")
    index(app)
    assert found(api.as_user(bob), "capex")["total"] == 1
    with app.app_context():
        room_actions.remove_member(alice, room.slug, "bob")
    assert found(api.as_user(bob), "capex")["total"] == 0  # no index change needed
    index(app)
    assert found(api.as_user(bob), "capex")["total"] == 0
    assert found(api.as_user(alice), "capex")["total"] == 1


def _make_private(app, room: Room) -> None:
    """Rooms cannot change privacy through an action yet; when they can, the action records
    room_updated (one of the indexer's room-wide events), as this does."""
    with app.app_context(), atomic():
        db.session.execute(update(Room).where(Room.id == room.id).values(private=True))
        record_event(channels.room(room.slug), "room_updated", {"room": room.slug},
                     subject=f"room:{room.id}")


def test_a_room_made_private_after_indexing_is_hidden_from_outsiders(app, api, people):
    alice, carol = people["alice"], people["carol"]
    room = make_room(app, alice, "Salary bands")
    message = make_message(app, alice, room, "Salary bands for the analyst ladder.")
    index(app)
    assert hits(api.as_user(carol), "analyst") == [("room", message.id)]
    _make_private(app, room)
    assert found(api.as_user(carol), "analyst")["total"] == 0  # the database check, before indexing
    assert found(api, "analyst")["total"] == 0
    index(app)
    assert found(api.as_user(carol), "analyst")["total"] == 0
    assert hits(api.as_user(alice), "analyst") == [("room", message.id)]  # the owner is a member
    with app.app_context():  # the index itself re-permissioned the room's messages
        query = search.parse_query("analyst")
        assert search.find(query, frozenset({"room"})).hits == []
        own = search.find(query, frozenset({"room"}), access=[search.room_access(room.slug)])
        assert [hit.post_id for hit in own.hits] == [message.id]


def test_reindex_includes_room_messages(app, api, people):
    from flask.cli import ScriptInfo

    from community.cli import main

    alice = make_user(app, "dora")
    thread = make_thread(app, alice, "Which projector works in room 4?", body="It flickers.")
    public = make_room(app, alice, "AV help")
    private = make_room(app, alice, "AV staff", private=True)
    said = make_message(app, alice, public, "The projector in room 4 needs the HDMI adapter.")
    secret = make_message(app, alice, private, "The projector remote is in the locked drawer.")
    gone = make_message(app, alice, public, "Projector test message, please ignore.")
    with app.app_context():
        message_actions.delete_message(alice, public.slug, gone.id)
        assert search.count_indexable() == 1 + 2
    result = app.test_cli_runner().invoke(main, ["reindex"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert "Indexed 1 threads, 2 room messages and 0 resources (3 documents)" in result.output
    assert "Indexing posts, room messages and resources" in result.output
    assert sorted(hits(api, "projector")) == sorted([("thread", thread.id), ("room", said.id)])
    assert sorted(hits(api.as_user(alice), "projector", type="room")) == sorted(
        [("room", said.id), ("room", secret.id)])
    with app.app_context():
        stats = search.rebuild()
    assert (stats.threads, stats.messages, stats.documents) == (1, 2, 3)


def test_message_text_is_escaped_in_snippets_and_titles(app, api, people):
    room = make_room(app, people["alice"], "<b>HTML</b> & friends")
    make_message(app, people["bob"], room, "Why does <script>alert(1)</script> show up in my cell?")
    index(app)
    (result,) = found(api, "script")["results"]
    snippet = result["snippet_html"]
    assert "&lt;<mark>script</mark>&gt;" in snippet
    assert set(re.findall(r"</?([a-zA-Z]+)", snippet)) == {"mark"}
    assert result["title"] == "<b>HTML</b> & friends"
    assert result["title_html"] == "&lt;b&gt;HTML&lt;/b&gt; &amp; friends"
    page = source_of(app.test_client().get("/search?q=script"))
    assert "<script>alert" not in page and "&lt;<mark>script</mark>&gt;" in page
    assert "&lt;b&gt;HTML&lt;/b&gt; &amp; friends" in page


def test_type_room_and_is_room_restrict_to_room_messages(app, api, people):
    alice, bob = people["alice"], people["bob"]
    thread = make_thread(app, alice, "Printer on floor two jams on envelopes",
                         body="Every envelope jams.", tags=["printing"])
    answer = make_answer(app, bob, thread, "Use the manual feed tray for envelopes.")
    room = make_room(app, alice, "Office help")
    message = make_message(app, bob, room, "Envelopes jam less in the manual tray.")
    index(app)
    assert hits(api, "envelopes", type="room") == [("room", message.id)]
    assert hits(api, "envelopes is:room") == [("room", message.id)]
    assert hits(api, "envelopes is:room", type="room") == [("room", message.id)]
    assert hits(api, "envelopes is:room", type="thread") == []
    assert hits(api, "envelopes", type="thread") == [("thread", thread.id)]
    assert hits(api, "envelopes", type="answer") == [("answer", answer.id)]
    assert hits(api, "envelopes is:question") == [("thread", thread.id)]
    assert sorted(hits(api, "envelopes")) == sorted([("thread", thread.id), ("room", message.id)])
    assert hits(api, "is:room") == [("room", message.id)]  # a filter alone lists them, newest first


def test_operators_apply_to_room_messages_where_they_mean_something(app, api, people):
    alice, bob = people["alice"], people["bob"]
    thread = make_thread(app, alice, "Expense codes for conference travel",
                         body="Which expense code?", tags=["finance"])
    make_answer(app, bob, thread, "Use the travel expense code 6200.")
    room = make_room(app, alice, "Finance desk")
    by_bob = make_message(app, bob, room, "Conference expense claims go through the portal.")
    by_alice = make_message(app, alice, room, "Expense portal is down until noon.")
    index(app)
    assert sorted(hits(api, "expense user:bob")) == sorted([("thread", thread.id),
                                                           ("room", by_bob.id)])
    assert hits(api, "expense user:alice is:room") == [("room", by_alice.id)]
    assert hits(api, "expense -user:bob", type="room") == [("room", by_alice.id)]
    assert hits(api, "expense after:2000-01-01 before:2999-01-01", type="room", sort="newest") == \
        [("room", by_alice.id), ("room", by_bob.id)]
    assert hits(api, "expense before:2000-01-01", type="room") == []
    # tags, acceptance and votes are the posts': they leave room messages out, never fail
    for q in ("expense tag:finance", "expense is:solved", "expense is:unsolved", "expense score:0",
              "expense score:-5"):
        assert all(kind == "thread" for kind, _ in hits(api, q)), q
        assert hits(api, q, type="room") == [], q
        assert hits(api, q + " is:room") == [], q
    assert ("room", by_bob.id) in hits(api, "expense -tag:finance")  # an exclusion keeps them
    assert_error(api.get("search", query_string={"q": "is:rooms"}), 422, "validation_error")


def test_room_messages_rank_below_threads_with_the_same_words(app, api, people):
    alice, bob = people["alice"], people["bob"]
    room = make_room(app, alice, "Macro help")
    for n in range(5):
        make_message(app, bob, room, f"Macro security warning again, attempt {n}.")
    thread = make_thread(app, alice, "Macro security warning on every open",
                         body="The macro security warning appears each time.")
    accept(app, alice, thread, make_answer(app, bob, thread, "Trust the network location."))
    plain = make_thread(app, bob, "Security warning when a macro runs", body="Why the warning?")
    index(app)
    ranked = hits(api, "macro security warning")
    assert ranked[:2] == [("thread", thread.id), ("thread", plain.id)]
    assert {kind for kind, _ in ranked[2:]} == {"room"} and len(ranked) == 7
    scores = [r["score"] for r in found(api, "macro security warning")["results"]]
    assert scores == sorted(scores, reverse=True)


def test_the_same_room_events_applied_twice_change_nothing(app, api, people):
    alice, bob = people["alice"], people["bob"]
    room = make_room(app, alice, "Onboarding buddies")
    first = make_message(app, bob, room, "Buddy lunch on Friday for the new starters.")
    index(app)
    start = _cursor(app)
    second = make_message(app, alice, room, "Buddy checklist is pinned in the channel.")
    with app.app_context():  # a message and a room-wide event in one batch: each document once
        room_actions.update_room(alice, room.slug, room_actions.RoomChanges(title="Buddy programme"))
        message_actions.delete_message(bob, room.slug, first.id)
    index(app)
    expected = [("room", second.id)]
    assert hits(api, "buddy") == expected
    for _ in range(2):  # replay the same events, as after a crash before the cursor was saved
        _set_cursor(app, start)
        index(app)
        body = found(api, "buddy")
        assert [(r["type"], r["id"]) for r in body["results"]] == expected and body["total"] == 1
        assert body["results"][0]["title"] == "Buddy programme"
    with app.app_context():  # no duplicate documents either: one live document in the index
        every = search.find(search.parse_query("is:room"), frozenset({"room"}))
        assert [hit.post_id for hit in every.hits] == [second.id] and every.total == 1


def test_a_room_message_is_searchable_within_two_seconds(make_app, people):
    app = make_app(INDEXER="thread")
    app.test_client().get("/")  # the first request starts the indexer
    indexer = search.indexer_thread(app)
    room = make_room(app, people["alice"], "Live indexing room")
    try:
        index(app)  # the index exists already (first build not timed)
        message = make_message(app, people["bob"], room, "Quokka sightings near the cafeteria.")
        start = time.monotonic()
        while time.monotonic() - start < 2 and hits(ApiClient(app), "quokka") != [("room", message.id)]:
            time.sleep(0.05)
        assert hits(ApiClient(app), "quokka") == [("room", message.id)]
        assert time.monotonic() - start < 2
    finally:
        indexer.stop()


def test_an_old_message_links_to_the_history_page_that_shows_it(app, api, people):
    room = make_room(app, people["alice"], "Busy room")
    old = make_message(app, people["bob"], room, "Zeppelin parking is behind building C.")
    later = [make_message(app, people["alice"], room, f"Chatter {n}").id for n in range(60)]
    index(app)
    (result,) = found(api, "zeppelin")["results"]
    assert result["url"] == f"/rooms/{room.slug}?before={later[24]}#message-{old.id}"
    page = source_of(app.test_client().get(result["url"].split("#")[0]))
    assert f'id="message-{old.id}"' in page and f'id="message-{later[23]}"' in page


def test_an_index_built_before_room_messages_were_indexed_is_rebuilt(app, api, people,
                                                                     monkeypatch):
    room = make_room(app, people["alice"], "Legacy room")
    message = make_message(app, people["bob"], room, "Gazebo booking works through facilities.")
    root = Path(app.config["SEARCH_DIR"])
    old_schema = build_schema()
    for field in ("m_body", "room"):
        old_schema.remove(field)
    with app.app_context():
        monkeypatch.setattr(storage, "SCHEMA", old_schema)  # a generation of the previous release
        name, _ = storage.create_generation(root)
        monkeypatch.undo()
        storage.swap_in(root, name)
        search_cursors.write_cursor(name, cursors.latest_event_id())
    index(app)  # the indexer notices the older schema and rebuilds from the database
    assert _generation(app) != name
    assert hits(api, "gazebo") == [("room", message.id)]


def test_anonymous_search_of_rooms_needs_a_login_when_the_site_requires_one(make_app, people):
    app = make_app(LOGIN_REQUIRED=True)
    room = make_room(app, people["alice"], "Locked site room")
    make_message(app, people["bob"], room, "Walrus costume for the party.")
    index(app)
    assert_error(ApiClient(app).get("search", query_string={"q": "walrus"}), 401, "unauthorized")
    assert found(ApiClient(app).as_user(people["carol"]), "walrus")["total"] == 1


def _generation(app) -> str:
    return storage.current_generation(Path(app.config["SEARCH_DIR"]))


def _cursor(app) -> int:
    with app.app_context():
        return cursors.read_cursor(_generation(app))


def _set_cursor(app, event_id: int) -> None:
    with app.app_context():
        search_cursors.write_cursor(_generation(app), event_id)
