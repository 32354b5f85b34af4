"""The live session pages: schedule, session page, forms and buttons, without JavaScript."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from community.extensions import db
from community.models import LiveSession, Role
from community.models.base import utcnow
from tests.factories import make_user, schedule_live_session, share_resource
from tests.support import csrf_token_from


def move_start(app, session_id: int, starts_in: timedelta) -> None:
    with app.app_context():
        db.session.execute(update(LiveSession).where(LiveSession.id == session_id)
                           .values(starts_at=utcnow() + starts_in))
        db.session.commit()


def login(client, auth, user) -> str:
    auth.login(user.username)
    return csrf_token_from(client.get("/sessions").get_data(as_text=True))


def test_schedule_page_lists_upcoming_and_past_with_a_nav_link(app, client):
    mod = make_user(app, role=Role.MODERATOR)
    upcoming = schedule_live_session(app, mod, title="Negotiation warm-up")
    ended = schedule_live_session(app, mod, title="Last week's CRM clinic")
    move_start(app, ended.id, -timedelta(days=7))
    page = client.get("/sessions").get_data(as_text=True)
    assert 'href="/sessions"' in page and ">Sessions</a>" in page
    assert "Negotiation warm-up" in page and "Last week&#39;s CRM clinic" not in page
    assert f'href="/sessions/{upcoming.id}"' in page
    assert "Schedule a session" not in page  # anonymous readers can't schedule
    past = client.get("/sessions?past=1").get_data(as_text=True)
    assert "Last week&#39;s CRM clinic" in past and "Negotiation warm-up" not in past


def test_moderator_schedules_through_the_form_and_errors_keep_the_input(app, client, auth):
    mod = make_user(app, role=Role.MODERATOR)
    guide = share_resource(app, mod, title="Pricing guide")
    token = login(client, auth, mod)
    assert "Schedule a session" in client.get("/sessions").get_data(as_text=True)
    assert client.get("/sessions/new").status_code == 200
    day = (utcnow() + timedelta(days=20)).date().isoformat()
    form = {"csrf_token": token, "title": "Pricing deep dive", "description": "Bring *questions*",
            "starts_at_local": f"{day}T15:00", "timezone": "Mars/Base", "duration_minutes": "45",
            "capacity": "", "room": "", "resources": f"/resources/{guide.id}", "host": ""}
    refused = client.post("/sessions/new", data=form)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "is not a known IANA time zone" in html and 'value="Pricing deep dive"' in html
    created = client.post("/sessions/new", data={**form, "timezone": "Europe/Berlin"})
    assert created.status_code == 302
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "Pricing deep dive" in page and "<em>questions</em>" in page and "Pricing guide" in page
    assert "(Europe/Berlin)" in page and "Host tools" in page
    assert client.post("/sessions/new", data={**form, "duration_minutes": "soon"}).status_code == 422


def test_members_cannot_open_the_schedule_form(app, client, auth):
    member = make_user(app)
    login(client, auth, member)
    assert client.get("/sessions/new").status_code == 403


def test_rsvp_join_and_cancel_buttons(app, client, auth):
    mod, ann = make_user(app, role=Role.MODERATOR), make_user(app)
    session = schedule_live_session(app, mod, capacity=5)
    token = login(client, auth, ann)
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "RSVP: I&#39;m going" in page and "Join the live room" not in page
    assert client.post(f"/sessions/{session.id}/rsvp", data={"csrf_token": token}).status_code == 302
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "You're going" in page and "1 of 5 seats taken" in page
    refused = client.post(f"/sessions/{session.id}/attend", data={"csrf_token": token})
    assert refused.status_code == 409 and "opens 10 minutes before" in refused.get_data(as_text=True)

    move_start(app, session.id, timedelta(minutes=5))
    assert "Join the live room" in client.get(f"/sessions/{session.id}").get_data(as_text=True)
    joined = client.post(f"/sessions/{session.id}/attend", data={"csrf_token": token})
    assert joined.status_code == 302 and joined.headers["Location"].startswith("/rooms/")

    withdrawn = client.post(f"/sessions/{session.id}/rsvp", data={"csrf_token": token, "going": "0"})
    assert withdrawn.status_code == 302
    assert "RSVP: I&#39;m going" in client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert client.post(f"/sessions/{session.id}/cancel", data={"csrf_token": token}).status_code == 403


def test_host_edits_and_cancels_from_the_page(app, client, auth):
    mod, host = make_user(app, role=Role.MODERATOR), make_user(app)
    session = schedule_live_session(app, mod, host=host.username)
    token = login(client, auth, host)
    form_page = client.get(f"/sessions/{session.id}/edit").get_data(as_text=True)
    assert f'value="{host.username}"' in form_page
    values = {"csrf_token": token, "title": "A better title", "description": "", "host": host.username,
              "starts_at_local": "", "timezone": "UTC", "duration_minutes": "30", "capacity": "8",
              "room": "", "resources": ""}
    assert client.post(f"/sessions/{session.id}/edit", data=values).status_code == 302
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "A better title" in page and "30 minutes" in page
    assert client.post(f"/sessions/{session.id}/cancel", data={"csrf_token": token}).status_code == 302
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "This session was cancelled" in page and "RSVPs are closed" in page
    assert client.get("/sessions/999999").status_code == 404
