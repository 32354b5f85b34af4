"""Following tags and watching threads: the API, who is notified of new answers (watching, muted,
asking and answering watch a thread), and the follow / watch controls on the pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from community.actions import follows as follow_actions
from community.actions.suspensions import suspend_user
from community.extensions import db
from community.models import Notification, Role, ThreadWatch
from tests.factories import make_answer, make_thread, make_user
from tests.support import assert_error, csrf_token_from


def notified(app, user, kind: str | None = None) -> list[tuple[str, int | None]]:
    """(type, subject post id) of the user's notifications, oldest first."""
    with app.app_context():
        stmt = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        rows = db.session.scalars(stmt).all()
        return [(n.type, n.post_id) for n in rows if kind is None or n.type == kind]


def watch_row(app, user, thread) -> tuple[str, str] | None:
    with app.app_context():
        watch = db.session.get(ThreadWatch, (user.id, thread.id))
        return (watch.level, watch.reason) if watch else None


def set_level(app, user, thread, level: str | None) -> None:
    with app.app_context():
        if level is None:
            follow_actions.stop_watching(user, thread.id)
        else:
            follow_actions.set_thread_watch(user, thread.id, level)


@pytest.fixture
def people(app, no_badges):
    """Four members; no badges, whose notifications would mix with the ones counted here."""
    return {name: make_user(app, name) for name in ("asker", "helper", "watcher", "other")}


# --- following tags -------------------------------------------------------------------------------

def test_follow_and_unfollow_a_tag(app, api, people):
    make_thread(app, people["asker"], tags=["excel"])
    me = api.as_user(people["watcher"])
    response = me.put("tags/excel/follow")
    assert response.status_code == 200
    assert response.get_json() == {"tag": "excel", "following": True}
    assert me.put("tags/Excel/follow").get_json() == {"tag": "excel", "following": True}  # again: same
    assert me.get("me/follows").get_json()["tags"] == ["excel"]
    assert me.delete("tags/excel/follow").status_code == 204
    assert me.get("me/follows").get_json()["tags"] == []
    assert me.delete("tags/excel/follow").status_code == 204  # not following: nothing to undo


@pytest.mark.parametrize("name", ["no-such-tag", "x" * 36, "%20", "excel%E2%80%8B"])
def test_following_an_unknown_tag_is_404(app, api, people, name):
    make_thread(app, people["asker"], tags=["excel"])
    me = api.as_user(people["watcher"])
    assert_error(me.put(f"tags/{name}/follow"), 404, "not_found")
    assert_error(me.delete(f"tags/{name}/follow"), 404, "not_found")


def test_a_nul_in_a_tag_name_is_422_not_500(app, api, people):
    me = api.as_user(people["watcher"])
    assert_error(me.put("tags/bad%00name/follow"), 422, "validation_error")


def test_follows_are_private_to_the_member(app, api, people):
    thread = make_thread(app, people["asker"], tags=["excel", "vba"])
    alice, bob = api.as_user(people["watcher"]), api.as_user(people["other"])
    alice.put("tags/excel/follow")
    alice.put(f"threads/{thread.id}/watch", json={"level": "muted"})
    bob.put("tags/vba/follow")
    assert alice.get("me/follows").get_json()["tags"] == ["excel"]
    mine = bob.get("me/follows").get_json()
    assert mine["tags"] == ["vba"]
    assert mine["threads"] == {"items": [], "total": 0, "page": 1, "per_page": 20}
    assert_error(api.get("me/follows"), 401, "unauthorized")
    assert_error(api.put("tags/excel/follow"), 401, "unauthorized")


def test_a_suspended_member_cannot_follow(app, api, people):
    make_thread(app, people["asker"], tags=["excel"])
    mod = make_user(app, "mod", role=Role.MODERATOR)
    with app.app_context():
        suspend_user(mod, "watcher", reason="Spam", days=3)
    me = api.as_user(people["watcher"])
    assert_error(me.put("tags/excel/follow"), 403, "forbidden")
    assert me.get("me/follows").status_code == 200  # reading one's own follows still works


# --- watching threads over the API ----------------------------------------------------------------

def test_watch_mute_and_stop_watching(app, api, people):
    thread = make_thread(app, people["asker"])
    me = api.as_user(people["watcher"])
    response = me.put(f"threads/{thread.id}/watch", json={"level": "watching"})
    assert response.status_code == 200
    assert response.get_json() == {"thread_id": thread.id, "level": "watching"}
    assert watch_row(app, people["watcher"], thread) == ("watching", "manual")
    assert me.put(f"threads/{thread.id}/watch", json={"level": "muted"}).get_json()["level"] == "muted"
    listed = me.get("me/follows").get_json()["threads"]
    assert listed["total"] == 1
    assert listed["items"][0]["level"] == "muted"
    assert listed["items"][0]["thread"]["id"] == thread.id
    assert me.delete(f"threads/{thread.id}/watch").status_code == 204
    assert watch_row(app, people["watcher"], thread) is None
    assert me.delete(f"threads/{thread.id}/watch").status_code == 204


@pytest.mark.parametrize("body", [{"level": "loud"}, {"level": 1}, {"level": None}, {"level": ["muted"]},
                                  {"level": "Watching"}])
def test_a_bad_watch_level_is_422(app, api, people, body):
    thread = make_thread(app, people["asker"])
    response = api.as_user(people["watcher"]).put(f"threads/{thread.id}/watch", json=body)
    assert_error(response, 422, "validation_error")
    assert "level" in response.get_json()["error"]["fields"]
    assert watch_row(app, people["watcher"], thread) is None


