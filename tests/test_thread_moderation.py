"""Moderators lock, close, reopen and merge threads (API, actions, pages, events, audit), and
moderators' edits of other people's posts leave an audit row."""

from __future__ import annotations

import json
import re

import pytest

from community.extensions import db
from community.models import AuditEntry, Role
from tests.browsing import source_of, submit, text_of
from tests.factories import accept, make_answer, make_thread, make_user, reload_user, vote
from tests.searching import found, index
from tests.support import THREAD_FIELDS, ApiClient, AuthActions, assert_error

REASON = "Heated argument; cooling off for a day"


@pytest.fixture
def alice(app):
    return make_user(app, "alice")


@pytest.fixture
def bob(app):
    return make_user(app, "bob")


@pytest.fixture
def mod(app):
    return make_user(app, "mod", role=Role.MODERATOR)


def audit_rows(app, action: str | None = None) -> list[AuditEntry]:
    with app.app_context():
        stmt = db.select(AuditEntry).order_by(AuditEntry.id)
        if action:
            stmt = stmt.where(AuditEntry.action == action)
        rows = list(db.session.scalars(stmt))
        db.session.expunge_all()
    return rows


def details(entry: AuditEntry) -> dict:
    return json.loads(entry.details)


# --- payload and permission to moderate -------------------------------------------------------

def test_a_thread_reports_its_moderation_state(api, app, alice):
    thread = make_thread(app, alice)
    body = api.get(f"threads/{thread.id}").json
    assert set(body) >= THREAD_FIELDS
    state = (body["locked"], body["lock_reason"], body["closed"], body["close_reason"])
    assert state == (False, None, False, None)
    assert body["duplicate_of"] is None


@pytest.mark.parametrize("path, payload", [
    ("lock", {"reason": REASON}), ("unlock", None), ("close", {"reason": REASON}), ("reopen", None),
    ("merge", {"into": 1, "reason": REASON})])
def test_members_and_authors_may_not_moderate_threads(api, app, alice, bob, path, payload):
    thread = make_thread(app, alice)
    for user in (alice, bob):
        error = assert_error(api.as_user(user).post(f"threads/{thread.id}/{path}", payload), 403, "forbidden")
        assert "Only moderators" in error["message"]
    assert_error(api.post(f"threads/{thread.id}/{path}", payload), 401, "unauthorized")
    assert audit_rows(app) == []


@pytest.mark.parametrize("payload, problem", [
    ({}, "is required"), ({"reason": ""}, "1-500"), ({"reason": "   "}, "1-500"),
    ({"reason": "x" * 501}, "1-500"), ({"reason": 5}, "string"), ({"reason": "a\x00b"}, "NUL")])
def test_lock_and_close_need_a_reason_of_1_to_500_characters(api, app, alice, mod, payload, problem):
    thread = make_thread(app, alice)
    client = api.as_user(mod)
    for path in ("lock", "close"):
        error = assert_error(client.post(f"threads/{thread.id}/{path}", payload), 422, "validation_error")
        assert problem in error["fields"]["reason"]
    assert client.post(f"threads/{thread.id}/lock", {"reason": "x" * 500}).status_code == 200


def test_moderating_a_missing_thread_is_404(api, mod):
    assert_error(api.as_user(mod).post("threads/999999/lock", {"reason": REASON}), 404, "not_found")


# --- locking ---------------------------------------------------------------------------------

def test_a_moderator_locks_a_thread_once_with_an_audit_row_and_an_event(api, app, alice, mod,
                                                                         captured_events):
    thread = make_thread(app, alice)
    response = api.as_user(mod).post(f"threads/{thread.id}/lock", {"reason": f"  {REASON}  "})
    assert response.status_code == 200
    body = response.json
    assert body["locked"] is True and body["lock_reason"] == REASON
    assert body["locked_by"]["username"] == "mod" and body["locked_at"]
    assert "answers" in body  # the full thread, as GET returns it
    again = api.as_user(mod).post(f"threads/{thread.id}/lock", {"reason": "Another reason entirely"})
    assert again.status_code == 200 and again.json["lock_reason"] == REASON  # nothing changed
    [row] = audit_rows(app)
    assert (row.action, row.target_type, row.target_id) == ("thread.lock", "post", str(thread.id))
    assert row.reason == REASON
    assert row.actor_id == mod.id and row.target_label == thread.title
    updates = [e for e in captured_events if e["type"] == "thread_updated"]
    assert len(updates) == 1 and updates[0]["channel"] == f"thread:{thread.id}"
    assert updates[0]["data"]["locked"] is True and updates[0]["data"]["lock_reason"] == REASON


