"""Milestones: progress counted from activity inside the window, reaching once (notification and
badge), manual progress, missed status, privacy, the due-tomorrow reminder, validation, pages."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import event, func, select, update

from community import scheduler
from community.actions import milestones as milestone_actions
from community.actions.progress import Activity, after_activity
from community.db import atomic
from community.extensions import db
from community.models import (
    BadgeAward,
    Milestone,
    Notification,
    Post,
    ResourceCompletion,
    Role,
    SentReminder,
    User,
)
from community.models.base import utcnow
from community.payloads import iso
from community.queries.milestones import milestone_progress
from tests.factories import make_answer, make_thread, make_user, mark_resource_done, share_resource
from tests.support import ApiClient, csrf_token_from, run_together


def create(api: ApiClient, **fields) -> dict:
    body = {"title": "Answer simulation questions", "metric": "answers", "target": 3, **fields}
    response = api.post("milestones", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def notes(app: Flask, user: User, type_: str) -> list[Notification]:
    with app.app_context():
        return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                                  Notification.type == type_)))


def goal_badges(app: Flask, user: User) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(BadgeAward).where(
            BadgeAward.user_id == user.id, BadgeAward.badge_slug == "milestone-reached")) or 0


def shift(app: Flask, model, row_id: int, column: str, moment: datetime, key: str = "id") -> None:
    """Move a timestamp (the only way a test can put activity outside a window or a due date in the past)."""
    with app.app_context(), atomic():
        db.session.execute(update(model).where(getattr(model, key) == row_id).values({column: moment}))


def progress_of(api: ApiClient, milestone_id: int) -> dict:
    response = api.get(f"milestones/{milestone_id}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def people(app: Flask) -> dict[str, User]:
    return {"owner": make_user(app, "olga"), "asker": make_user(app, "ari"),
            "mentor": make_user(app, "mina"), "other": make_user(app, "otto"),
            "mod": make_user(app, "moe", role=Role.MODERATOR)}


# --- automatic progress ------------------------------------------------------------------------

def test_answers_in_the_tag_inside_the_window_count(app, people):
    owner, asker = people["owner"], people["asker"]
    api = ApiClient(app).as_user(owner)
    sim = [make_thread(app, asker, tags=["simulation"]) for _ in range(4)]
    other = make_thread(app, asker, tags=["networking"])
    make_answer(app, owner, sim[0])  # before the milestone's start
    milestone = create(api, tag="simulation", target=5, due_at=iso(utcnow() + timedelta(days=3)))
    assert milestone["progress"] == 0 and milestone["status"] == "active"

    make_answer(app, owner, sim[1])
    make_answer(app, owner, other)  # another tag
    make_answer(app, people["mentor"], sim[2])  # someone else
    make_answer(app, owner, sim[2])
    deleted = make_answer(app, owner, sim[3])
    assert progress_of(api, milestone["id"])["progress"] == 3
    api.delete(f"posts/{deleted.id}")
    assert progress_of(api, milestone["id"])["progress"] == 2
    late = make_answer(app, owner, sim[3])
    shift(app, Post, late.id, "created_at", utcnow() + timedelta(days=4))  # after the due date
    assert progress_of(api, milestone["id"])["progress"] == 2


def test_questions_metric_counts_questions_in_the_tag(app, people):
    owner = people["owner"]
    make_thread(app, people["asker"], tags=["simulation"])  # someone else's question
    api = ApiClient(app).as_user(owner)
    milestone = create(api, metric="questions", tag="simulation", target=2)
    make_thread(app, owner, tags=["simulation", "python"])
    make_thread(app, owner, tags=["python"])
    assert progress_of(api, milestone["id"])["progress"] == 1
    make_thread(app, owner, tags=["simulation"])
    body = progress_of(api, milestone["id"])
    assert body["progress"] == 2 and body["reached"] and body["status"] == "reached"


def complete(app: Flask, user: User, resource_id: int) -> None:
    """What "Mark as done" does: a completion row, then the progress after it commits."""
    with app.app_context(), atomic():
        db.session.add(ResourceCompletion(user_id=user.id, resource_id=resource_id, completed_at=utcnow()))
        db.session.flush()
        after_activity(user.id, Activity.RESOURCE_FINISHED)


def test_resources_finished_count_by_kind(app, people):
    owner, sharer = people["owner"], people["asker"]
    api = ApiClient(app).as_user(owner)
    tips = [share_resource(app, sharer, kind="tip-sheet") for _ in range(3)]
    video = share_resource(app, sharer, kind="video")
    of_kind = create(api, metric="resources_finished", resource_kind="tip-sheet", target=2)
    any_kind = create(api, metric="resources_finished", target=10)
    complete(app, owner, tips[0].id)
    complete(app, owner, video.id)
    assert progress_of(api, of_kind["id"])["progress"] == 1
    assert progress_of(api, any_kind["id"])["progress"] == 2
    complete(app, owner, tips[1].id)
    body = progress_of(api, of_kind["id"])
    assert body["progress"] == 2 and body["status"] == "reached"
    assert [n.subject for n in notes(app, owner, "milestone_reached")] == ["Answer simulation questions"]


def test_mark_as_done_counts_and_reaches_in_its_own_write(app, people):
    owner, sharer = people["owner"], people["asker"]
    api = ApiClient(app).as_user(owner)
    tip = share_resource(app, sharer, kind="tip-sheet")
    milestone = create(api, metric="resources_finished", resource_kind="tip-sheet", target=1)
    mark_resource_done(app, owner, tip)  # the tracks helper's "Mark as done" action
    body = progress_of(api, milestone["id"])
    assert body["progress"] == 1 and body["reached"]
    assert goal_badges(app, owner) == 1


# --- reaching ----------------------------------------------------------------------------------

def test_reached_once_with_one_notification_and_one_badge(app, people, captured_events):
    owner, asker = people["owner"], people["asker"]
    api = ApiClient(app).as_user(owner)
    milestone = create(api, target=2)
    threads = [make_thread(app, asker) for _ in range(4)]
    make_answer(app, owner, threads[0])
    assert not progress_of(api, milestone["id"])["reached"]
    make_answer(app, owner, threads[1])
    first = progress_of(api, milestone["id"])
    assert first["reached"] and first["reached_at"] is not None
    make_answer(app, owner, threads[2])
    make_answer(app, owner, threads[3])
    after = progress_of(api, milestone["id"])
    assert after["reached_at"] == first["reached_at"] and after["progress"] == 4
    reached = notes(app, owner, "milestone_reached")
    assert len(reached) == 1 and reached[0].url == f"/milestones/{milestone['id']}"
    assert goal_badges(app, owner) == 1
    live = [e for e in captured_events if e["type"] == "milestone_progress"]
    assert all(e["channel"] == f"user:{owner.id}" for e in live)
    assert [e["data"]["progress"] for e in live] == [0, 1, 2]  # created, then each answer until reached
    assert live[-1]["data"]["reached"] is True and live[-1]["data"]["status"] == "reached"


def test_an_answer_only_recounts_answer_milestones(app, people, captured_events):
    owner = people["owner"]
    api = ApiClient(app).as_user(owner)
    answers = create(api, metric="answers", target=5)
    create(api, metric="questions", target=5)
    create(api, metric="resources_finished", target=5)
    captured_events.clear()
    make_answer(app, owner, make_thread(app, people["asker"]))
    live = [e["data"] for e in captured_events if e["type"] == "milestone_progress"]
    assert [(m["id"], m["progress"]) for m in live] == [(answers["id"], 1)]


def test_second_reached_milestone_gives_no_second_badge(app, people):
    owner = people["owner"]
    api = ApiClient(app).as_user(owner)
    for _ in range(2):
        milestone = create(api, metric="manual", target=1)
        assert api.put(f"milestones/{milestone['id']}/progress", {"value": 1}).get_json()["reached"]
    assert goal_badges(app, owner) == 1
    assert len(notes(app, owner, "milestone_reached")) == 2


def test_a_milestone_whose_window_already_holds_enough_is_reached_when_created(app, people):
    owner = people["owner"]
    make_thread(app, owner)
    api = ApiClient(app).as_user(owner)
    body = create(api, metric="questions", target=1, starts_at=iso(utcnow() - timedelta(days=1)))
    assert body["reached"] and body["status"] == "reached" and body["progress"] == 1


def test_concurrent_answers_reach_a_milestone_once(threaded_app, ):
    app = threaded_app
    owner, asker = make_user(app, "olga"), make_user(app, "ari")
    milestone = create(ApiClient(app).as_user(owner), target=1)
    threads = [make_thread(app, asker) for _ in range(3)]
    run_together(app, [lambda t=t: make_answer(app, owner, t) for t in threads])
    with app.app_context():
        assert db.session.get(Milestone, milestone["id"]).reached_at is not None
    assert len(notes(app, owner, "milestone_reached")) == 1
    assert goal_badges(app, owner) == 1


# --- manual progress and status ----------------------------------------------------------------

def test_manual_progress(app, people):
    owner = people["owner"]
    api = ApiClient(app).as_user(owner)
    manual = create(api, metric="manual", target=10, title="Read ten chapters")
    response = api.put(f"milestones/{manual['id']}/progress", {"value": 4})
    assert response.status_code == 200 and response.get_json()["progress"] == 4
    assert not response.get_json()["reached"]
    for bad in (-1, "four", True, None, 1.5):
        response = api.put(f"milestones/{manual['id']}/progress", {"value": bad})
        assert response.status_code == 422 and "value" in response.get_json()["error"]["fields"]
    assert api.put(f"milestones/{manual['id']}/progress", {"value": 10}).get_json()["status"] == "reached"
    automatic = create(api)
    response = api.put(f"milestones/{automatic['id']}/progress", {"value": 3})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "not_manual"
    assert progress_of(api, automatic["id"])["progress"] == 0


def test_missed_when_the_due_date_passes_unreached(app, people):
    owner = people["owner"]
    api = ApiClient(app).as_user(owner)
    milestone = create(api, metric="manual", target=5, due_at=iso(utcnow() + timedelta(days=2)))
    shift(app, Milestone, milestone["id"], "starts_at", utcnow() - timedelta(days=3))
    shift(app, Milestone, milestone["id"], "due_at", utcnow() - timedelta(minutes=1))
    assert progress_of(api, milestone["id"])["status"] == "missed"
    response = api.put(f"milestones/{milestone['id']}/progress", {"value": 5})
    assert response.status_code == 409 and progress_of(api, milestone["id"])["status"] == "missed"


def test_a_reached_milestone_keeps_its_measure(app, people):
    owner = people["owner"]
    api = ApiClient(app).as_user(owner)
    milestone = create(api, metric="manual", target=1)
    api.put(f"milestones/{milestone['id']}/progress", {"value": 1})
    assert api.patch(f"milestones/{milestone['id']}", {"target": 5}).status_code == 409
    response = api.patch(f"milestones/{milestone['id']}", {"title": "Renamed goal"})
    assert response.status_code == 200 and response.get_json()["title"] == "Renamed goal"


# --- privacy -----------------------------------------------------------------------------------

def test_privacy_for_every_principal(app, people):
    owner, mentor, other, mod = people["owner"], people["mentor"], people["other"], people["mod"]
    api = ApiClient(app).as_user(owner)
    milestone = create(api)
    mid = milestone["id"]
    response = api.put(f"milestones/{mid}/shares", {"usernames": ["Mina"]})
    assert response.status_code == 200
    assert [u["username"] for u in response.get_json()["shares"]] == ["mina"]
    assert [n.url for n in notes(app, mentor, "milestone_shared")] == [f"/milestones/{mid}"]

    shared_api, other_api, mod_api = (ApiClient(app).as_user(u) for u in (mentor, other, mod))
    anonymous = ApiClient(app)
    assert shared_api.get(f"milestones/{mid}").status_code == 200
    assert [m["id"] for m in shared_api.get("milestones?shared=1").get_json()["items"]] == [mid]
    assert shared_api.get("milestones").get_json()["items"] == []
    for client in (other_api, mod_api):
        assert client.get(f"milestones/{mid}").status_code == 404
        assert client.get("milestones?shared=1").get_json()["total"] == 0
        assert client.patch(f"milestones/{mid}", {"title": "Taken over"}).status_code == 404
        assert client.put(f"milestones/{mid}/shares", {"usernames": []}).status_code == 404
        assert client.delete(f"milestones/{mid}").status_code == 404
    assert shared_api.patch(f"milestones/{mid}", {"title": "Taken over"}).status_code == 403
    assert shared_api.put(f"milestones/{mid}/progress", {"value": 1}).status_code == 403
    assert shared_api.delete(f"milestones/{mid}").status_code == 403
    for path in (f"milestones/{mid}", "milestones"):
        assert anonymous.get(path).status_code == 401
    assert anonymous.delete(f"milestones/{mid}").status_code == 401

    assert api.put(f"milestones/{mid}/shares", {"usernames": []}).status_code == 200
    assert shared_api.get(f"milestones/{mid}").status_code == 404
    assert api.delete(f"milestones/{mid}").status_code == 204
    assert api.get(f"milestones/{mid}").status_code == 404


def test_pages_follow_the_same_privacy(app, people, client, auth):
    owner, mentor = people["owner"], people["mentor"]
    api = ApiClient(app).as_user(owner)
    milestone = create(api, title="Answer five in simulation")
    api.put(f"milestones/{milestone['id']}/shares", {"usernames": ["mina"]})
    private = create(api, title="Private goal only for me")
    auth.login("mina")
    assert client.get(f"/milestones/{private['id']}").status_code == 404
    page = client.get(f"/milestones/{milestone['id']}")
    assert page.status_code == 200 and "Answer five in simulation" in page.get_data(as_text=True)
    assert "Save sharing" not in page.get_data(as_text=True)
    index = client.get("/milestones").get_data(as_text=True)
    assert "Shared with you" in index and "Private goal" not in index
    assert mentor.id


# --- validation --------------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "bad"), [
    ({"metric": "karma"}, "metric"),
    ({"target": 0}, "target"),
    ({"target": 1001}, "target"),
    ({"target": "lots"}, "target"),
    ({"target": True}, "target"),
    ({"title": ""}, "title"),
    ({"title": "a\x00b c"}, "title"),
    ({"tag": "no-such-tag"}, "tag"),
    ({"metric": "manual", "tag": "simulation"}, "tag"),
    ({"metric": "answers", "resource_kind": "video"}, "resource_kind"),
    ({"metric": "resources_finished", "resource_kind": "podcast"}, "resource_kind"),
    ({"due_at": "next friday"}, "due_at"),
    ({"due_at": "2030-01-01T09:00:00"}, "due_at"),  # no offset
    ({"due_at": "2020-01-01T09:00:00Z"}, "due_at"),  # past
    ({"starts_at": "2030-02-01T00:00:00Z", "due_at": "2030-01-01T00:00:00Z"}, "due_at"),
    ({"starts_at": 12}, "starts_at"),
])
def test_validation(app, people, fields, bad):
    make_thread(app, people["asker"], tags=["simulation"])
    api = ApiClient(app).as_user(people["owner"])
    body = {"title": "A fine goal", "metric": "answers", "target": 3, **fields}
    response = api.post("milestones", body)
    assert response.status_code == 422, response.get_json()
    assert bad in response.get_json()["error"]["fields"]


def test_validation_names_every_bad_field_and_shares_are_checked(app, people):
    api = ApiClient(app).as_user(people["owner"])
    response = api.post("milestones", {"title": "", "metric": "answers", "target": -4})
    assert set(response.get_json()["error"]["fields"]) == {"title", "target"}
    assert api.post("milestones", {"title": "No metric"}).status_code == 422
    assert api.post("milestones", ["not", "an", "object"]).status_code == 400
    milestone = create(api)
    for usernames, reason in ((["nobody-here"], "no such user"), (["olga"], "yourself"), ("mina", "list")):
        response = api.put(f"milestones/{milestone['id']}/shares", {"usernames": usernames})
        assert response.status_code == 422 and reason in response.get_json()["error"]["fields"]["usernames"]
    assert api.get("milestones/0").status_code == 404
    assert api.get("milestones?page=x").status_code == 422


def test_valid_milestone_shape(app, people):
    make_thread(app, people["asker"], tags=["simulation"])
    api = ApiClient(app).as_user(people["owner"])
    due = utcnow().replace(microsecond=0) + timedelta(days=5)
    body = create(api, tag="#Simulation", due_at=due.isoformat().replace("+00:00", "+02:00"))
    assert body["tag"] == "simulation" and body["resource_kind"] is None
    assert body["due_at"] == iso(due - timedelta(hours=2))
    assert body["url"] == f"/milestones/{body['id']}" and body["owner"]["username"] == "olga"
    assert set(body) >= {"id", "title", "metric", "target", "progress", "reached", "reached_at",
                         "starts_at", "status", "shares", "created_at", "updated_at"}
    listed = api.get("milestones").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == body["id"]
    assert api.patch(f"milestones/{body['id']}", {"metric": "manual"}).get_json()["tag"] is None


# --- reminders ---------------------------------------------------------------------------------

def test_reminder_the_day_before_due_once(app, people):
    owner = people["owner"]
    api = ApiClient(app).as_user(owner)
    soon = create(api, metric="manual", target=3, due_at=iso(utcnow() + timedelta(hours=20)))
    create(api, metric="manual", target=3, due_at=iso(utcnow() + timedelta(days=3)))  # not yet
    done = create(api, metric="manual", target=1, due_at=iso(utcnow() + timedelta(hours=20)))
    api.put(f"milestones/{done['id']}/progress", {"value": 1})
    assert scheduler.run_due_jobs(app, utcnow())["milestones.due_reminders"] == 1
    assert scheduler.run_due_jobs(app, utcnow())["milestones.due_reminders"] == 0
    reminders = notes(app, owner, "milestone_due_soon")
    assert [n.url for n in reminders] == [f"/milestones/{soon['id']}"]
    assert "0 of 3" in reminders[0].subject


def test_reminder_is_sent_once_by_two_threads(threaded_app):
    app = threaded_app
    owner = make_user(app, "olga")
    create(ApiClient(app).as_user(owner), metric="manual", target=2,
           due_at=iso(utcnow() + timedelta(hours=3)))
    now = utcnow()
    sent = run_together(app, [lambda: milestone_actions.send_due_reminders(now)] * 2)
    assert sorted(sent) == [0, 1]
    assert len(notes(app, owner, "milestone_due_soon")) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SentReminder)) == 1


# --- batched progress --------------------------------------------------------------------------

def test_progress_of_many_milestones_takes_a_fixed_number_of_queries(app, people):
    owner = people["owner"]
    make_thread(app, people["asker"], tags=["simulation"])
    api = ApiClient(app).as_user(owner)

    def counted(n: int) -> int:
        for i in range(n):
            create(api, metric=("answers", "questions", "resources_finished", "manual")[i % 4],
                   tag="simulation" if i % 4 < 2 and i % 3 else None)
        seen: list[str] = []
        with app.app_context():
            milestones = list(db.session.scalars(select(Milestone)))
            engine = db.engine
            record = lambda *args: seen.append(args[2])  # noqa: E731 - the statement
            event.listen(engine, "before_cursor_execute", record)
            try:
                progress = milestone_progress(milestones)
            finally:
                event.remove(engine, "before_cursor_execute", record)
            assert set(progress) == {m.id for m in milestones}
        return len(seen)

    assert counted(4) == 3
    assert counted(40) == 3  # 44 milestones of four metrics: still one query per automatic metric
    assert api.get("milestones?per_page=100").get_json()["total"] == 44


# --- pages -------------------------------------------------------------------------------------

def test_the_guided_form_creates_a_milestone_without_javascript(app, people, client, auth):
    make_thread(app, people["asker"], tags=["simulation"])
    auth.login("olga")
    page = client.get("/milestones/new").get_data(as_text=True)
    assert "What will you measure?" in page and 'name="tag"' in page and 'name="resource_kind"' in page
    token = csrf_token_from(page)
    bad = client.post("/milestones/new", data={"csrf_token": token, "title": "x", "metric": "answers",
                                               "target": "0"})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    due = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    # The kind field is filled in but belongs to another metric: the form ignores it.
    response = client.post("/milestones/new", data={
        "csrf_token": token, "title": "Answer in simulation", "metric": "answers", "tag": "simulation",
        "resource_kind": "video", "target": "2", "due_at": due})
    assert response.status_code == 302
    milestone_id = int(response.headers["Location"].rsplit("/", 1)[1])
    detail = client.get(f"/milestones/{milestone_id}").get_data(as_text=True)
    assert "Answers in #simulation" in detail and "0</strong> of 2" in detail
    index = client.get("/milestones").get_data(as_text=True)
    assert "Answer in simulation" in index and "js/milestones.js" in index
    assert 'href="/milestones"' in client.get("/").get_data(as_text=True)  # the account menu


def test_manual_progress_sharing_and_delete_through_the_page(app, people, client, auth):
    api = ApiClient(app).as_user(people["owner"])
    manual = create(api, metric="manual", target=4, title="Read four chapters")
    auth.login("olga")
    page = client.get(f"/milestones/{manual['id']}").get_data(as_text=True)
    token = csrf_token_from(page)
    assert client.post(f"/milestones/{manual['id']}/progress",
                       data={"csrf_token": token, "value": "3"}).status_code == 302
    assert progress_of(api, manual["id"])["progress"] == 3
    assert client.post(f"/milestones/{manual['id']}/progress",
                       data={"csrf_token": token, "value": "lots"}).status_code == 422
    assert client.post(f"/milestones/{manual['id']}/progress",  # a digit to str.isdigit, not to int
                       data={"csrf_token": token, "value": "²"}).status_code == 422
    assert client.post(f"/milestones/{manual['id']}/shares",
                       data={"csrf_token": token, "usernames": "mina, otto"}).status_code == 302
    assert len(progress_of(api, manual["id"])["shares"]) == 2
    assert client.post(f"/milestones/{manual['id']}/shares",
                       data={"csrf_token": token, "usernames": "ghost"}).status_code == 422
    assert client.post(f"/milestones/{manual['id']}/delete", data={"csrf_token": token}).status_code == 302
    assert api.get(f"milestones/{manual['id']}").status_code == 404


def test_the_owner_edits_a_milestone_through_the_page(app, people, client, auth):
    api = ApiClient(app).as_user(people["owner"])
    due = (utcnow() + timedelta(days=3)).replace(second=17)
    milestone = create(api, title="Answer three", target=3, due_at=due.isoformat())
    auth.login("olga")
    detail = client.get(f"/milestones/{milestone['id']}").get_data(as_text=True)
    assert f'href="/milestones/{milestone["id"]}/edit"' in detail
    page = client.get(f"/milestones/{milestone['id']}/edit").get_data(as_text=True)
    assert 'value="Answer three"' in page and 'value="3"' in page
    assert f'value="{due.strftime("%Y-%m-%dT%H:%M")}"' in page  # the due time, as the form shows it
    starts = re.search(r'name="starts_at"[^>]*value="([^"]*)"', page)[1]
    form = {"csrf_token": csrf_token_from(page), "title": "Answer five in simulation", "metric": "answers",
            "tag": "", "target": "5", "starts_at": starts, "due_at": due.strftime("%Y-%m-%dT%H:%M")}
    assert client.post(f"/milestones/{milestone['id']}/edit", data=form).status_code == 302
    saved = progress_of(api, milestone["id"])
    assert saved["title"] == "Answer five in simulation" and saved["target"] == 5
    # Shown to the minute and sent back unchanged, the times are kept to the second.
    assert saved["due_at"] == milestone["due_at"] and saved["starts_at"] == milestone["starts_at"]
    bad = client.post(f"/milestones/{milestone['id']}/edit", data={**form, "target": "0"})
    assert bad.status_code == 422 and 'value="Answer five in simulation"' in bad.get_data(as_text=True)


def test_a_reached_milestone_only_takes_a_new_title_and_others_cannot_edit(app, people, client, auth):
    api = ApiClient(app).as_user(people["owner"])
    milestone = create(api, metric="manual", target=1, title="One thing")
    api.put(f"milestones/{milestone['id']}/progress", {"value": 1})
    assert progress_of(api, milestone["id"])["reached"]
    auth.login("olga")
    page = client.get(f"/milestones/{milestone['id']}/edit").get_data(as_text=True)
    assert "only its title can change" in page
    starts = re.search(r'name="starts_at"[^>]*value="([^"]*)"', page)[1]
    form = {"csrf_token": csrf_token_from(page), "title": "One thing, done", "metric": "manual",
            "target": "1", "starts_at": starts, "due_at": ""}
    assert client.post(f"/milestones/{milestone['id']}/edit", data=form).status_code == 302
    assert progress_of(api, milestone["id"])["title"] == "One thing, done"
    refused = client.post(f"/milestones/{milestone['id']}/edit", data={**form, "target": "2"})
    assert refused.status_code == 409 and "only its title can change" in refused.get_data(as_text=True)
    assert client.post("/milestones/999999/edit", data=form).status_code == 404
    api.put(f"milestones/{milestone['id']}/shares", {"usernames": ["mina"]})
    auth.logout()
    auth.login("mina")  # shared with her: she reads it, but may not change it
    assert client.get(f"/milestones/{milestone['id']}/edit").status_code == 403


def test_suspended_owner_cannot_write(app, people):
    owner = people["owner"]
    api = ApiClient(app).as_user(owner)
    milestone = create(api, metric="manual")
    with app.app_context(), atomic():
        db.session.execute(update(User).where(User.id == owner.id)
                           .values(suspended_until=utcnow() + timedelta(days=1)))
    assert api.put(f"milestones/{milestone['id']}/progress", {"value": 1}).status_code == 403
    assert api.post("milestones", {"title": "Another", "metric": "manual", "target": 1}).status_code == 403
