"""Certification tracks over the API: building and validation, drafts, prerequisites, enrolling,
progress from activity and finished resources, completion (once, notified, badged), "Mark as
done", recommendations and privacy."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from community.actions import answers as answer_actions
from community.badges import RULES_BY_SLUG
from community.badges import conditions as c
from community.extensions import db
from community.models import Notification, ResourceCompletion, Role, TrackEnrollment
from tests.factories import (
    badges_of,
    make_answer,
    make_thread,
    make_track,
    make_user,
    mark_resource_done,
    share_resource,
)
from tests.support import assert_error


@pytest.fixture
def people(app):
    users = {name: make_user(app, name) for name in ("ann", "ben", "cat")}
    users["mod"] = make_user(app, "mod", role=Role.MODERATOR)
    users["admin"] = make_user(app, "boss", role=Role.ADMIN)
    return users


@pytest.fixture
def excel(app, people):
    """A question tagged excel (so the tag exists) by cat."""
    return make_thread(app, people["cat"], title="How do pivot tables group dates?", tags=["excel"])


def answer_step(count: int = 1, tag: str = "excel") -> dict:
    return {"kind": "answer_in_tag", "tag": tag, "count": count}


def enrollment(app, user, track_id: int) -> TrackEnrollment | None:
    with app.app_context():
        row = db.session.scalar(select(TrackEnrollment).where(TrackEnrollment.user_id == user.id,
                                                              TrackEnrollment.track_id == track_id))
        db.session.expunge_all()
    return row


def notes(app, user, type_: str) -> list[Notification]:
    with app.app_context():
        rows = list(db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                                  Notification.type == type_)))
        db.session.expunge_all()
    return rows


# --- building -------------------------------------------------------------------------------------

def test_moderator_builds_publishes_and_archives_a_track(app, api, people, excel):
    guide = share_resource(app, people["cat"], title="Pivot tables in depth")
    mod = api.as_user(people["mod"])
    created = mod.post("tracks", json={
        "title": "Excel for analysts", "description": "Learn **pivots**.",
        "perk": "priority for the Q3 project",
        "departments": ["Finance"], "job_roles": [], "steps": [
            {"kind": "resource", "resource_id": guide.id}, answer_step(3),
            {"kind": "ask_in_tag", "tag": "excel", "count": 1, "title": "Ask about your own sheet"}]})
    assert created.status_code == 201, created.json
    track = created.json
    assert track["status"] == "draft" and track["enrollment"] is None
    assert "<strong>pivots</strong>" in track["description_html"]
    assert [s["title"] for s in track["steps"]] == [
        "Finish “Pivot tables in depth”", "Answer 3 questions in #excel", "Ask about your own sheet"]
    assert track["steps"][1]["tag"]["name"] == "excel" and track["steps"][0]["resource"]["id"] == guide.id
    # Drafts are for moderators: a member gets a 404 and does not see it listed.
    member = api.as_user(people["ann"])
    assert_error(member.get(f"tracks/{track['id']}"), 404, "not_found")
    assert member.get("tracks").json["items"] == []
    assert [t["id"] for t in mod.get("tracks?status=draft").json["items"]] == [track["id"]]
    assert_error(member.post(f"tracks/{track['id']}/enroll"), 404, "not_found")

    published = mod.post(f"tracks/{track['id']}/publish")
    assert published.status_code == 200 and published.json["status"] == "published"
    assert_error(mod.post(f"tracks/{track['id']}/publish"), 409, "track_published")
    assert [t["id"] for t in member.get("tracks").json["items"]] == [track["id"]]
    assert member.get(f"tracks/{track['id']}").json["perk"] == "priority for the Q3 project"

    assert mod.post(f"tracks/{track['id']}/archive").json["status"] == "archived"
    assert member.get("tracks").json["items"] == []  # archived tracks leave the default list
    assert [t["id"] for t in member.get("tracks?status=archived").json["items"]] == [track["id"]]
    assert_error(member.post(f"tracks/{track['id']}/enroll"), 409, "track_archived")


def test_only_moderators_build_and_only_admins_delete_published_tracks(app, api, people, excel):
    member = api.as_user(people["ann"])
    assert_error(member.post("tracks", json={"title": "Mine", "steps": [answer_step()]}), 403, "forbidden")
    track_id = make_track(app, people["mod"], steps=[answer_step()])
    assert_error(member.patch(f"tracks/{track_id}", json={"title": "Taken over"}), 403, "forbidden")
    assert_error(member.post(f"tracks/{track_id}/archive"), 403, "forbidden")
    assert_error(api.as_user(people["mod"]).delete(f"tracks/{track_id}"), 403, "forbidden")
    assert api.as_user(people["admin"]).delete(f"tracks/{track_id}").status_code == 204
    assert_error(member.get(f"tracks/{track_id}"), 404, "not_found")
    draft_id = make_track(app, people["mod"], publish=False, steps=[answer_step()])
    assert api.as_user(people["mod"]).delete(f"tracks/{draft_id}").status_code == 204
    assert api.get("tracks").status_code == 401


@pytest.mark.parametrize("changes, field", [
    ({"title": "ab"}, "title"),
    ({"title": 5}, "title"),
    ({"steps": []}, "steps"),
    ({"steps": "read"}, "steps"),
    ({"steps": [answer_step()] * 31}, "steps"),
    ({"steps": [{"kind": "watch_video"}]}, "steps[1].kind"),
    ({"steps": [{"kind": "resource", "resource_id": 999999}]}, "steps[1].resource_id"),
    ({"steps": [{"kind": "resource", "resource_id": "1"}]}, "steps[1].resource_id"),
    ({"steps": [answer_step(), {"kind": "answer_in_tag", "tag": "no-such-tag", "count": 1}]},
     "steps[2].tag"),
    ({"steps": [answer_step(0)]}, "steps[1].count"),
    ({"steps": [answer_step(51)]}, "steps[1].count"),
    ({"steps": [{"kind": "ask_in_tag", "tag": "excel", "count": True}]}, "steps[1].count"),
    ({"steps": ["answer"]}, "steps[1]"),
    ({"departments": "Finance"}, "departments"),
    ({"job_roles": [3]}, "job_roles"),
    ({"perk": "x" * 301}, "perk"),
    ({"prerequisites": [999999]}, "prerequisites"),
    ({"prerequisites": ["a"]}, "prerequisites"),
])
def test_invalid_track_fields_are_422(app, api, people, excel, changes, field):
    mod = api.as_user(people["mod"])
    body = {"title": "Excel basics", "steps": [answer_step()], **changes}
    error = assert_error(mod.post("tracks", json=body), 422, "validation_error")
    assert field in error["fields"]


def test_deleted_resources_cannot_be_steps(app, api, people):
    guide = share_resource(app, people["cat"])
    assert api.as_user(people["cat"]).delete(f"resources/{guide.id}").status_code == 204
    body = {"title": "Reading", "steps": [{"kind": "resource", "resource_id": guide.id}]}
    error = assert_error(api.as_user(people["mod"]).post("tracks", json=body), 422, "validation_error")
    assert "steps[1].resource_id" in error["fields"]


def test_prerequisites_cannot_form_a_cycle(app, api, people, excel):
    mod = api.as_user(people["mod"])
    a = make_track(app, people["mod"], steps=[answer_step()])
    b = make_track(app, people["mod"], steps=[answer_step()], prerequisites=[a])
    c_ = make_track(app, people["mod"], steps=[answer_step()], prerequisites=[b])
    assert "prerequisites" in assert_error(mod.patch(f"tracks/{a}", json={"prerequisites": [a]}),
                                           422, "validation_error")["fields"]
    assert "cycle" in assert_error(mod.patch(f"tracks/{a}", json={"prerequisites": [c_]}),
                                   422, "validation_error")["fields"]["prerequisites"]
    ok = mod.patch(f"tracks/{c_}", json={"prerequisites": [a, b]})
    assert ok.status_code == 200 and [p["id"] for p in ok.json["prerequisites"]] == sorted([a, b])


# --- prerequisites and enrolling --------------------------------------------------------------------

def test_enrolling_requires_every_prerequisite_complete(app, api, people, excel):
    guide = share_resource(app, people["cat"], title="Basics guide")
    basics = make_track(app, people["mod"], title="Excel basics",
                        steps=[{"kind": "resource", "resource_id": guide.id}])
    advanced = make_track(app, people["mod"], title="Excel advanced", steps=[answer_step()],
                          prerequisites=[basics])
    ann = api.as_user(people["ann"])
    error = assert_error(ann.post(f"tracks/{advanced}/enroll"), 409, "prerequisites_incomplete")
    assert "Excel basics" in error["message"]
    assert enrollment(app, people["ann"], advanced) is None
    # Finishing the resource alone is not enough: the prerequisite track itself must be completed.
    mark_resource_done(app, people["ann"], guide)
    assert_error(ann.post(f"tracks/{advanced}/enroll"), 409, "prerequisites_incomplete")
    joined = ann.post(f"tracks/{basics}/enroll")  # all steps already done: completes at once
    assert joined.status_code == 201 and joined.json["completed_at"] is not None
    assert joined.json["done_steps"] == joined.json["total_steps"] == 1
    enrolled = ann.post(f"tracks/{advanced}/enroll")
    assert enrolled.status_code == 201
    assert enrolled.json == {**enrolled.json, "track_id": advanced, "completed_at": None,
                             "done_steps": 0, "total_steps": 1}
    again = ann.post(f"tracks/{advanced}/enroll")
    assert again.status_code == 200 and again.json["enrolled_at"] == enrolled.json["enrolled_at"]


# --- progress ------------------------------------------------------------------------------------

def test_answers_in_the_tag_complete_the_track_once_with_notice_and_badge(app, api, people, excel):
    other = make_thread(app, people["cat"], title="Which lookup beats VLOOKUP today?", tags=["excel"])
    off_topic = make_thread(app, people["cat"], title="How do I book a meeting room?", tags=["office"])
    early = make_answer(app, people["ann"], excel, "Answered before enrolling: it does not count.")
    track_id = make_track(app, people["mod"], steps=[answer_step(2)])
    ann = api.as_user(people["ann"])
    assert ann.post(f"tracks/{track_id}/enroll").status_code == 201
    make_answer(app, people["ann"], off_topic, "Use the booking page.")
    make_answer(app, people["ann"], excel, "Group by month in the pivot options.")
    progress = ann.get(f"tracks/{track_id}/progress").json
    step = progress["steps"][0]
    assert (progress["done_steps"], step["current"], step["done"]) == (0, 1, False)
    assert early.id and enrollment(app, people["ann"], track_id).completed_at is None

    make_answer(app, people["ann"], other, "XLOOKUP is the modern choice.")
    done = enrollment(app, people["ann"], track_id)
    assert done.completed_at is not None
    progress = ann.get(f"tracks/{track_id}/progress").json
    assert progress["steps"][0] == {**progress["steps"][0], "current": 2, "required": 2, "done": True}
    assert [n.url for n in notes(app, people["ann"], "track_completed")] == [f"/tracks/{track_id}"]
    assert ("track-finisher", f"track:{track_id}") in badges_of(app, people["ann"])

    # More activity changes nothing: stamped once, notified once, badged once.
    third = make_thread(app, people["cat"], title="Why does SUMIFS return zero here?", tags=["excel"])
    make_answer(app, people["ann"], third, "Check the criteria ranges.")
    assert enrollment(app, people["ann"], track_id).completed_at == done.completed_at
    assert len(notes(app, people["ann"], "track_completed")) == 1
    assert badges_of(app, people["ann"]).count(("track-finisher", f"track:{track_id}")) == 1


def test_activity_tells_the_members_own_channel_the_new_counts(app, api, people, excel, captured_events):
    track_id = make_track(app, people["mod"], steps=[answer_step(1)])
    api.as_user(people["ann"]).post(f"tracks/{track_id}/enroll")
    captured_events.clear()
    make_answer(app, people["ann"], excel, "Group by quarter in the pivot options.")
    progress = [e for e in captured_events if e["type"] == "track_progress"]
    counts = {"track_id": track_id, "done_steps": 1, "total_steps": 1, "completed": True}
    assert [(e["channel"], e["data"]) for e in progress] == [(f"user:{people['ann'].id}", counts)]
    captured_events.clear()
    make_answer(app, people["ben"], excel, "Or by week.")  # not enrolled: nothing to tell
    assert not [e for e in captured_events if e["type"] == "track_progress"]


def test_an_activity_only_moves_the_tracks_it_can(app, api, people, excel, captured_events):
    guide = share_resource(app, people["cat"], title="Pivot guide")
    reading = make_track(app, people["mod"], title="Reading only",
                         steps=[{"kind": "resource", "resource_id": guide.id}])
    answering = make_track(app, people["mod"], title="Answering", steps=[answer_step(2)])
    for track_id in (reading, answering):
        api.as_user(people["ann"]).post(f"tracks/{track_id}/enroll")
    captured_events.clear()
    make_answer(app, people["ann"], excel, "Group by quarter in the pivot options.")
    moved = [e["data"]["track_id"] for e in captured_events if e["type"] == "track_progress"]
    assert moved == [answering]  # the reading track has no answer step: nothing to recount or say
    captured_events.clear()
    api.as_user(people["ann"]).put(f"resources/{guide.id}/done")
    moved = [e["data"]["track_id"] for e in captured_events if e["type"] == "track_progress"]
    assert moved == [reading]


def test_the_track_badge_is_earned_once_per_track(app, api, people, excel):
    first = make_track(app, people["mod"], steps=[answer_step()])
    second = make_track(app, people["mod"], steps=[{"kind": "ask_in_tag", "tag": "excel", "count": 1}])
    ann = api.as_user(people["ann"])
    ann.post(f"tracks/{first}/enroll")
    ann.post(f"tracks/{second}/enroll")
    make_answer(app, people["ann"], excel, "Use the Group command.")
    make_thread(app, people["ann"], title="How do I freeze the top row?", tags=["excel"])
    finisher = [subject for slug, subject in badges_of(app, people["ann"]) if slug == "track-finisher"]
    assert finisher == [f"track:{first}", f"track:{second}"]
    assert RULES_BY_SLUG["track-finisher"].repeatable
    assert RULES_BY_SLUG["track-finisher"].condition == c.TracksCompleted()


def test_deleted_answers_stop_counting_until_completion(app, api, people, excel):
    other = make_thread(app, people["cat"], title="How do I remove duplicates fast?", tags=["excel"])
    track_id = make_track(app, people["mod"], steps=[answer_step(2)])
    ann = api.as_user(people["ann"])
    ann.post(f"tracks/{track_id}/enroll")
    answer = make_answer(app, people["ann"], excel, "Group by month.")
    assert ann.get(f"tracks/{track_id}/progress").json["steps"][0]["current"] == 1
    with app.app_context():
        answer_actions.delete_post(people["ann"], answer.id)
    assert ann.get(f"tracks/{track_id}/progress").json["steps"][0]["current"] == 0
    make_answer(app, people["ann"], other, "Data > Remove duplicates.")
    assert enrollment(app, people["ann"], track_id).completed_at is None  # 1 of 2 live answers
    third = make_thread(app, people["cat"], title="How do I wrap text in a cell?", tags=["excel"])
    make_answer(app, people["ann"], third, "Home > Wrap Text.")
    assert enrollment(app, people["ann"], track_id).completed_at is not None


def test_resource_steps_are_ticked_by_mark_as_done(app, api, people, excel):
    guide = share_resource(app, people["cat"], title="Pivot guide")
    video = share_resource(app, people["cat"], title="Pivot video")
    track_id = make_track(app, people["mod"], steps=[{"kind": "resource", "resource_id": guide.id},
                                                     {"kind": "resource", "resource_id": video.id}])
    ann = api.as_user(people["ann"])
    ann.post(f"tracks/{track_id}/enroll")
    done = ann.put(f"resources/{guide.id}/done")
    assert done.status_code == 200
    assert done.json == {"resource_id": guide.id, "done": True, "completed_at": done.json["completed_at"]}
    again = ann.put(f"resources/{guide.id}/done")
    assert again.json["completed_at"] == done.json["completed_at"]  # the first time stays
    assert [s["done"] for s in ann.get(f"tracks/{track_id}/progress").json["steps"]] == [True, False]
    assert ann.delete(f"resources/{guide.id}/done").status_code == 204
    assert ann.delete(f"resources/{guide.id}/done").status_code == 204
    assert [s["done"] for s in ann.get(f"tracks/{track_id}/progress").json["steps"]] == [False, False]
    ann.put(f"resources/{guide.id}/done")
    ann.put(f"resources/{video.id}/done")
    listed = ann.get("tracks").json["items"][0]["enrollment"]
    assert listed["completed_at"] is not None and (listed["done_steps"], listed["total_steps"]) == (2, 2)
    # Un-marking later never takes a completed track back.
    ann.delete(f"resources/{video.id}/done")
    assert enrollment(app, people["ann"], track_id).completed_at is not None


def test_mark_as_done_needs_a_visible_live_resource_and_a_login(app, api, people):
    guide = share_resource(app, people["cat"])
    assert_error(api.put(f"resources/{guide.id}/done"), 401, "unauthorized")
    ann = api.as_user(people["ann"])
    assert_error(ann.put("resources/999999/done"), 404, "not_found")
    api.as_user(people["cat"]).delete(f"resources/{guide.id}")
    assert_error(ann.put(f"resources/{guide.id}/done"), 404, "not_found")
    with app.app_context():
        assert db.session.scalar(select(ResourceCompletion)) is None


def test_leaving_keeps_progress_from_activity(app, api, people, excel):
    track_id = make_track(app, people["mod"], steps=[answer_step(2)])
    ann = api.as_user(people["ann"])
    ann.post(f"tracks/{track_id}/enroll")
    make_answer(app, people["ann"], excel, "Group the dates.")
    assert ann.delete(f"tracks/{track_id}/enroll").status_code == 204
    assert ann.get(f"tracks/{track_id}").json["enrollment"] is None
    assert ann.post(f"tracks/{track_id}/enroll").status_code == 201


# --- audience, privacy -----------------------------------------------------------------------------

def test_tracks_for_my_department_are_recommended_first(app, api, people, excel):
    with app.app_context():
        from community.actions import users as user_actions

        user_actions.update_profile(people["ann"], user_actions.ProfileChanges(department="Finance",
                                                                               job_role="Analyst"))
    everyone = make_track(app, people["mod"], title="For everyone", steps=[answer_step()])
    finance = make_track(app, people["mod"], title="Finance analysts", steps=[answer_step()],
                         departments=["finance"], job_roles=["Analyst"])
    sales = make_track(app, people["mod"], title="Sales", steps=[answer_step()], departments=["Sales"])
    ann = api.as_user(people["ann"])
    items = ann.get("tracks").json["items"]
    assert items[0]["id"] == finance and items[0]["recommended"] is True
    assert {t["id"] for t in items} == {everyone, finance, sales}
    assert [t["id"] for t in ann.get("tracks?recommended=1").json["items"]] == [finance]
    assert api.as_user(people["ben"]).get("tracks?recommended=1").json["items"] == []
    assert_error(ann.get("tracks?status=whatever"), 422, "validation_error")


def test_progress_is_only_ever_the_callers_own(app, api, people, excel):
    track_id = make_track(app, people["mod"], steps=[answer_step()])
    api.as_user(people["ann"]).post(f"tracks/{track_id}/enroll")
    make_answer(app, people["ann"], excel, "Pivot options.")
    ben = api.as_user(people["ben"])
    assert ben.get(f"tracks/{track_id}").json["enrollment"] is None
    mine = ben.get(f"tracks/{track_id}/progress").json
    assert mine["enrolled"] is False and mine["done_steps"] == 0
    mod_view = api.as_user(people["mod"]).get(f"tracks/{track_id}/progress").json
    assert mod_view["enrolled"] is False  # moderators see their own progress too, nobody else's



# --- surveys for a track's members ------------------------------------------------------------------

def test_a_survey_can_target_the_members_of_a_track(app, api, people, excel):
    from tests.factories import make_survey

    track_id = make_track(app, people["mod"], title="Excel basics", steps=[answer_step()])
    api.as_user(people["ann"]).post(f"tracks/{track_id}/enroll")
    mod = api.as_user(people["mod"])
    created = mod.post("surveys", json={"title": "How was the track?", "audience": "track",
                                         "track_id": track_id,
                                         "questions": [{"kind": "rating", "prompt": "Overall?"}]})
    assert created.status_code == 201, created.json
    assert created.json["track"] == {"id": track_id, "title": "Excel basics"}
    assert created.json["departments"] == []
    survey_id = created.json["id"]
    assert mod.post(f"surveys/{survey_id}/open").status_code == 200
    assert api.as_user(people["ann"]).get(f"surveys/{survey_id}").status_code == 200
    assert [s["id"] for s in api.as_user(people["ann"]).get("surveys").json["items"]] == [survey_id]
    assert_error(api.as_user(people["ben"]).get(f"surveys/{survey_id}"), 404, "not_found")
    assert api.as_user(people["ben"]).get("surveys").json["items"] == []
    # Only the enrolled member was notified when it opened.
    assert [n.url for n in notes(app, people["ann"], "survey")] == [f"/surveys/{survey_id}"]
    assert notes(app, people["ben"], "survey") == []
    # Other audiences carry no track.
    everyone = make_survey(app, people["mod"])
    assert mod.get(f"surveys/{everyone}").json["track"] is None


@pytest.mark.parametrize("fields", [
    {"audience": "track"},
    {"audience": "track", "track_id": 999999},
    {"audience": "track", "track_id": "one"},
])
def test_a_track_survey_needs_an_existing_track(app, api, people, fields):
    body = {"title": "Track pulse", "questions": [{"kind": "rating", "prompt": "Overall?"}], **fields}
    error = assert_error(api.as_user(people["mod"]).post("surveys", json=body), 422, "validation_error")
    assert "track_id" in error["fields"]
