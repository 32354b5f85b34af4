"""Track pages: the list, a track with its progress bar, the builder as a plain form, enrolling and
"Mark as done" without JavaScript, drafts hidden from members, and the links that lead here."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from community.extensions import db
from community.models import ResourceCompletion, Role, Track, TrackEnrollment
from tests.factories import make_thread, make_track, make_user, share_resource
from tests.support import csrf_token_from


@pytest.fixture
def people(app):
    users = {name: make_user(app, name) for name in ("ann", "ben")}
    users["mod"] = make_user(app, "mod", role=Role.MODERATOR)
    return users


def form_post(client, path: str, data: dict, page: str):
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def test_pages_need_a_login(client, app, people):
    track_id = make_track(app, people["mod"], steps=[{"kind": "resource",
                                                      "resource_id": share_resource(app, people["ben"]).id}])
    for path in ("/tracks", "/tracks/new", f"/tracks/{track_id}"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_members_enroll_and_mark_a_resource_done_without_javascript(client, auth, app, people):
    guide = share_resource(app, people["ben"], title="Pivot guide")
    make_thread(app, people["ben"], title="How do pivot tables group dates?", tags=["excel"])
    track_id = make_track(app, people["mod"], title="Excel basics", perk="priority for the Q3 project",
                          steps=[{"kind": "resource", "resource_id": guide.id},
                                 {"kind": "answer_in_tag", "tag": "excel", "count": 2}])
    draft_id = make_track(app, people["mod"], title="Secret draft", publish=False,
                          steps=[{"kind": "resource", "resource_id": guide.id}])
    auth.login("ann")
    listing = client.get("/tracks").get_data(as_text=True)
    assert "Excel basics" in listing and "Secret draft" not in listing and "New track" not in listing
    assert client.get(f"/tracks/{draft_id}").status_code == 404
    assert client.get("/tracks/new").status_code == 403

    page = client.get(f"/tracks/{track_id}").get_data(as_text=True)
    assert "priority for the Q3 project" in page
    assert re.search(r'Answer 2 questions in <a href="[^"]*excel">#excel</a>', page)
    assert re.search(r'<progress[^>]*max="2" value="0"', page) and "0 of 2 steps" in page
    enrolled = form_post(client, f"/tracks/{track_id}/enroll", {}, f"/tracks/{track_id}")
    assert enrolled.status_code == 302
    done = form_post(client, f"/resources/{guide.id}/done",
                     {"done": "1", "next": f"/tracks/{track_id}"}, f"/tracks/{track_id}")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/tracks/{track_id}")
    page = client.get(f"/tracks/{track_id}").get_data(as_text=True)
    assert "1 of 2 steps" in page and 'aria-pressed="true"' in page
    with app.app_context():
        assert db.session.scalar(select(TrackEnrollment.user_id)) == people["ann"].id
        assert db.session.scalar(select(ResourceCompletion.resource_id)) == guide.id
    # The resource page shows the same state; an outside "next" is not followed.
    resource_page = client.get(f"/resources/{guide.id}").get_data(as_text=True)
    assert "You finished this" in resource_page
    undone = form_post(client, f"/resources/{guide.id}/done", {"done": "0", "next": "https://evil.example"},
                       f"/resources/{guide.id}")
    assert undone.headers["Location"].endswith(f"/resources/{guide.id}")
    assert "0 of 2 steps" in client.get(f"/tracks/{track_id}").get_data(as_text=True)


def test_prerequisites_are_listed_instead_of_the_enroll_button(client, auth, app, people):
    guide = share_resource(app, people["ben"])
    basics = make_track(app, people["mod"], title="Basics first", steps=[{"kind": "resource",
                                                                         "resource_id": guide.id}])
    advanced = make_track(app, people["mod"], title="Advanced", prerequisites=[basics],
                          steps=[{"kind": "resource", "resource_id": guide.id}])
    auth.login("ann")
    page = client.get(f"/tracks/{advanced}").get_data(as_text=True)
    assert "Complete these tracks first" in page and "Basics first" in page and "data-enroll" not in page
    refused = form_post(client, f"/tracks/{advanced}/enroll", {}, f"/tracks/{advanced}")
    assert refused.status_code == 409 and "Basics first" in refused.get_data(as_text=True)


def test_builder_works_as_a_plain_form(client, auth, app, people):
    guide = share_resource(app, people["ben"], title="Pivot guide")
    make_thread(app, people["ben"], title="How do pivot tables group dates?", tags=["excel"])
    auth.login("mod")
    assert "New track" in client.get("/tracks").get_data(as_text=True)
    form = {"title": "Excel basics", "description": "Learn *pivots*.", "perk": "A certificate",
            "departments": "Finance, Sales", "job_roles": "",
            "step-1-kind": "resource", "step-1-resource": str(guide.id), "step-1-count": "1",
            "step-2-kind": "answer_in_tag", "step-2-tag": "excel", "step-2-count": "3",
            "step-3-kind": "", "step-3-tag": "", "step-3-count": "1"}
    bad = form_post(client, "/tracks/new", {**form, "step-2-tag": "no-such-tag"}, "/tracks/new")
    assert bad.status_code == 422 and "must be an existing tag" in bad.get_data(as_text=True)
    saved = form_post(client, "/tracks/new", form, "/tracks/new")
    assert saved.status_code == 302
    with app.app_context():
        track = db.session.scalar(select(Track))
        assert [(s.kind, s.count) for s in track.steps] == [("resource", 1), ("answer_in_tag", 3)]
        assert track.published_at is None and track.departments == '["Finance", "Sales"]'
        track_id = track.id
    edit_page = client.get(f"/tracks/{track_id}/edit").get_data(as_text=True)
    assert 'value="excel"' in edit_page and "Finance, Sales" in edit_page
    published = form_post(client, f"/tracks/{track_id}/publish", {}, f"/tracks/{track_id}")
    assert published.status_code == 302
    with app.app_context():
        assert db.session.get(Track, track_id).published_at is not None


def test_tracks_are_linked_from_the_account_menu_and_the_library(client, auth, app, people):
    auth.login("ann")
    assert 'href="/tracks"' in client.get("/resources").get_data(as_text=True)
    assert "Learning tracks" in client.get("/questions").get_data(as_text=True)