def test_a_missing_level_or_a_bad_body_is_refused(app, api, people):
    thread = make_thread(app, people["asker"])
    me = api.as_user(people["watcher"])
    assert_error(me.put(f"threads/{thread.id}/watch", json={}), 422, "validation_error")
    assert_error(me.put(f"threads/{thread.id}/watch", data="[1]", content_type="application/json"),
                 400, "bad_request")


def test_watching_a_thread_one_may_not_see_is_404(app, api, people):
    thread = make_thread(app, people["asker"])
    with app.app_context():
        from community.actions.threads import delete_thread

        delete_thread(people["asker"], thread.id)
    me = api.as_user(people["watcher"])
    assert_error(me.put(f"threads/{thread.id}/watch", json={"level": "watching"}), 404, "not_found")
    assert_error(me.put("threads/999999/watch", json={"level": "watching"}), 404, "not_found")
    assert_error(me.delete("threads/999999/watch"), 404, "not_found")


# --- who is notified ------------------------------------------------------------------------------

def test_asking_and_answering_watch_the_thread(app, people):
    thread = make_thread(app, people["asker"])
    assert watch_row(app, people["asker"], thread) == ("watching", "asked")
    make_answer(app, people["helper"], thread)
    assert watch_row(app, people["helper"], thread) == ("watching", "answered")
    make_answer(app, people["other"], thread)
    # the asker hears of every answer as the asker; the earlier answerer as a watcher
    assert len(notified(app, people["asker"], "answer_on_your_thread")) == 2
    assert len(notified(app, people["helper"], "reply_in_watched_thread")) == 1
    assert notified(app, people["other"]) == []  # not of their own answer


def test_a_manual_watcher_is_notified_and_stops_being_notified(app, people):
    thread = make_thread(app, people["asker"])
    set_level(app, people["watcher"], thread, "watching")
    first = make_answer(app, people["helper"], thread)
    assert notified(app, people["watcher"]) == [("reply_in_watched_thread", first.id)]
    set_level(app, people["watcher"], thread, None)
    make_answer(app, people["other"], thread)
    assert notified(app, people["watcher"]) == [("reply_in_watched_thread", first.id)]


def test_muting_silences_the_asker_too_but_not_mentions(app, people):
    thread = make_thread(app, people["asker"])
    set_level(app, people["asker"], thread, "muted")
    make_answer(app, people["helper"], thread, "Restart the solver.")
    assert notified(app, people["asker"]) == []
    mention = make_answer(app, people["other"], thread, "@asker does the log show an error?")
    assert notified(app, people["asker"]) == [("mention", mention.id)]


def test_muted_stays_muted_after_answering(app, people):
    thread = make_thread(app, people["asker"])
    set_level(app, people["watcher"], thread, "muted")
    make_answer(app, people["watcher"], thread, "My own answer.")
    assert watch_row(app, people["watcher"], thread) == ("muted", "manual")
    make_answer(app, people["helper"], thread)
    assert notified(app, people["watcher"]) == []


def test_stopping_then_answering_watches_again(app, people):
    thread = make_thread(app, people["asker"])
    set_level(app, people["asker"], thread, None)
    make_answer(app, people["helper"], thread)
    # not watching any more, but still the asker: "answer on your thread" is not a watch
    assert [t for t, _ in notified(app, people["asker"])] == ["answer_on_your_thread"]
    make_answer(app, people["asker"], thread, "Answering my own question.")
    assert watch_row(app, people["asker"], thread) == ("watching", "answered")


# --- the pages ------------------------------------------------------------------------------------

def test_the_tag_page_follow_button_works_without_javascript(app, client, auth, people):
    make_thread(app, people["asker"], tags=["excel"])
    assert 'data-follow-tag' not in client.get("/tags/excel").get_data(as_text=True)  # guests: none
    auth.login("watcher")
    page = client.get("/tags/excel").get_data(as_text=True)
    assert 'data-follow-tag="excel"' in page and 'aria-pressed="false"' in page
    response = client.post("/tags/excel/follow", data={"csrf_token": csrf_token_from(page), "following": "1",
                                                       "next": "/tags/excel"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/tags/excel")
    page = client.get("/tags/excel").get_data(as_text=True)
    assert 'aria-pressed="true"' in page
    settings = client.get("/settings/profile").get_data(as_text=True)
    assert "Followed tags" in settings and 'href="/tags/excel"' in settings
    client.post("/tags/excel/follow", data={"csrf_token": csrf_token_from(page), "following": ""})
    assert 'aria-pressed="false"' in client.get("/tags/excel").get_data(as_text=True)
    assert client.post("/tags/nope/follow", data={"csrf_token": csrf_token_from(page),
                                                  "following": "1"}).status_code == 404


def test_the_thread_page_watch_control(app, client, auth, people):
    thread = make_thread(app, people["asker"])
    assert "data-watch-thread" not in client.get(f"/questions/{thread.id}").get_data(as_text=True)
    auth.login("watcher")
    page = client.get(f"/questions/{thread.id}").get_data(as_text=True)
    assert 'data-watch-level="none"' in page
    token = csrf_token_from(page)
    response = client.post(f"/questions/{thread.id}/watch", data={"csrf_token": token, "level": "muted"})
    assert response.status_code == 302
    assert 'data-watch-level="muted"' in client.get(f"/questions/{thread.id}").get_data(as_text=True)
    assert watch_row(app, people["watcher"], thread) == ("muted", "manual")
    client.post(f"/questions/{thread.id}/watch", data={"csrf_token": token, "level": "none"})
    assert watch_row(app, people["watcher"], thread) is None
    bad = client.post(f"/questions/{thread.id}/watch", data={"csrf_token": token, "level": "loud"})
    assert bad.status_code == 422
