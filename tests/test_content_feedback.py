""""Was this helpful?" over the API: giving, changing and withdrawing feedback on answers and
resources, who may, what the summary shows to whom (never who gave it), and bad input."""

from __future__ import annotations

import pytest

from community.extensions import db
from community.models import ContentFeedback, Role
from tests.factories import (
    give_feedback,
    make_answer,
    make_thread,
    make_user,
    share_resource,
)
from tests.support import ISO_UTC, assert_error

SUMMARY_FIELDS = {"target_type", "target_id", "helpful_count", "not_helpful_count", "mine", "comments"}


@pytest.fixture
def author(app):
    return make_user(app, "author")


@pytest.fixture
def reader(app):
    return make_user(app, "reader")


@pytest.fixture
def answer(app, author):
    thread = make_thread(app, make_user(app, "asker"), "How do I export the mesh to STL?")
    return make_answer(app, author, thread, "Use File > Export and pick STL.")


@pytest.fixture
def resource(app, author):
    return share_resource(app, author, title="Meshing in ten minutes")


def feedback_path(kind: str, item) -> str:
    return f"{'posts' if kind == 'answer' else 'resources'}/{item.id}/feedback"


def stored_rows(app) -> list[tuple]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(db.select(
            ContentFeedback.target_type, ContentFeedback.target_id, ContentFeedback.user_id,
            ContentFeedback.helpful, ContentFeedback.comment).order_by(ContentFeedback.id))]


# --- round trips --------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["answer", "resource"])
def test_give_change_and_withdraw_feedback(app, api, reader, answer, resource, kind):
    item = answer if kind == "answer" else resource
    path = feedback_path(kind, item)
    client = api.as_user(reader)

    response = client.put(path, json={"helpful": True})
    assert response.status_code == 200, response.json
    body = response.json
    assert set(body) >= SUMMARY_FIELDS
    assert body["target_type"] == kind and body["target_id"] == item.id
    assert (body["helpful_count"], body["not_helpful_count"]) == (1, 0)
    assert body["mine"] == {"helpful": True, "comment": ""}
    assert body["comments"] is None  # the reader did not write it

    changed = client.put(path, json={"helpful": False, "comment": "  Missing the units.  "}).json
    assert (changed["helpful_count"], changed["not_helpful_count"]) == (0, 1)
    assert changed["mine"] == {"helpful": False, "comment": "Missing the units."}
    assert client.get(path).json == changed
    assert len(stored_rows(app)) == 1  # one row per member per item, changed in place

    again = client.put(path, json={"helpful": False, "comment": "Missing the units."})
    assert again.status_code == 200 and again.json == changed  # the same twice changes nothing

    assert client.delete(path).status_code == 204
    withdrawn = client.get(path).json
    assert (withdrawn["helpful_count"], withdrawn["not_helpful_count"]) == (0, 0)
    assert withdrawn["mine"] is None
    assert stored_rows(app) == []
    assert client.delete(path).status_code == 204  # nothing to withdraw is fine


def test_counts_add_up_across_members(app, api, author, answer):
    for n, helpful in enumerate([True, True, False, True]):
        give_feedback(app, make_user(app, f"giver{n}"), answer, helpful)
    body = api.as_user(make_user(app, "someone")).get(feedback_path("answer", answer)).json
    assert (body["helpful_count"], body["not_helpful_count"], body["mine"]) == (3, 1, None)


def test_feedback_on_a_question_is_not_found(app, api, reader, answer):
    path = f"posts/{answer.thread_id}/feedback"
    client = api.as_user(reader)
    for response in (client.get(path), client.put(path, json={"helpful": True}), client.delete(path)):
        assert_error(response, 404, "not_found")


def test_unknown_items_are_not_found(app, api, reader):
    client = api.as_user(reader)
    assert_error(client.put("posts/999999/feedback", json={"helpful": True}), 404, "not_found")
    assert_error(client.get("resources/999999/feedback"), 404, "not_found")


# --- who may ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["answer", "resource"])
def test_not_on_your_own_content(app, api, author, answer, resource, kind):
    path = feedback_path(kind, answer if kind == "answer" else resource)
    error = assert_error(api.as_user(author).put(path, json={"helpful": True}), 403, "forbidden")
    assert "yours" in error["message"]
    assert stored_rows(app) == []