def test_a_locked_thread_refuses_everyone_but_moderators(api, app, alice, bob, mod):
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread)
    api.as_user(mod).post(f"threads/{thread.id}/lock", {"reason": REASON})
    as_alice, as_bob = api.as_user(alice), api.as_user(bob)
    refusals = [
        as_bob.post(f"threads/{thread.id}/answers", {"body": "Me too"}),
        as_alice.patch(f"threads/{thread.id}", {"body": "New details"}),
        as_alice.patch(f"threads/{thread.id}", {"tags": ["excel"]}),
        as_bob.patch(f"posts/{answer.id}", {"body": "Edited"}),
        as_alice.post(f"posts/{answer.id}/vote", {"value": 1}),
        as_bob.post(f"posts/{thread.id}/vote", {"value": 1}),
        as_alice.post(f"threads/{thread.id}/accept", {"answer_id": answer.id}),
        as_bob.delete(f"posts/{answer.id}"),
    ]
    for response in refusals:
        error = assert_error(response, 403, "forbidden")
        assert error["message"] == f"This question is locked: {REASON}"
    as_mod = api.as_user(mod)
    assert as_mod.post(f"threads/{thread.id}/answers", {"body": "A moderator's note"}).status_code == 201
    assert as_mod.patch(f"posts/{answer.id}", {"body": "Edited by a moderator"}).status_code == 200
    assert as_mod.post(f"posts/{answer.id}/vote", {"value": 1}).status_code == 200
    assert api.get(f"threads/{thread.id}").status_code == 200  # still readable by anyone

    unlocked = as_mod.post(f"threads/{thread.id}/unlock")
    assert unlocked.status_code == 200 and unlocked.json["locked"] is False
    assert unlocked.json["lock_reason"] is None and unlocked.json["locked_by"] is None
    assert as_bob.post(f"threads/{thread.id}/answers", {"body": "Me too"}).status_code == 201
    assert as_mod.post(f"threads/{thread.id}/unlock").status_code == 200  # unlocking again: no change
    assert [row.action for row in audit_rows(app)] == ["thread.lock", "post.edit", "thread.unlock"]
    assert details(audit_rows(app, "thread.unlock")[0])["lock_reason"] == REASON


# --- closing ---------------------------------------------------------------------------------

def test_a_closed_thread_takes_no_answers_but_edits_and_votes_go_on(api, app, alice, bob, mod,
                                                                    captured_events):
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread)
    closed = api.as_user(mod).post(f"threads/{thread.id}/close", {"reason": "Off topic here"})
    assert closed.status_code == 200
    assert closed.json["closed"] is True and closed.json["close_reason"] == "Off topic here"
    assert closed.json["closed_by"]["username"] == "mod" and closed.json["duplicate_of"] is None
    for user in (bob, mod):  # moderators reopen first
        error = assert_error(api.as_user(user).post(f"threads/{thread.id}/answers", {"body": "Late"}), 403,
                             "forbidden")
        assert error["message"] == "This question is closed: Off topic here; it no longer accepts answers."
    assert api.as_user(alice).patch(f"threads/{thread.id}", {"body": "Clearer now"}).status_code == 200
    assert api.as_user(bob).patch(f"posts/{answer.id}", {"body": "Better answer"}).status_code == 200
    assert api.as_user(alice).post(f"posts/{answer.id}/vote", {"value": 1}).json["score"] == 1
    assert api.as_user(alice).post(f"threads/{thread.id}/accept", {"answer_id": answer.id}).status_code == 200

    reopened = api.as_user(mod).post(f"threads/{thread.id}/reopen")
    assert reopened.status_code == 200 and reopened.json["closed"] is False
    assert reopened.json["close_reason"] is None
    assert api.as_user(bob).post(f"threads/{thread.id}/answers", {"body": "Now it fits"}).status_code == 201
    assert [row.action for row in audit_rows(app)] == ["thread.close", "thread.reopen"]
    states = [e["data"]["closed"] for e in captured_events if e["type"] == "thread_updated"]
    assert states[0] is True and states[-1] is False


