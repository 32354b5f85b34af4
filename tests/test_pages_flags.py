"""Flags as a browser without JavaScript uses them: the Flag control on questions, answers, room
messages and resources, flagging by form, hidden content on the pages, and the moderators'
review queue with its one-click decisions and the "Review (N)" link."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from community.actions import flags as flag_actions
from community.extensions import db
from community.models import AuditEntry, Flag, Post, Role
from tests.browsing import section, source_of, submit, text_of
from tests.factories import make_answer, make_message, make_room, make_thread, make_user, share_resource
from tests.test_pages import assert_no_inline_script

NOTICE = "Hidden after community flags, pending moderator review"


@pytest.fixture
def people(app):
    return {"author": make_user(app, "author", display_name="Arthur Author"),
            "ann": make_user(app, "ann"), "ben": make_user(app, "ben"),
            "mod": make_user(app, "mod", role=Role.MODERATOR)}


@pytest.fixture
def qa(app, people):
    thread = make_thread(app, people["ann"], "Where is the export button in the simulator?",
                         body="I can't find it anywhere.")
    answer = make_answer(app, people["author"], thread, body="Cheap watches at spam.example")
    return thread, answer


def moderator_flags(app, people, kind, target_id):
    with app.app_context():
        return flag_actions.flag_content(people["mod"], flag_actions.FlagDraft(kind, target_id, "spam")).id


def test_members_see_a_flag_form_on_others_posts_only(app, client, auth, people, qa):
    thread, answer = qa
    auth.login("ben")
    page = client.get(f"/questions/{thread.id}")
    assert page.status_code == 200
    assert_no_inline_script(source_of(page))
    answer_html = section(page, f"answer-{answer.id}")
    assert 'data-flag-form' in answer_html and 'name="reason" value="offensive"' in answer_html
    assert "Why should moderators look at this answer?" in answer_html
    question_html = section(page, "question")
    assert f'name="target_id" value="{thread.id}"' in question_html
    auth.logout()
    auth.login("author")
    own = section(client.get(f"/questions/{thread.id}"), f"answer-{answer.id}")
    assert "data-flag-form" not in own


def test_anonymous_visitors_see_no_flag_control(app, client, qa):
    thread, _answer = qa
    assert "data-flag-form" not in source_of(client.get(f"/questions/{thread.id}"))


def test_flagging_by_form_redirects_back_with_a_message(app, client, auth, people, qa):
    thread, answer = qa
    auth.login("ben")
    back = f"/questions/{thread.id}#answer-{answer.id}"
    response = submit(client, "/moderation/flags/new", {
        "target_type": "post", "target_id": answer.id, "reason": "spam", "note": "", "next": back})
    assert response.status_code == 302 and response.headers["Location"] == back
    assert "moderators will review it" in text_of(client.get(f"/questions/{thread.id}"))
    with app.app_context():
        flags = db.session.scalars(select(Flag)).all()
        assert [(f.reporter_id, f.target_id, f.reason) for f in flags] == [
            (people["ben"].id, answer.id, "spam")]
    again = submit(client, "/moderation/flags/new", {
        "target_type": "post", "target_id": answer.id, "reason": "spam", "next": back})
    assert again.status_code == 409 and "already flagged" in text_of(again)


def test_a_refused_flag_form_shows_why(app, client, auth, people, qa):
    _thread, answer = qa
    auth.login("ben")
    response = submit(client, "/moderation/flags/new", {
        "target_type": "post", "target_id": answer.id, "reason": "other", "note": ""})
    assert response.status_code == 422 and "required" in text_of(response)
    response = submit(client, "/moderation/flags/new", {
        "target_type": "post", "target_id": "abc", "reason": "spam"})
    assert response.status_code == 422
    auth.logout()
    auth.login("author")
    response = submit(client, "/moderation/flags/new", {
        "target_type": "post", "target_id": answer.id, "reason": "spam"})
    assert response.status_code == 403 and "your own answer" in text_of(response)


def test_anonymous_flag_forms_go_to_the_login_page(app, client, qa):
    _thread, answer = qa
    response = submit(client, "/moderation/flags/new", {"target_type": "post", "target_id": answer.id,
                                                        "reason": "spam"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_hidden_answer_shows_a_placeholder_to_others_and_a_notice_to_its_readers(
        app, client, auth, people, qa):
    thread, answer = qa
    moderator_flags(app, people, "post", answer.id)
    for viewer, full in ((None, False), ("ben", False), ("author", True), ("mod", True)):
        if viewer:
            auth.login(viewer)
        html = section(client.get(f"/questions/{thread.id}"), f"answer-{answer.id}")
        assert NOTICE in html
        assert ("spam.example" in html) is full, viewer
        # Others have nothing to vote on; its author and moderators still see the widget.
        assert ("data-vote-form" in html or "Log in to vote" in html) is full, viewer
        if viewer:
            auth.logout()


def test_a_hidden_question_is_not_found_for_others_and_noted_for_its_author(app, client, auth, people, qa):
    thread, _answer = qa
    moderator_flags(app, people, "post", thread.id)
    assert client.get(f"/questions/{thread.id}").status_code == 404
    auth.login("ben")
    assert client.get(f"/questions/{thread.id}").status_code == 404
    assert f"/questions/{thread.id}" not in source_of(client.get("/"))
    auth.logout()
    auth.login("ann")
    page = client.get(f"/questions/{thread.id}")
    assert page.status_code == 200
    assert NOTICE in text_of(page) and "Others can't see your question" in text_of(page)


def test_room_messages_have_a_flag_control_and_hidden_ones_a_placeholder(app, client, auth, people):
    room = make_room(app, people["ann"], "Simulator help")
    message = make_message(app, people["author"], room, "Offensive remark here")
    auth.login("ben")
    page = client.get(f"/rooms/{room.slug}")
    item = section(page, f"message-{message.id}")
    assert 'name="target_type" value="message"' in item
    template = source_of(page).split('id="message-template"', 1)[1]
    assert "data-flag-form" in template.split("</template>", 1)[0]  # live messages get one too
    moderator_flags(app, people, "message", message.id)
    item = section(client.get(f"/rooms/{room.slug}"), f"message-{message.id}")
    assert NOTICE in item and "Offensive remark" not in item
    auth.logout()
    auth.login("author")
    assert "Offensive remark" in section(client.get(f"/rooms/{room.slug}"), f"message-{message.id}")


def test_resources_have_a_flag_control_and_hidden_ones_disappear(app, client, auth, people):
    resource = share_resource(app, people["author"], "https://example.com/offer", title="Great offer")
    auth.login("ben")
    assert 'name="target_type" value="resource"' in source_of(client.get(f"/resources/{resource.id}"))
    moderator_flags(app, people, "resource", resource.id)
    assert client.get(f"/resources/{resource.id}").status_code == 404
    assert "Great offer" not in text_of(client.get("/resources"))
    auth.logout()
    auth.login("author")
    page = client.get(f"/resources/{resource.id}")
    assert page.status_code == 200 and NOTICE in text_of(page)


# --- the review queue ----------------------------------------------------------------------------


def test_only_moderators_open_the_review_queue(app, client, auth, people):
    assert client.get("/moderation/flags").status_code == 302  # to the login page
    auth.login("ben")
    assert client.get("/moderation/flags").status_code == 403
    assert "Review (" not in text_of(client.get("/"))


def test_the_queue_groups_flags_by_target_with_context(app, client, auth, people, qa):
    thread, answer = qa
    with app.app_context():
        for who, reason, note in (("ann", "spam", "Advert"), ("ben", "other", "Looks like a scam")):
            flag_actions.flag_content(people[who], flag_actions.FlagDraft("post", answer.id, reason, note))
    auth.login("mod")
    home = text_of(client.get("/"))
    assert "Review (1)" in home
    page = client.get("/moderation/flags")
    assert page.status_code == 200
    assert_no_inline_script(source_of(page))
    text = text_of(page)
    assert "Where is the export button in the simulator?" in text  # the thread's title
    assert "Cheap watches at spam.example" in text and "Arthur Author" in text
    assert "2 flags" in text and "Advert" in text and "Looks like a scam" in text
    for decision in ("approve", "hide", "delete", "warn"):
        assert f'name="decision" value="{decision}"' in source_of(page)
    assert f'href="/questions/{thread.id}#answer-{answer.id}"' in source_of(page)


def test_one_click_decisions_resolve_the_target_and_leave_an_audit_row(app, client, auth, people, qa):
    _thread, answer = qa
    flag_id = moderator_flags(app, people, "post", answer.id)
    auth.login("mod")
    response = submit(client, f"/moderation/flags/{flag_id}/resolve",
                      {"decision": "approve", "next": "/moderation/flags"})
    assert response.status_code == 302 and response.headers["Location"] == "/moderation/flags"
    page = client.get("/moderation/flags")
    assert "Approved" in text_of(page) and "Nothing to review" in text_of(page)
    with app.app_context():
        assert not db.session.get(Post, answer.id).is_hidden
        assert [e.action for e in db.session.scalars(select(AuditEntry))] == ["flag.approve"]
    dismissed = client.get("/moderation/flags", query_string={"status": "dismissed"})
    assert "Cheap watches" in text_of(dismissed) and "approve" in text_of(dismissed)
    again = submit(client, f"/moderation/flags/{flag_id}/resolve", {"decision": "hide"})
    assert again.status_code == 409
    bad = submit(client, f"/moderation/flags/{flag_id}/resolve", {"decision": "explode"})
    assert bad.status_code == 422
    assert client.get("/moderation/flags", query_string={"status": "weird"}).status_code == 422


def test_members_cannot_press_the_decision_buttons(app, client, auth, people, qa):
    _thread, answer = qa
    flag_id = moderator_flags(app, people, "post", answer.id)
    auth.login("ben")
    assert submit(client, f"/moderation/flags/{flag_id}/resolve", {"decision": "approve"}).status_code == 403
    with app.app_context():
        assert db.session.get(Post, answer.id).is_hidden


def test_a_warning_shows_in_the_authors_notifications(app, client, auth, people, qa):
    _thread, answer = qa
    flag_id = moderator_flags(app, people, "post", answer.id)
    auth.login("mod")
    submit(client, f"/moderation/flags/{flag_id}/resolve", {"decision": "warn", "note": "No ads, please"})
    auth.logout()
    auth.login("author")
    text = text_of(client.get("/notifications"))
    assert "warned you, as a moderator, about" in text and "No ads, please" in text


def test_the_queue_shows_messages_and_resources_and_what_was_deleted(app, client, auth, people):
    room = make_room(app, people["ann"], "Forecasting room")
    message = make_message(app, people["author"], room, "Buy followers today")
    resource = share_resource(app, people["author"], "https://example.com/followers", title="Followers shop")
    message_flag = moderator_flags(app, people, "message", message.id)
    moderator_flags(app, people, "resource", resource.id)
    auth.login("mod")
    text = text_of(client.get("/moderation/flags"))
    assert "Review (2)" in text
    assert "Buy followers today" in text and "Forecasting room" in text and "Followers shop" in text
    submit(client, f"/moderation/flags/{message_flag}/resolve", {"decision": "delete"})
    upheld = text_of(client.get("/moderation/flags", query_string={"status": "upheld"}))
    assert "Buy followers today" in upheld and "deleted" in upheld.lower()
    assert "Review (1)" in text_of(client.get("/"))