@pytest.mark.parametrize("kind", ["answer", "resource"])
def test_anonymous_callers_must_log_in(app, api, answer, resource, kind):
    path = feedback_path(kind, answer if kind == "answer" else resource)
    assert_error(api.get(path), 401, "unauthorized")
    assert_error(api.put(path, json={"helpful": True}), 401, "unauthorized")
    assert_error(api.delete(path), 401, "unauthorized")
    assert_error(api.get("me/feedback"), 401, "unauthorized")


def test_suspended_members_cannot_write_but_can_read(app, api, author, answer):
    from community.actions import suspensions

    member = make_user(app, "member")
    give_feedback(app, member, answer, True)
    moderator = make_user(app, "mod", role=Role.MODERATOR)
    with app.app_context():
        suspensions.suspend_user(moderator, member.username, reason="spam", days=1)
    client = api.as_user(member)
    path = feedback_path("answer", answer)
    assert_error(client.put(path, json={"helpful": False}), 403, "forbidden")
    assert_error(client.delete(path), 403, "forbidden")
    assert client.get(path).json["mine"] == {"helpful": True, "comment": ""}


def test_deleted_content_is_not_found_to_members_and_closed_to_moderators(app, api, author, answer, resource):
    from community.actions import answers as answer_actions
    from community.actions import resources as resource_actions

    moderator = make_user(app, "mod", role=Role.MODERATOR)
    reader = make_user(app, "reader")
    give_feedback(app, reader, answer, False, "Outdated.")
    with app.app_context():
        answer_actions.delete_post(moderator, answer.id)
        resource_actions.delete_resource(moderator, resource.id)
    for kind, item in (("answer", answer), ("resource", resource)):
        path = feedback_path(kind, item)
        assert_error(api.as_user(reader).put(path, json={"helpful": True}), 404, "not_found")
        assert_error(api.as_user(reader).get(path), 404, "not_found")
        assert_error(api.as_user(moderator).put(path, json={"helpful": True}), 403, "forbidden")
    seen = api.as_user(moderator).get(feedback_path("answer", answer)).json
    assert seen["not_helpful_count"] == 1 and seen["comments"][0]["comment"] == "Outdated."


def test_hidden_content_is_not_found_to_members(app, api, author, answer):
    from community.actions import flags

    moderator = make_user(app, "mod", role=Role.MODERATOR)
    with app.app_context():  # a moderator's flag hides it at once
        flags.flag_content(moderator, flags.FlagDraft("post", answer.id, "spam"))
    path = feedback_path("answer", answer)
    assert_error(api.as_user(make_user(app, "reader")).put(path, json={"helpful": True}), 404, "not_found")
    assert api.as_user(author).get(path).status_code == 200  # the author still sees it
    assert api.as_user(moderator).put(path, json={"helpful": True}).status_code == 200


def test_a_locked_thread_takes_no_feedback_from_members(app, api, author, answer):
    from community.actions import moderation

    moderator = make_user(app, "mod", role=Role.MODERATOR)
    reader = make_user(app, "reader")
    give_feedback(app, reader, answer, True)
    with app.app_context():
        moderation.lock_thread(moderator, answer.thread_id, "Heated")
    path = feedback_path("answer", answer)
    assert_error(api.as_user(reader).put(path, json={"helpful": False}), 403, "forbidden")
    assert api.as_user(reader).delete(path).status_code == 204  # one's own feedback can be withdrawn


# --- privacy ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["answer", "resource"])
def test_comments_go_to_the_author_and_moderators_without_names(app, api, author, answer, resource, kind):
    item = answer if kind == "answer" else resource
    giver = make_user(app, "giver", display_name="Gina Giver")
    give_feedback(app, giver, item, False, "It skips the export settings.")
    give_feedback(app, make_user(app, "other"), item, True)
    path = feedback_path(kind, item)

    for viewer in (author, make_user(app, "mod", role=Role.MODERATOR)):
        response = api.as_user(viewer).get(path)
        body = response.json
        assert (body["helpful_count"], body["not_helpful_count"]) == (1, 1)
        assert body["comments"] == [{"helpful": False, "comment": "It skips the export settings.",
                                     "created_at": body["comments"][0]["created_at"]}]
        created = body["comments"][0]["created_at"]
        assert ISO_UTC.match(created) and created.endswith("T00:00:00.000Z")  # the day, no finer
        text = response.get_data(as_text=True)
        assert "giver" not in text and "Gina" not in text and f'"{giver.id}' not in text.replace(
            f'"target_id": {item.id}', "")

    other = api.as_user(make_user(app, "bystander")).get(path)
    assert other.json["comments"] is None
    assert "export settings" not in other.get_data(as_text=True)