# --- merging ---------------------------------------------------------------------------------

@pytest.fixture
def duplicate_pair(app, alice, bob):
    """A source question with two answers (one accepted, with votes) and a target with one."""
    carol = make_user(app, "carol")
    target = make_thread(app, bob, "How do I merge two workbooks into one?")
    kept = make_answer(app, carol, target, "Use Power Query's append.")
    source = make_thread(app, alice, "Combining two Excel workbooks into a single one?")
    first = make_answer(app, carol, source, "Copy the sheets with Move or Copy.")
    second = make_answer(app, bob, source, "A zebra macro does it: Workbooks.Open then Sheets.Copy.")
    vote(app, bob, first, 1)
    accept(app, alice, source, first)
    return source, target, kept, first, second, carol


def test_merging_moves_the_answers_and_closes_the_source_as_a_duplicate(api, app, alice, mod, duplicate_pair,
                                                                         captured_events):
    source, target, kept, first, second, carol = duplicate_pair
    reputation_before = {u: reload_user(app, u.id).reputation for u in (alice, carol)}
    captured_events.clear()
    response = api.as_user(mod).post(f"threads/{source.id}/merge",
                                     {"into": target.id, "reason": "Same question"})
    assert response.status_code == 200
    merged = response.json
    assert merged["id"] == target.id and merged["answer_count"] == 3
    assert {a["id"] for a in merged["answers"]} == {kept.id, first.id, second.id}
    assert all(a["thread_id"] == target.id and a["url"].startswith(f"/questions/{target.id}#")
               for a in merged["answers"])
    assert merged["accepted_answer_id"] is None  # arrives un-accepted: the target's asker never chose it
    moved_first = next(a for a in merged["answers"] if a["id"] == first.id)
    assert moved_first["score"] == 1 and moved_first["accepted"] is False

    source_now = api.get(f"threads/{source.id}").json
    assert source_now["answers"] == [] and source_now["answer_count"] == 0
    assert source_now["closed"] is True and source_now["close_reason"] == "Same question"
    assert source_now["duplicate_of"] == {"id": target.id, "title": target.title,
                                          "url": f"/questions/{target.id}"}
    assert source_now["accepted_answer_id"] is None
    assert {u: reload_user(app, u.id).reputation for u in (alice, carol)} == reputation_before

    by_channel = [(e["channel"], e["type"], e["data"].get("id", e["data"].get("post_id")))
                  for e in captured_events]
    assert (f"thread:{source.id}", "answer_moved", first.id) in by_channel
    assert (f"thread:{source.id}", "thread_updated", source.id) in by_channel
    created = [item for item in by_channel if item[:2] == (f"thread:{target.id}", "answer_created")]
    assert sorted(item[2] for item in created) == sorted([first.id, second.id])
    assert (f"thread:{target.id}", "thread_updated", target.id) in by_channel

    [row] = audit_rows(app, "thread.merge")
    assert row.target_id == str(source.id) and row.reason == "Same question"
    assert details(row)["into"] == target.id
    assert sorted(details(row)["answers_moved"]) == sorted([first.id, second.id])
    assert details(row)["unaccepted_answer_id"] == first.id

    # The merged duplicate takes no answers; merging it again into the same target changes nothing.
    late = api.as_user(alice).post(f"threads/{source.id}/answers", {"body": "Hm"})
    error = assert_error(late, 403, "forbidden")
    assert "closed" in error["message"]
    again = api.as_user(mod).post(f"threads/{source.id}/merge", {"into": target.id, "reason": "Again"})
    assert again.status_code == 200
    assert len(audit_rows(app, "thread.merge")) == 1
    # The target's asker may now accept a moved answer; the ledger stays consistent.
    assert api.as_user(reload_user(app, target.author_id)).post(
        f"threads/{target.id}/accept", {"answer_id": first.id}).json["accepted_answer_id"] == first.id


def test_a_moved_answer_is_found_under_the_target_thread(api, app, mod, duplicate_pair):
    source, target, _kept, _first, second, _carol = duplicate_pair
    index(app)
    assert [r["thread_id"] for r in found(api, "zebra", type="answer")["results"]] == [source.id]
    api.as_user(mod).post(f"threads/{source.id}/merge", {"into": target.id, "reason": "Same question"})
    index(app)
    answers = found(api, "zebra", type="answer")["results"]
    assert [(r["id"], r["thread_id"]) for r in answers] == [(second.id, target.id)]
    assert [r["id"] for r in found(api, "zebra macro")["results"]] == [target.id]


