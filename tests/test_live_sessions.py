"""Scheduled live training sessions through the API: scheduling, times and zones, RSVPs and the
waitlist, joining, cancelling, editing, the attendee list and the two scheduled jobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from community.actions import live_session_jobs as session_jobs
from community.extensions import db
from community.models import LiveSession, LiveSessionRsvp, Notification, Poll, Role, SentReminder
from community.models.base import utcnow
from tests.factories import make_room, make_user, schedule_live_session, share_resource
from tests.support import ISO_UTC, USER_FIELDS, assert_error

SESSION_FIELDS = {"id", "title", "description", "description_html", "host", "starts_at", "ends_at",
                  "timezone", "starts_at_local", "duration_minutes", "capacity", "going_count",
                  "waitlist_count", "my_rsvp", "attended", "state", "room", "resources", "url"}


def future_local(days: int = 30, hour: int = 15) -> str:
    """A wall-clock time ``days`` ahead, on the hour (never in a DST gap at 15:00)."""
    day = (utcnow() + timedelta(days=days)).date()
    return f"{day.isoformat()}T{hour:02d}:00"


def move_start(app, session_id: int, starts_in: timedelta) -> None:
    """Time passes: the session now starts ``starts_in`` from now (negative: it started)."""
    with app.app_context():
        db.session.execute(update(LiveSession).where(LiveSession.id == session_id)
                           .values(starts_at=utcnow() + starts_in))
        db.session.commit()


def notifications_of(app, user, type_: str) -> list[Notification]:
    with app.app_context():
        rows = list(db.session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.type == type_)))
        db.session.expunge_all()
    return rows


@pytest.fixture
def people(app):
    return {"mod": make_user(app, role=Role.MODERATOR), "host": make_user(app),
            "ann": make_user(app), "bob": make_user(app), "cid": make_user(app)}


# --- scheduling -----------------------------------------------------------------------------------


def test_moderator_schedules_a_session_in_a_time_zone(app, api, people):
    guide = share_resource(app, people["ann"], title="Discovery questions cheat sheet")
    local = future_local()
    response = api.as_user(people["mod"]).post("live-sessions", json={
        "title": "Objection handling clinic", "description": "Bring **real** objections.",
        "host": people["host"].username, "starts_at_local": local, "timezone": "Europe/Berlin",
        "duration_minutes": 90, "capacity": 12, "resources": [guide.id]})
    assert response.status_code == 201, response.json
    body = response.json
    assert body.keys() >= SESSION_FIELDS
    assert body["host"].keys() >= USER_FIELDS and body["host"]["username"] == people["host"].username
    expected = datetime.fromisoformat(local).replace(
        tzinfo=__import__("zoneinfo").ZoneInfo("Europe/Berlin")).astimezone(UTC)
    assert body["starts_at"] == expected.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert ISO_UTC.match(body["ends_at"])
    assert body["starts_at_local"].startswith(local) and body["starts_at_local"][-6:] in ("+01:00", "+02:00")
    assert body["timezone"] == "Europe/Berlin"
    assert body["description_html"] == "<p>Bring <strong>real</strong> objections.</p>\n"
    assert (body["state"], body["my_rsvp"], body["attended"]) == ("upcoming", None, False)
    assert (body["going_count"], body["waitlist_count"], body["capacity"]) == (0, 0, 12)
    assert body["url"] == f"/sessions/{body['id']}"
    # No room named: one is opened for the session, public, titled after it.
    assert body["room"]["url"] == f"/rooms/{body['room']['slug']}"
    room = api.get(f"rooms/{body['room']['slug']}").json
    assert room["title"] == "Objection handling clinic" and room["private"] is False
    assert body["resources"] == [{"id": guide.id, "title": "Discovery questions cheat sheet",
                                  "url": guide.url, "page_url": f"/resources/{guide.id}"}]
    assert api.get(f"live-sessions/{body['id']}").json["title"] == "Objection handling clinic"
    assert len(notifications_of(app, people["host"], "live_session_host")) == 1


def test_session_can_use_an_existing_public_room_and_an_offset_start(app, api, people):
    room = make_room(app, people["mod"], "Sales bootcamp room")
    response = api.as_user(people["mod"]).post("live-sessions", json={
        "title": "Pipeline review", "starts_at": "2031-06-01T09:30:00-04:00", "room": room.slug})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["starts_at"] == "2031-06-01T13:30:00.000Z"
    assert (body["timezone"], body["starts_at_local"]) == ("UTC", "2031-06-01T13:30:00+00:00")
    assert body["room"]["slug"] == room.slug and body["duration_minutes"] == 60
    assert body["host"]["username"] == people["mod"].username  # the scheduler hosts by default


def test_only_moderators_schedule(app, api, people):
    payload = {"title": "Members cannot do this", "starts_at_local": future_local(), "timezone": "UTC"}
    assert_error(api.as_user(people["ann"]).post("live-sessions", json=payload), 403, "forbidden")
    assert_error(api.post("live-sessions", json=payload), 401, "unauthorized")


@pytest.mark.parametrize(("change", "field"), [
    ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ({"timezone": "posixrules"}, "timezone"),
    ({"timezone": None}, "timezone"),
    ({"starts_at_local": "next tuesday"}, "starts_at_local"),
    ({"starts_at_local": "2027-03-28T02:30"}, "starts_at_local"),  # clocks skip 02:00-03:00 in Berlin
    ({"starts_at_local": "2027-10-31T02:30"}, "starts_at_local"),  # 02:00-03:00 happens twice
    ({"starts_at_local": "2020-01-01T10:00"}, "starts_at"),  # in the past
    ({"starts_at_local": None, "starts_at": "2031-01-01T10:00:00"}, "starts_at"),  # no offset
    ({"starts_at": "2031-01-01T10:00:00Z"}, "starts_at"),  # both forms
    ({"duration_minutes": 10}, "duration_minutes"),
    ({"duration_minutes": 481}, "duration_minutes"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": 10_001}, "capacity"),
    ({"title": "Hi"}, "title"),
    ({"title": "Bad \x00 title here"}, "title"),
    ({"host": "nobody-by-that-name"}, "host"),
    ({"room": "no-such-room"}, "room"),
    ({"resources": [987654]}, "resources"),
    ({"resources": "1,2"}, "resources"),
])
def test_bad_schedules_are_422_naming_the_field(app, api, people, change, field):
    payload = {"title": "A valid session title", "starts_at_local": future_local(),
               "timezone": "Europe/Berlin", **change}
    payload = {key: value for key, value in payload.items() if value is not None}
    response = api.as_user(people["mod"]).post("live-sessions", json=payload)
    error = assert_error(response, 422, "validation_error")
    assert field in error["fields"], error


def test_dst_refusals_explain_themselves(app, api, people):
    mod = api.as_user(people["mod"])
    gap = mod.post("live-sessions", json={"title": "Spring forward", "starts_at_local": "2027-03-28T02:30",
                                          "timezone": "Europe/Berlin"}).json["error"]
    assert "does not exist" in gap["fields"]["starts_at_local"]
    fold = mod.post("live-sessions", json={"title": "Fall back", "starts_at_local": "2027-10-31T02:30",
                                           "timezone": "Europe/Berlin"}).json["error"]
    assert "happens twice" in fold["fields"]["starts_at_local"]
    edge = mod.post("live-sessions", json={"title": "Year one", "starts_at_local": "0001-01-01T00:00",
                                           "timezone": "Asia/Tokyo"})
    assert edge.status_code == 422 and "out of range" in edge.json["error"]["fields"]["starts_at_local"]


def test_private_or_archived_room_is_refused(app, api, people):
    private = make_room(app, people["mod"], "Secret planning", private=True)
    response = api.as_user(people["mod"]).post("live-sessions", json={
        "title": "Needs a public room", "starts_at_local": future_local(), "timezone": "UTC",
        "room": private.slug})
    assert "public" in assert_error(response, 422, "validation_error")["fields"]["room"]


def test_non_json_and_wrong_types_are_4xx(app, api, people):
    mod = api.as_user(people["mod"])
    assert_error(mod.post("live-sessions", data="[1]", content_type="application/json"), 400, "bad_request")
    response = mod.post("live-sessions", json={"title": "Typed wrong", "starts_at_local": future_local(),
                                               "timezone": "UTC", "capacity": "lots"})
    assert_error(response, 422, "validation_error")
    assert_error(api.get("live-sessions/99999999999"), 404, "not_found")
    assert_error(api.get("live-sessions", query_string={"page": "x"}), 422, "validation_error")
    assert_error(api.get("live-sessions", query_string={"past": "maybe"}), 422, "validation_error")


# --- RSVPs and the waitlist -----------------------------------------------------------------------


def test_rsvp_fills_seats_then_waitlists_in_order_and_promotes(app, api, people):
    session = schedule_live_session(app, people["mod"], capacity=1)
    ann, bob, cid = (api.as_user(people[name]) for name in ("ann", "bob", "cid"))
    first = ann.put(f"live-sessions/{session.id}/rsvp")
    assert first.status_code == 200 and first.json["my_rsvp"] == "going"
    assert first.json["seats_left"] == 0
    assert ann.put(f"live-sessions/{session.id}/rsvp").json["going_count"] == 1  # again: no change
    second = bob.put(f"live-sessions/{session.id}/rsvp").json
    third = cid.put(f"live-sessions/{session.id}/rsvp").json
    assert (second["my_rsvp"], second["waitlist_position"]) == ("waitlisted", 1)
    assert (third["my_rsvp"], third["waitlist_position"]) == ("waitlisted", 2)
    assert (third["going_count"], third["waitlist_count"]) == (1, 2)

    assert ann.delete(f"live-sessions/{session.id}/rsvp").status_code == 204
    assert bob.get(f"live-sessions/{session.id}").json["my_rsvp"] == "going"  # first in line moved up
    assert cid.get(f"live-sessions/{session.id}").json["waitlist_position"] == 1
    assert len(notifications_of(app, people["bob"], "live_session_seat")) == 1
    assert notifications_of(app, people["cid"], "live_session_seat") == []
    assert ann.delete(f"live-sessions/{session.id}/rsvp").status_code == 204  # nothing left to withdraw


def test_raising_the_capacity_promotes_the_waitlist(app, api, people):
    session = schedule_live_session(app, people["mod"], capacity=1, host=people["host"].username)
    for name in ("ann", "bob", "cid"):
        api.as_user(people[name]).put(f"live-sessions/{session.id}/rsvp")
    body = api.as_user(people["host"]).patch(f"live-sessions/{session.id}", json={"capacity": 2}).json
    assert (body["going_count"], body["waitlist_count"]) == (2, 1)
    body = api.as_user(people["host"]).patch(f"live-sessions/{session.id}", json={"capacity": None}).json
    assert (body["going_count"], body["waitlist_count"], body["capacity"]) == (3, 0, None)


def test_rsvp_closed_for_cancelled_and_ended_sessions(app, api, people):
    cancelled = schedule_live_session(app, people["mod"])
    api.as_user(people["ann"]).put(f"live-sessions/{cancelled.id}/rsvp")
    response = api.as_user(people["mod"]).post(f"live-sessions/{cancelled.id}/cancel")
    assert response.status_code == 200 and response.json["state"] == "cancelled"
    assert len(notifications_of(app, people["ann"], "live_session_cancelled")) == 1
    assert_error(api.as_user(people["bob"]).put(f"live-sessions/{cancelled.id}/rsvp"), 409,
                 "session_cancelled")
    assert_error(api.as_user(people["ann"]).delete(f"live-sessions/{cancelled.id}/rsvp"), 409,
                 "session_cancelled")
    assert_error(api.as_user(people["mod"]).post(f"live-sessions/{cancelled.id}/cancel"), 409,
                 "session_cancelled")

    ended = schedule_live_session(app, people["mod"])
    move_start(app, ended.id, -timedelta(hours=3))
    assert api.get(f"live-sessions/{ended.id}").json["state"] == "ended"
    assert_error(api.as_user(people["bob"]).put(f"live-sessions/{ended.id}/rsvp"), 409, "session_ended")
    late_edit = api.as_user(people["mod"]).patch(f"live-sessions/{ended.id}", json={"title": "Too late now"})
    assert_error(late_edit, 409, "session_ended")
    assert_error(api.put(f"live-sessions/{ended.id}/rsvp"), 401, "unauthorized")


# --- joining --------------------------------------------------------------------------------------


def test_join_opens_ten_minutes_before_and_marks_attendance(app, api, people):
    session = schedule_live_session(app, people["mod"], capacity=2)
    ann, bob, cid = (api.as_user(people[name]) for name in ("ann", "bob", "cid"))
    ann.put(f"live-sessions/{session.id}/rsvp")
    assert_error(ann.post(f"live-sessions/{session.id}/attend"), 409, "session_not_started")

    move_start(app, session.id, timedelta(minutes=9))
    joined = ann.post(f"live-sessions/{session.id}/attend")
    assert joined.status_code == 200, joined.json
    assert joined.json["room_url"] == session_room_url(api, session.id)
    assert ISO_UTC.match(joined.json["attended_at"]) and joined.json["session"]["attended"] is True
    # Not RSVP'd, but a seat is free: in, and now going.
    assert bob.post(f"live-sessions/{session.id}/attend").json["session"]["my_rsvp"] == "going"
    assert_error(cid.post(f"live-sessions/{session.id}/attend"), 409, "session_full")

    move_start(app, session.id, -timedelta(minutes=30))
    assert api.get(f"live-sessions/{session.id}").json["state"] == "live"
    again = ann.post(f"live-sessions/{session.id}/attend").json
    assert again["attended_at"] == joined.json["attended_at"]  # the first join counts

    move_start(app, session.id, -timedelta(minutes=61))
    assert_error(ann.post(f"live-sessions/{session.id}/attend"), 409, "session_ended")


def session_room_url(api, session_id: int) -> str:
    return api.get(f"live-sessions/{session_id}").json["room"]["url"]


def test_attendees_list_is_for_the_host_and_moderators(app, api, people):
    session = schedule_live_session(app, people["mod"], capacity=1, host=people["host"].username)
    api.as_user(people["ann"]).put(f"live-sessions/{session.id}/rsvp")
    api.as_user(people["bob"]).put(f"live-sessions/{session.id}/rsvp")
    move_start(app, session.id, timedelta(minutes=5))
    api.as_user(people["ann"]).post(f"live-sessions/{session.id}/attend")
    body = api.as_user(people["host"]).get(f"live-sessions/{session.id}/attendees").json
    assert [r["user"]["username"] for r in body["going"]] == [people["ann"].username]
    assert [r["user"]["username"] for r in body["waitlisted"]] == [people["bob"].username]
    assert [r["user"]["username"] for r in body["attended"]] == [people["ann"].username]
    assert api.as_user(people["mod"]).get(f"live-sessions/{session.id}/attendees").status_code == 200
    assert_error(api.as_user(people["ann"]).get(f"live-sessions/{session.id}/attendees"), 403, "forbidden")
    assert_error(api.get(f"live-sessions/{session.id}/attendees"), 401, "unauthorized")


# --- editing and cancelling -----------------------------------------------------------------------


def test_host_edits_and_a_new_time_notifies_everyone_rsvpd(app, api, people):
    session = schedule_live_session(app, people["mod"], host=people["host"].username)
    api.as_user(people["ann"]).put(f"live-sessions/{session.id}/rsvp")
    local = future_local(days=40, hour=9)
    response = api.as_user(people["host"]).patch(f"live-sessions/{session.id}", json={
        "title": "Renamed session", "starts_at_local": local, "timezone": "America/New_York",
        "duration_minutes": 30, "description": "New *agenda*"})
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["title"], body["timezone"], body["duration_minutes"]) == ("Renamed session",
                                                                          "America/New_York", 30)
    assert body["starts_at_local"].startswith(local)
    assert body["description_html"] == "<p>New <em>agenda</em></p>\n"
    assert len(notifications_of(app, people["ann"], "live_session_rescheduled")) == 1
    # A zone alone keeps the moment and shows it in the new zone.
    moved = api.as_user(people["host"]).patch(f"live-sessions/{session.id}",
                                              json={"timezone": "Asia/Tokyo"}).json
    assert moved["starts_at"] == body["starts_at"] and moved["timezone"] == "Asia/Tokyo"
    assert len(notifications_of(app, people["ann"], "live_session_rescheduled")) == 1


def test_others_cannot_edit_or_cancel(app, api, people):
    session = schedule_live_session(app, people["mod"], host=people["host"].username)
    ann = api.as_user(people["ann"])
    assert_error(ann.patch(f"live-sessions/{session.id}", json={"title": "Hijacked title"}), 403, "forbidden")
    assert_error(ann.post(f"live-sessions/{session.id}/cancel"), 403, "forbidden")
    assert_error(ann.patch("live-sessions/424242", json={"title": "Nothing here"}), 404, "not_found")
    assert api.as_user(people["host"]).post(f"live-sessions/{session.id}/cancel").status_code == 200


# --- lists ----------------------------------------------------------------------------------------


def test_list_upcoming_soonest_first_and_past_latest_first(app, api, people):
    later = schedule_live_session(app, people["mod"], hours_ahead=72)
    sooner = schedule_live_session(app, people["mod"], hours_ahead=24)
    running = schedule_live_session(app, people["mod"], hours_ahead=30)
    move_start(app, running.id, -timedelta(minutes=20))
    old, older = (schedule_live_session(app, people["mod"]) for _ in range(2))
    move_start(app, old.id, -timedelta(days=1))
    move_start(app, older.id, -timedelta(days=2))
    upcoming = api.get("live-sessions").json
    assert [item["id"] for item in upcoming["items"]] == [running.id, sooner.id, later.id]
    assert (upcoming["total"], upcoming["page"], upcoming["per_page"]) == (3, 1, 20)
    past = api.get("live-sessions", query_string={"past": "1"}).json
    assert [item["id"] for item in past["items"]] == [old.id, older.id]
    second_page = api.get("live-sessions", query_string={"per_page": 2, "page": 2}).json
    assert [item["id"] for item in second_page["items"]] == [later.id] and second_page["total"] == 3


# --- scheduled jobs -------------------------------------------------------------------------------


def test_reminders_go_once_to_people_going_within_their_window(app, api, people):
    session = schedule_live_session(app, people["mod"], hours_ahead=48, capacity=1)
    api.as_user(people["ann"]).put(f"live-sessions/{session.id}/rsvp")
    api.as_user(people["bob"]).put(f"live-sessions/{session.id}/rsvp")  # waitlisted: no reminders
    with app.app_context():
        assert session_jobs.send_due_reminders(utcnow()) == 0  # two days ahead: nothing due
    move_start(app, session.id, timedelta(hours=23, minutes=30))
    with app.app_context():
        assert session_jobs.send_due_reminders(utcnow()) == 1
        assert session_jobs.send_due_reminders(utcnow()) == 0  # claimed already
    move_start(app, session.id, timedelta(minutes=14))
    with app.app_context():
        assert session_jobs.send_due_reminders(utcnow()) == 1
        assert session_jobs.send_due_reminders(utcnow()) == 0
    assert sorted(n.subject for n in notifications_of(app, people["ann"], "live_session_reminder")) == [
        f"{session.title} starts in 15 minutes", f"{session.title} starts in 24 hours"]
    assert notifications_of(app, people["bob"], "live_session_reminder") == []


def test_reminders_whose_time_has_passed_are_skipped(app, api, people):
    late = schedule_live_session(app, people["mod"], hours_ahead=2)  # scheduled 2 hours ahead
    api.as_user(people["ann"]).put(f"live-sessions/{late.id}/rsvp")
    started = schedule_live_session(app, people["mod"])
    api.as_user(people["ann"]).put(f"live-sessions/{started.id}/rsvp")
    move_start(app, started.id, -timedelta(minutes=1))
    cancelled = schedule_live_session(app, people["mod"], hours_ahead=0.1)
    api.as_user(people["ann"]).put(f"live-sessions/{cancelled.id}/rsvp")
    api.as_user(people["mod"]).post(f"live-sessions/{cancelled.id}/cancel")
    with app.app_context():
        # Not "in 24 hours" for a session 2 hours away, nothing for one under way or called off.
        assert session_jobs.send_due_reminders(utcnow()) == 0
        assert db.session.scalar(select(func.count(SentReminder.id))) == 0


def test_feedback_poll_goes_to_attendees_once_after_the_end(app, api, people):
    session = schedule_live_session(app, people["mod"], host=people["host"].username, duration_minutes=30)
    for name in ("ann", "bob"):
        api.as_user(people[name]).put(f"live-sessions/{session.id}/rsvp")
    move_start(app, session.id, -timedelta(minutes=5))
    api.as_user(people["ann"]).post(f"live-sessions/{session.id}/attend")  # bob never came
    with app.app_context():
        assert session_jobs.send_due_feedback(utcnow()) == 0  # still running
    move_start(app, session.id, -timedelta(minutes=31))
    with app.app_context():
        assert session_jobs.send_due_feedback(utcnow()) == 1
        assert session_jobs.send_due_feedback(utcnow()) == 0
        poll = db.session.scalar(select(Poll).where(Poll.live_session_id == session.id))
        assert poll is not None and poll.author_id == people["host"].id
        assert [option.label for option in poll.options] == session_jobs.FEEDBACK_OPTIONS
        assert poll.closes_at > utcnow() + timedelta(days=6)
        assert db.session.get(LiveSession, session.id).feedback_sent_at is not None
    notes = notifications_of(app, people["ann"], "live_session_feedback")
    assert [n.url for n in notes] == [f"/sessions/{session.id}#feedback"]
    assert notifications_of(app, people["bob"], "live_session_feedback") == []


def test_no_feedback_for_cancelled_sessions(app, api, people):
    session = schedule_live_session(app, people["mod"])
    api.as_user(people["mod"]).post(f"live-sessions/{session.id}/cancel")
    move_start(app, session.id, -timedelta(hours=5))
    with app.app_context():
        assert session_jobs.send_due_feedback(utcnow()) == 0
        assert db.session.scalar(select(func.count(LiveSessionRsvp.id))) == 0
        assert db.session.get(LiveSession, session.id).feedback_sent_at is None


def test_demo_community_has_an_upcoming_session(app, api):
    from community.demo import seed_demo

    with app.app_context():
        assert seed_demo() is True
        assert seed_demo() is False  # still idempotent: no second session
    items = api.get("live-sessions").json["items"]
    assert len(items) == 1
    demo = items[0]
    assert demo["host"]["username"] == "marcus" and demo["timezone"] == "Europe/Berlin"
    assert demo["starts_at_local"][11:16] == "15:00" and demo["going_count"] == 2
    assert [r["title"] for r in demo["resources"]] == ["XLOOKUP function"]


def test_the_session_channel_carries_rsvp_counts_to_its_readers(app, api, people):
    from tests.test_sockets import connect, received

    session = schedule_live_session(app, people["mod"], capacity=1)
    reader = connect(app, people["cid"])
    ack = reader.emit("join", {"channel": f"live_session:{session.id}"}, callback=True)
    assert ack["ok"] and ack["presence"] == []  # reading the page is not being in its room
    received(reader)
    api.as_user(people["ann"]).put(f"live-sessions/{session.id}/rsvp")
    api.as_user(people["bob"]).put(f"live-sessions/{session.id}/rsvp")
    updates = [e["data"] for e in received(reader, "live_session_updated")]
    counts = [(u["going_count"], u["waitlist_count"], u["seats_left"]) for u in updates]
    assert counts == [(1, 0, 0), (1, 1, 0)]
    assert all(u["my_rsvp"] is None for u in updates)  # nobody's own RSVP goes to everyone
    refused = reader.emit("join", {"channel": "live_session:999999"}, callback=True)
    assert refused["ok"] is False