def test_no_events_are_recorded_for_feedback(app, api, reader, answer, captured_events):
    api.as_user(reader).put(feedback_path("answer", answer), json={"helpful": False, "comment": "Hmm."})
    api.as_user(reader).delete(feedback_path("answer", answer))
    assert captured_events == []


# --- validation ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "field"), [
    ({}, "helpful"),
    ({"helpful": None}, "helpful"),
    ({"helpful": "yes"}, "helpful"),
    ({"helpful": 1}, "helpful"),
    ({"helpful": False, "comment": 5}, "comment"),
    ({"helpful": False, "comment": "x" * 501}, "comment"),
    ({"helpful": False, "comment": "bad\u0000byte"}, "comment"),
])
def test_bad_input_is_a_422(app, api, reader, answer, body, field):
    error = assert_error(api.as_user(reader).put(feedback_path("answer", answer), json=body),
                         422, "validation_error")
    assert field in error["fields"]
    assert stored_rows(app) == []


def test_a_body_that_is_not_an_object_is_a_400(app, api, reader, answer):
    assert_error(api.as_user(reader).put(feedback_path("answer", answer), json=[True]), 400, "bad_request")


def test_a_comment_of_500_characters_and_any_unicode_is_kept(app, api, reader, answer):
    comment = "é🙂" * 250
    body = api.as_user(reader).put(feedback_path("answer", answer),
                                   json={"helpful": False, "comment": comment}).json
    assert body["mine"]["comment"] == comment


# --- the author's summary -------------------------------------------------------------------------

def test_my_feedback_lists_totals_and_items(app, api, author, answer, resource):
    other_thread = make_thread(app, make_user(app), "Why is the solver slow on big meshes?")
    quiet = make_answer(app, author, other_thread, "Nobody said anything about this one.")
    for n in range(3):
        comment = "Needs a screenshot." if n == 0 else ""
        give_feedback(app, make_user(app, f"giver{n}"), answer, n != 0, comment)
    give_feedback(app, make_user(app, "rater1"), resource, True, "Exactly what I needed.")
    someone_elses = make_answer(app, make_user(app, "rival"), other_thread, "Another answer.")
    give_feedback(app, make_user(app, "rater2"), someone_elses, True)

    body = api.as_user(author).get("me/feedback").json
    assert body["totals"] == {"helpful_count": 3, "not_helpful_count": 1, "answer_count": 1,
                              "resource_count": 1}
    assert (body["total"], body["page"], body["per_page"]) == (2, 1, 20)
    by_type = {item["target_type"]: item for item in body["items"]}
    assert by_type["resource"]["target_id"] == resource.id  # the latest feedback comes first
    assert body["items"][0]["target_type"] == "resource"
    assert by_type["answer"]["url"] == f"/questions/{answer.thread_id}#answer-{answer.id}"
    assert by_type["answer"]["title"] == "How do I export the mesh to STL?"
    assert by_type["resource"]["url"] == f"/resources/{resource.id}"
    assert [c["comment"] for c in by_type["answer"]["comments"]] == ["Needs a screenshot."]
    assert quiet.id not in {item["target_id"] for item in body["items"]}
    assert "giver0" not in str(body) and "rater1" not in str(body)

    page_two = api.as_user(author).get("me/feedback", query_string={"page": 2, "per_page": 1}).json
    assert page_two["total"] == 2 and [i["target_type"] for i in page_two["items"]] == ["answer"]
    assert_error(api.as_user(author).get("me/feedback", query_string={"page": "x"}), 422, "validation_error")


def test_my_feedback_leaves_out_deleted_items(app, api, author, answer):
    from community.actions import answers as answer_actions

    give_feedback(app, make_user(app, "giver"), answer, True)
    with app.app_context():
        answer_actions.delete_post(author, answer.id)
    body = api.as_user(author).get("me/feedback").json
    assert body["items"] == [] and body["totals"]["helpful_count"] == 0