def test_merge_refuses_bad_targets(api, app, alice, mod):
    one, two, three = (make_thread(app, alice) for _ in range(3))
    client = api.as_user(mod)

    def merge(source, into, reason="Duplicate"):
        return client.post(f"threads/{source.id}/merge", {"into": into, "reason": reason})

    assert "into" in assert_error(merge(one, one.id), 422, "validation_error")["fields"]
    assert "into" in assert_error(merge(one, 987654321), 422, "validation_error")["fields"]
    assert "into" in assert_error(merge(one, 99999999999999999999), 422, "validation_error")["fields"]
    assert "into" in assert_error(client.post(f"threads/{one.id}/merge", {"into": "2", "reason": "x"}),
                                  422, "validation_error")["fields"]
    assert "reason" in assert_error(merge(one, two.id, ""), 422, "validation_error")["fields"]
    assert merge(one, two.id).status_code == 200
    assert "merged into" in assert_error(merge(three, one.id), 422, "validation_error")["fields"]["into"]
    assert "already merged" in assert_error(merge(one, three.id), 409, "conflict")["message"]
    reopened = client.post(f"threads/{one.id}/reopen").json
    assert reopened["closed"] is False and reopened["duplicate_of"] is None
    assert merge(one, three.id).status_code == 200


# --- moderators editing other people's posts ------------------------------------------------------

def test_moderators_edits_retags_and_deletes_of_others_posts_are_audited(api, app, alice, bob, mod):
    thread = make_thread(app, alice, "How do I print only the selected range?", body="Original body.",
                         tags=["excel"])
    answer = make_answer(app, bob, thread, "An answer with a link.")
    own = api.as_user(alice).patch(f"threads/{thread.id}", {"body": "The author's own edit."})
    assert own.status_code == 200 and audit_rows(app) == []  # authors editing their own: no audit

    as_mod = api.as_user(mod)
    assert as_mod.patch(f"threads/{thread.id}", {"tags": ["excel", "printing"]}).status_code == 200
    assert as_mod.patch(f"threads/{thread.id}", {"title": "Print only the selected range in Excel",
                                                 "body": "x" * 300}).status_code == 200
    assert as_mod.patch(f"posts/{answer.id}", {"body": "A tidier answer."}).status_code == 200
    assert as_mod.delete(f"posts/{answer.id}").status_code == 204
    retag, question_edit, answer_edit, deletion = audit_rows(app)
    assert retag.action == "thread.retag"
    assert details(retag) == {"tags": {"before": ["excel"], "after": ["excel", "printing"]}}
    assert question_edit.action == "post.edit" and question_edit.target_id == str(thread.id)
    edited = details(question_edit)
    assert edited["title"]["before"] == "How do I print only the selected range?"
    assert edited["body"]["before"] == "The author's own edit." and len(edited["body"]["after"]) == 200
    assert "tags" not in edited
    assert answer_edit.action == "post.edit" and answer_edit.target_id == str(answer.id)
    assert details(answer_edit)["body"] == {"before": "An answer with a link.", "after": "A tidier answer."}
    assert answer_edit.target_label.startswith(f"Answer {answer.id} to:")
    assert deletion.action == "post.delete" and details(deletion)["body"] == "A tidier answer."
    assert all(row.actor_id == mod.id for row in audit_rows(app))


# --- the thread page -----------------------------------------------------------------------------

def test_the_page_of_a_closed_thread_shows_the_banner_instead_of_the_answer_form(app, client, alice, bob,
                                                                                   mod):
    thread = make_thread(app, alice)
    ApiClient(app).as_user(mod).post(f"threads/{thread.id}/close", {"reason": "Needs more detail"})
    AuthActions(client).login("bob")
    response = client.get(f"/questions/{thread.id}")
    page = text_of(response)
    assert "Closed: Needs more detail. It no longer accepts answers." in page
    assert "Closed by mod" in page
    assert "This question is closed, so it no longer accepts answers." in page
    assert f'action="/questions/{thread.id}/answers"' not in source_of(response)
    assert "Moderator tools" not in page  # members don't get the tools
    refused = submit(client, f"/questions/{thread.id}/answers", {"body": "Sneaking one in"})
    assert refused.status_code == 403 and "no longer accepts answers" in text_of(refused)


