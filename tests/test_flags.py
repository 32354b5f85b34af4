"""Member flags and the moderators' review over the API: flagging every kind of content, hiding at
the threshold, who sees hidden content (thread JSON, room messages, resources, search), and each
decision's effect with its audit row."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from community.actions import flags as flag_actions
from community.actions.suspensions import suspend_user
from community.extensions import db
from community.models import AuditEntry, Flag, Message, Notification, Post, Resource, Role
from community.payloads import HIDDEN_HTML
from tests.factories import make_answer, make_message, make_room, make_thread, make_user, share_resource
from tests.searching import hits, index
from tests.support import USER_FIELDS, ApiClient, assert_error

FLAG_FIELDS = {"id", "target_type", "target_id", "target", "reason", "note", "status", "resolution",
               "reporter", "created_at", "resolved_at", "resolved_by"}
TARGET_FIELDS = {"type", "id", "title_or_excerpt", "url", "author", "hidden", "deleted"}


@pytest.fixture
def people(app):
    """An author, four other members and a moderator."""
    names = ("author", "ann", "ben", "cat", "dan")
    users = {name: make_user(app, name) for name in names}
    users["mod"] = make_user(app, "mod", role=Role.MODERATOR)
    return users


@pytest.fixture
def qa(app, people):
    thread = make_thread(app, people["ann"], "How do I export the simulation results?",
                         body="Looking for the export button.")
    answer = make_answer(app, people["author"], thread, body="Buy cheap watches at spam.example now")
    return thread, answer


def flag(api, user, target_type, target_id, reason="spam", note=None):
    body = {"target_type": target_type, "target_id": target_id, "reason": reason}
    if note is not None:
        body["note"] = note
    return api.as_user(user).post("flags", json=body)


def post_row(app, post_id) -> Post:
    with app.app_context():
        return db.session.get(Post, post_id)


# --- flagging ----------------------------------------------------------------------------------


def test_flagging_an_answer_returns_the_flag_with_its_target(app, api, people, qa):
    _thread, answer = qa
    response = flag(api, people["ann"], "post", answer.id, "offensive", note="Rude.")
    assert response.status_code == 201, response.json
    body = response.json
    assert set(body) >= FLAG_FIELDS
    assert (body["target_type"], body["target_id"], body["reason"], body["note"], body["status"]) == (
        "post", answer.id, "offensive", "Rude.", "open")
    assert body["resolution"] is None and body["resolved_by"] is None and body["resolved_at"] is None
    assert set(body["reporter"]) >= USER_FIELDS and body["reporter"]["username"] == "ann"
    target = body["target"]
    assert set(target) >= TARGET_FIELDS
    assert target["url"] == f"/questions/{answer.parent_id}#answer-{answer.id}"
    assert target["author"]["username"] == "author"
    assert "spam.example" in target["title_or_excerpt"]
    assert (target["hidden"], target["deleted"]) == (False, False)


def test_a_room_message_and_a_resource_can_be_flagged(app, api, people):
    room = make_room(app, people["ann"], "Pivot table help")
    message = make_message(app, people["author"], room, "Visit my shop!")
    resource = share_resource(app, people["author"], "https://example.com/scam", title="Free money")
    first = flag(api, people["ben"], "message", message.id)
    second = flag(api, people["ben"], "resource", resource.id, "off_topic")
    assert first.status_code == 201 and second.status_code == 201
    assert first.json["target"]["url"] == f"/rooms/{room.slug}#message-{message.id}"
    assert second.json["target"]["title_or_excerpt"] == "Free money"
    assert second.json["target"]["url"] == f"/resources/{resource.id}"


def test_a_question_can_be_flagged(app, api, people, qa):
    thread, _answer = qa
    response = flag(api, people["ben"], "post", thread.id, "off_topic")
    assert response.status_code == 201
    assert response.json["target"]["title_or_excerpt"] == "How do I export the simulation results?"


def test_flagging_your_own_content_is_refused(app, api, people, qa):
    _thread, answer = qa
    error = assert_error(flag(api, people["author"], "post", answer.id), 403, "forbidden")
    assert "your own answer" in error["message"]


def test_flagging_the_same_thing_twice_is_a_conflict(app, api, people, qa):
    _thread, answer = qa
    assert flag(api, people["ann"], "post", answer.id).status_code == 201
    assert_error(flag(api, people["ann"], "post", answer.id, "offensive"), 409, "conflict")


@pytest.mark.parametrize(("body", "field"), [
    ({"target_type": "post", "reason": "rude"}, "reason"),
    ({"target_type": "comment", "reason": "spam"}, "target_type"),
    ({"target_type": "post", "reason": "other"}, "note"),
    ({"target_type": "post", "reason": "other", "note": "   "}, "note"),
    ({"target_type": "post", "reason": "spam", "note": "x" * 501}, "note"),
    ({"target_type": "post", "reason": "spam", "note": "nul\x00"}, "note"),
    ({"target_type": "post", "reason": 5}, "reason"),
])
def test_bad_reasons_and_notes_are_422_naming_the_field(app, api, people, qa, body, field):
    _thread, answer = qa
    response = api.as_user(people["ann"]).post("flags", json={"target_id": answer.id, **body})
    error = assert_error(response, 422, "validation_error")
    assert field in error["fields"]


def test_a_missing_or_invisible_target_is_not_found(app, api, people, qa):
    _thread, answer = qa
    assert_error(flag(api, people["ann"], "post", 999_999), 404, "not_found")
    assert_error(flag(api, people["ann"], "message", answer.id), 404, "not_found")
    private = make_room(app, people["author"], "Secret room", private=True)
    message = make_message(app, people["author"], private, "Private words")
    assert_error(flag(api, people["ann"], "message", message.id), 404, "not_found")


def test_anonymous_and_suspended_members_cannot_flag(app, api, people, qa):
    _thread, answer = qa
    response = api.post("flags", json={"target_type": "post", "target_id": answer.id, "reason": "spam"})
    assert_error(response, 401, "unauthorized")
    with app.app_context():
        suspend_user(people["mod"], "ben", reason="Spamming", days=1)
    assert_error(flag(api, people["ben"], "post", answer.id), 403, "forbidden")


# --- hiding --------------------------------------------------------------------------------------


def test_flags_from_enough_members_hide_the_content(app, api, people, qa, captured_events):
    thread, answer = qa
    for name in ("ann", "ben"):
        assert flag(api, people[name], "post", answer.id).status_code == 201
    assert not post_row(app, answer.id).is_hidden
    assert flag(api, people["cat"], "post", answer.id).json["target"]["hidden"] is True
    assert post_row(app, answer.id).is_hidden
    event = [e for e in captured_events if e["type"] == "answer_updated"][-1]
    assert event["channel"] == f"thread:{thread.id}"
    assert event["data"]["hidden"] is True and event["data"]["body_html"] == HIDDEN_HTML
    assert "spam.example" not in str(event["data"])  # subscribers never receive the hidden body


def test_a_moderators_flag_hides_at_once(app, api, people, qa):
    _thread, answer = qa
    assert flag(api, people["mod"], "post", answer.id).status_code == 201
    assert post_row(app, answer.id).is_hidden


def test_the_threshold_is_a_setting(make_app):
    app = make_app(FLAG_HIDE_THRESHOLD=1)
    author, reader = make_user(app, "writer"), make_user(app, "reader")
    thread = make_thread(app, author)
    assert flag(ApiClient(app), reader, "post", thread.id).status_code == 201
    assert post_row(app, thread.id).is_hidden


def test_a_hidden_answer_is_a_placeholder_for_others(app, api, people, qa):
    thread, answer = qa
    with app.app_context():
        flag_actions.flag_content(people["mod"], flag_actions.FlagDraft("post", answer.id, "spam"))
    for viewer, revealed in ((None, False), (people["ben"], False), (people["author"], True),
                             (people["mod"], True)):
        client = api.as_user(viewer) if viewer else api
        shown = client.get(f"threads/{thread.id}").json["answers"]
        assert [a["id"] for a in shown] == [answer.id]
        assert shown[0]["hidden"] is True
        assert ("spam.example" in shown[0]["body"]) is revealed
        if not revealed:
            assert shown[0]["body"] == "" and shown[0]["body_html"] == HIDDEN_HTML
    assert_error(api.as_user(people["ben"]).post(f"posts/{answer.id}/vote", json={"value": 1}),
                 404, "not_found")


def test_a_hidden_question_is_not_found_for_others(app, api, people, qa):
    thread, _answer = qa
    with app.app_context():
        flag_actions.flag_content(people["mod"], flag_actions.FlagDraft("post", thread.id, "spam"))
    assert_error(api.get(f"threads/{thread.id}"), 404, "not_found")
    assert_error(api.as_user(people["ben"]).get(f"threads/{thread.id}"), 404, "not_found")
    for viewer in (people["ann"], people["mod"]):
        body = api.as_user(viewer).get(f"threads/{thread.id}").json
        assert body["hidden"] is True and body["body"] == "Looking for the export button."
    listed = [t["id"] for t in api.as_user(people["ben"]).get("threads").json["items"]]
    assert thread.id not in listed


def test_hidden_room_messages_are_withheld_from_others(app, api, people, captured_events):
    room = make_room(app, people["ann"], "Excel help")
    message = make_message(app, people["author"], room, "Offensive words here")
    with app.app_context():
        flag_actions.flag_content(people["mod"], flag_actions.FlagDraft("message", message.id, "offensive"))
    event = [e for e in captured_events if e["type"] == "message_updated"][-1]
    assert event["channel"] == f"room:{room.slug}" and event["data"]["hidden"] is True
    assert "Offensive" not in event["data"]["body"]
    items = api.as_user(people["ben"]).get(f"rooms/{room.slug}/messages").json["items"]
    assert items[0]["hidden"] is True and items[0]["body"] == ""
    mine = api.as_user(people["author"]).get(f"rooms/{room.slug}/messages").json["items"]
    assert mine[0]["body"] == "Offensive words here"


def test_a_hidden_resource_is_not_found_for_others(app, api, people):
    resource = share_resource(app, people["author"], "https://example.com/junk", title="Junk link")
    with app.app_context():
        flag_actions.flag_content(people["mod"], flag_actions.FlagDraft("resource", resource.id, "spam"))
    assert_error(api.as_user(people["ben"]).get(f"resources/{resource.id}"), 404, "not_found")
    assert api.as_user(people["author"]).get(f"resources/{resource.id}").json["hidden"] is True
    listed = [r["id"] for r in api.get("resources").json["items"]]
    assert resource.id not in listed


def test_hidden_content_leaves_search_and_comes_back_when_approved(app, api, people):
    thread = make_thread(app, people["author"], "Quarterly zanzibar forecast question",
                         body="How do I model the zanzibar scenario?")
    message_room = make_room(app, people["ann"], "Forecasting")
    message = make_message(app, people["author"], message_room, "zanzibar tips in the room")
    resource = share_resource(app, people["author"], "https://example.com/zanzibar", title="Zanzibar guide")
    index(app)
    everyone = {("thread", thread.id), ("room", message.id), ("resource", resource.id)}
    assert set(hits(api, "zanzibar")) == everyone
    flags = []
    with app.app_context():
        for kind, target_id in (("post", thread.id), ("message", message.id), ("resource", resource.id)):
            flags.append(flag_actions.flag_content(
                people["mod"], flag_actions.FlagDraft(kind, target_id, "spam")).id)
    index(app)
    assert hits(api, "zanzibar") == []
    assert hits(api.as_user(people["mod"]), "zanzibar") == []
    with app.app_context():
        for flag_id in flags:
            flag_actions.resolve_flags(people["mod"], flag_id, "approve")
    index(app)
    assert set(hits(api, "zanzibar")) == everyone


# --- listing and reading flags -------------------------------------------------------------------


def test_members_list_only_their_own_flags_and_moderators_all(app, api, people, qa):
    thread, answer = qa
    flag(api, people["ann"], "post", answer.id)
    flag(api, people["ben"], "post", thread.id, "off_topic")
    mine = api.as_user(people["ann"]).get("flags").json
    assert set(mine) == {"items", "total", "page", "per_page"}
    assert mine["total"] == 1 and mine["items"][0]["reporter"]["username"] == "ann"
    everything = api.as_user(people["mod"]).get("flags", query_string={"status": "open"}).json
    assert everything["total"] == 2
    only_posts = api.as_user(people["mod"]).get("flags", query_string={"target_type": "message"}).json
    assert only_posts["total"] == 0
    assert_error(api.get("flags"), 401, "unauthorized")
    assert_error(api.as_user(people["mod"]).get("flags", query_string={"status": "closed"}),
                 422, "validation_error")


def test_a_flag_is_readable_by_its_reporter_and_moderators_only(app, api, people, qa):
    _thread, answer = qa
    flag_id = flag(api, people["ann"], "post", answer.id).json["id"]
    assert api.as_user(people["ann"]).get(f"flags/{flag_id}").status_code == 200
    assert api.as_user(people["mod"]).get(f"flags/{flag_id}").status_code == 200
    assert_error(api.as_user(people["ben"]).get(f"flags/{flag_id}"), 404, "not_found")
    assert_error(api.as_user(people["author"]).get(f"flags/{flag_id}"), 404, "not_found")


def test_members_cannot_resolve_flags(app, api, people, qa):
    _thread, answer = qa
    flag_id = flag(api, people["ann"], "post", answer.id).json["id"]
    for who in ("ann", "author", "ben"):
        response = api.as_user(people[who]).post(f"flags/{flag_id}/resolve", json={"decision": "delete"})
        assert_error(response, 403, "forbidden")
    assert not post_row(app, answer.id).is_deleted


# --- decisions -------------------------------------------------------------------------------------


def _flag_three(api, people, target_type, target_id) -> int:
    ids = [flag(api, people[name], target_type, target_id).json["id"] for name in ("ann", "ben", "cat")]
    return ids[0]


def audit_rows(app) -> list[tuple[str, str, str, str]]:
    """The flag decisions in the audit log (the delete actions a decision reuses add their own)."""
    with app.app_context():
        return [(e.action, e.target_type, e.target_id, e.target_label)
                for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action.startswith("flag."))
                                            .order_by(AuditEntry.id))]


def test_approve_dismisses_every_flag_and_shows_the_content_again(app, api, people, qa, captured_events):
    thread, answer = qa
    flag_id = _flag_three(api, people, "post", answer.id)
    response = api.as_user(people["mod"]).post(f"flags/{flag_id}/resolve",
                                               json={"decision": "approve", "note": "Looks fine"})
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["status"], body["resolution"]) == ("dismissed", "approve")
    assert body["resolved_by"]["username"] == "mod" and body["target"]["hidden"] is False
    with app.app_context():
        statuses = {f.status for f in db.session.scalars(select(Flag))}
    assert statuses == {"dismissed"}
    assert not post_row(app, answer.id).is_hidden
    shown = api.as_user(people["dan"]).get(f"threads/{thread.id}").json["answers"][0]
    assert "spam.example" in shown["body"] and shown["hidden"] is False
    assert captured_events[-1]["type"] == "answer_updated" and not captured_events[-1]["data"]["hidden"]
    assert audit_rows(app) == [("flag.approve", "post", str(answer.id),
                                "Answer to “How do I export the simulation results?”")]
    again = api.as_user(people["mod"]).post(f"flags/{flag_id}/resolve", json={"decision": "hide"})
    assert_error(again, 409, "conflict")


def test_hide_upholds_the_flags_and_keeps_it_hidden(app, api, people, qa):
    _thread, answer = qa
    flag_id = flag(api, people["ann"], "post", answer.id).json["id"]
    body = api.as_user(people["mod"]).post(f"flags/{flag_id}/resolve", json={"decision": "hide"}).json
    assert (body["status"], body["resolution"], body["target"]["hidden"]) == ("upheld", "hide", True)
    assert post_row(app, answer.id).is_hidden
    assert [row[0] for row in audit_rows(app)] == ["flag.hide"]


def test_delete_soft_deletes_through_the_delete_action(app, api, people, qa, captured_events):
    thread, answer = qa
    flag_id = _flag_three(api, people, "post", answer.id)
    body = api.as_user(people["mod"]).post(f"flags/{flag_id}/resolve", json={"decision": "delete"}).json
    assert (body["status"], body["target"]["deleted"]) == ("upheld", True)
    assert post_row(app, answer.id).is_deleted
    assert post_row(app, thread.id).answer_count == 0
    assert any(e["type"] == "post_deleted" and e["data"] == {"post_id": answer.id}
               for e in captured_events)
    assert [row[0] for row in audit_rows(app)] == ["flag.delete"]


def test_delete_works_for_messages_and_resources(app, api, people):
    room = make_room(app, people["ann"], "Help room")
    message = make_message(app, people["author"], room, "Spam message")
    resource = share_resource(app, people["author"], "https://example.com/spam", title="Spam")
    moderator = api.as_user(people["mod"])
    for kind, target_id in (("message", message.id), ("resource", resource.id)):
        flag_id = flag(api, people["ann"], kind, target_id).json["id"]
        assert moderator.post(f"flags/{flag_id}/resolve", json={"decision": "delete"}).status_code == 200
    with app.app_context():
        assert db.session.get(Message, message.id).is_deleted
        assert db.session.get(Resource, resource.id).is_deleted
    assert [row[:2] for row in audit_rows(app)] == [("flag.delete", "message"), ("flag.delete", "resource")]


def test_warn_hides_and_notifies_the_author(app, api, people, qa):
    _thread, answer = qa
    flag_id = flag(api, people["ann"], "post", answer.id).json["id"]
    body = api.as_user(people["mod"]).post(f"flags/{flag_id}/resolve",
                                           json={"decision": "warn", "note": "No advertising"}).json
    assert (body["status"], body["resolution"], body["target"]["hidden"]) == ("upheld", "warn", True)
    notes = api.as_user(people["author"]).get("notifications").json["items"]
    assert notes[0]["type"] == "moderator_warning"
    assert "No advertising" in notes[0]["subject"] and notes[0]["actor"]["username"] == "mod"
    assert notes[0]["url"] == f"/questions/{answer.parent_id}#answer-{answer.id}"
    with app.app_context():
        assert db.session.scalar(select(Notification).where(Notification.type == "moderator_warning")
                                 .where(Notification.user_id != people["author"].id)) is None
    assert [(row[0], row[3]) for row in audit_rows(app)] == [
        ("flag.warn", "Answer to “How do I export the simulation results?”")]


@pytest.mark.parametrize("decision", ["hide", "delete", "warn"])
def test_reporters_hear_when_a_moderator_agrees_with_their_flag(app, api, people, qa, decision):
    thread, answer = qa
    flag_id = _flag_three(api, people, "post", answer.id)
    api.as_user(people["mod"]).post(f"flags/{flag_id}/resolve", json={"decision": decision})
    with app.app_context():
        told = sorted(db.session.scalars(select(Notification.user_id)
                                         .where(Notification.type == "flag_upheld")))
        reporters = sorted(db.session.scalars(select(Flag.reporter_id)))
    assert told == reporters and len(told) == 3
    note = api.as_user(people["ann"]).get("notifications").json["items"][0]
    assert (note["type"], note["actor"]["username"]) == ("flag_upheld", "mod")
    assert note["url"] == f"/questions/{thread.id}"  # the thread, which they can still read
    assert note["subject"] == "Answer to “How do I export the simulation results?”"


def test_reporters_are_not_told_when_the_content_is_approved(app, api, people, qa):
    _thread, answer = qa
    flag_id = _flag_three(api, people, "post", answer.id)
    api.as_user(people["mod"]).post(f"flags/{flag_id}/resolve", json={"decision": "approve"})
    with app.app_context():
        assert db.session.scalar(select(Notification).where(Notification.type == "flag_upheld")) is None


def test_bad_decisions_are_422_and_unknown_flags_404(app, api, people, qa):
    _thread, answer = qa
    flag_id = flag(api, people["ann"], "post", answer.id).json["id"]
    moderator = api.as_user(people["mod"])
    error = assert_error(moderator.post(f"flags/{flag_id}/resolve", json={"decision": "ban"}),
                         422, "validation_error")
    assert "decision" in error["fields"]
    assert_error(moderator.post(f"flags/{flag_id}/resolve", json={}), 422, "validation_error")
    assert_error(moderator.post("flags/999999/resolve", json={"decision": "hide"}), 404, "not_found")