def test_the_page_of_a_locked_thread_for_visitors_and_moderators(app, client, alice, mod):
    thread = make_thread(app, alice)
    ApiClient(app).as_user(mod).post(f"threads/{thread.id}/lock", {"reason": "Cooling off"})
    anonymous = text_of(client.get(f"/questions/{thread.id}"))
    assert "Locked: Cooling off. Only moderators can answer, edit, vote or accept here." in anonymous
    assert "This question is locked: only moderators can answer it." in anonymous
    AuthActions(client).login("mod")
    response = client.get(f"/questions/{thread.id}")
    assert f'action="/questions/{thread.id}/answers"' in source_of(response)  # moderators still answer
    tools = source_of(response)
    assert f'action="/questions/{thread.id}/unlock"' in tools and 'name="csrf_token"' in tools


def test_a_moderator_uses_the_tools_without_javascript(app, client, alice, mod):
    source = make_thread(app, alice, "How can I undo a sent email in Outlook?")
    target = make_thread(app, alice, "Recall a message I sent by mistake")
    make_answer(app, make_user(app, "bob"), source, "Use Recall This Message.")
    AuthActions(client).login("mod")
    page = source_of(client.get(f"/questions/{source.id}"))
    for action in ("lock", "close", "merge"):
        assert f'action="/questions/{source.id}/{action}"' in page
    assert '<label for="merge-into">' in page and '<label for="lock-reason">' in page

    assert re.search(r'data-mod-when="locked"\s+hidden', page) and 'data-mod-when="unlocked" >' in page
    locked = submit(client, f"/questions/{source.id}/lock", {"reason": "Cooling off"}, follow_redirects=True)
    assert locked.status_code == 200 and "Locked: Cooling off." in text_of(locked)
    assert re.search(r'data-mod-when="unlocked"\s+hidden', source_of(locked))  # only Unlock is offered now
    bad = submit(client, f"/questions/{source.id}/merge", {"into": "not a question", "reason": "Dup"})
    assert bad.status_code == 422 and "a link to it" in text_of(bad)
    merged = submit(client, f"/questions/{source.id}/merge",
                    {"into": f"http://localhost/questions/{target.id}/recall-a-message",
                     "reason": "Same thing"},
                    follow_redirects=True)
    assert merged.status_code == 200 and "Use Recall This Message." in text_of(merged)
    source_page = client.get(f"/questions/{source.id}")
    assert "Merged into Recall a message I sent by mistake" in text_of(source_page)
    assert f'href="/questions/{target.id}/recall-a-message-i-sent-by-mistake"' in source_of(source_page)
    reopened = submit(client, f"/questions/{source.id}/reopen", follow_redirects=True)
    assert "Merged into" not in text_of(reopened)
    assert len(audit_rows(app)) == 3  # lock, merge, reopen


def test_question_lists_label_closed_duplicate_and_locked_questions(app, client, alice, mod):
    moderator = ApiClient(app).as_user(mod)
    closed = make_thread(app, alice, "Where do I find the expense policy?")
    duplicate = make_thread(app, alice, "Where is the travel expense policy?")
    locked = make_thread(app, alice, "Which laptop do we get for onboarding?")
    open_one = make_thread(app, alice, "How do I book a meeting room?")
    moderator.post(f"threads/{closed.id}/close", {"reason": "Answered in the handbook"})
    moderator.post(f"threads/{duplicate.id}/merge", {"into": closed.id, "reason": "Same question"})
    moderator.post(f"threads/{locked.id}/lock", {"reason": "Cooling off"})
    source = source_of(client.get("/"))

    def labels_of(thread) -> str:
        row = source.split(f'href="/questions/{thread.id}/', 1)[1].split("</h3>", 1)[0]
        return " ".join(part.split("</span>")[0] for part in row.split('class="label label-closed">')[1:])

    assert labels_of(closed) == "closed"
    assert labels_of(duplicate) == "duplicate"
    assert labels_of(locked) == "locked"
    assert labels_of(open_one) == ""
