"""Polls: creating them on threads and in rooms, voting, changing and withdrawing a vote, closing
(by hand and by the scheduled job), deleting, who may see what, events and the thread page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from community.actions import polls as poll_actions
from community.extensions import db
from community.models import PollBallot, PollChoice, Role
from community.scheduler import run_due_jobs
from tests.factories import make_room, make_thread, make_user
from tests.support import ApiClient, csrf_token_from, run_together


def iso_in(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


def new_poll(api: ApiClient, **fields) -> dict:
    body = {"question": "Which simulator do you use?", "options": ["Ansys", "Abaqus", "Other"], **fields}
    response = api.post("polls", body)
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def setting(app: Flask, api: ApiClient):
    """An asker with a thread, a voter, an outsider-free public thread and a moderator."""
    asker, voter, other = make_user(app), make_user(app), make_user(app)
    moderator = make_user(app, role=Role.MODERATOR)
    thread = make_thread(app, asker, "How do I mesh a curved pipe wall?")
    return {"asker": api.as_user(asker), "voter": api.as_user(voter), "other": api.as_user(other),
            "moderator": api.as_user(moderator), "thread": thread, "voter_user": voter}


def test_the_asker_creates_a_poll_and_members_vote_change_and_withdraw(setting, api):
    poll = new_poll(setting["asker"], thread_id=setting["thread"].id)
    assert poll["thread_id"] == setting["thread"].id and poll["room"] is None
    assert [o["label"] for o in poll["options"]] == ["Ansys", "Abaqus", "Other"]
    assert poll["voter_count"] == 0 and poll["my_option_ids"] == [] and not poll["closed"]
    first, second = poll["options"][0]["id"], poll["options"][1]["id"]

    voted = setting["voter"].put(f"polls/{poll['id']}/vote", {"option_ids": [first]})
    assert voted.status_code == 200
    assert voted.json["my_option_ids"] == [first] and voted.json["voter_count"] == 1
    assert voted.json["voters"][str(first)][0]["username"] == setting["voter_user"].username

    changed = setting["voter"].put(f"polls/{poll['id']}/vote", {"option_ids": [second]}).json
    assert [o["votes"] for o in changed["options"]] == [0, 1, 0] and changed["voter_count"] == 1

    setting["other"].put(f"polls/{poll['id']}/vote", {"option_ids": [second]})
    assert setting["voter"].delete(f"polls/{poll['id']}/vote").status_code == 204
    seen = api.get(f"polls/{poll['id']}").json  # anonymous readers see results, no choice of theirs
    assert [o["votes"] for o in seen["options"]] == [0, 1, 0] and seen["my_option_ids"] == []
    assert setting["voter"].get(f"polls/{poll['id']}").json["my_option_ids"] == []


def test_multiple_choice_and_anonymous_polls(setting):
    poll = new_poll(setting["asker"], thread_id=setting["thread"].id, multiple=True, anonymous=True)
    ids = [o["id"] for o in poll["options"]]
    voted = setting["voter"].put(f"polls/{poll['id']}/vote", {"option_ids": ids[:2]}).json
    assert sorted(voted["my_option_ids"]) == ids[:2] and voted["voter_count"] == 1
    # Nobody, not even a moderator, learns who voted in an anonymous poll.
    for caller in (setting["moderator"], setting["asker"], setting["voter"]):
        assert caller.get(f"polls/{poll['id']}").json["voters"] is None


@pytest.mark.parametrize("body, field", [
    ({"question": "", "options": ["a", "b"]}, "question"),
    ({"question": "x" * 301, "options": ["a", "b"]}, "question"),
    ({"question": "Q?", "options": ["a"]}, "options"),
    ({"question": "Q?", "options": ["a", "A"]}, "options"),
    ({"question": "Q?", "options": ["a", " "]}, "options"),
    ({"question": "Q?", "options": [str(n) for n in range(11)]}, "options"),
    ({"question": "Q?", "options": ["a", "b" * 201]}, "options"),
    ({"question": "Q?", "options": "a,b"}, "options"),
    ({"question": "Q?", "options": ["a", "b"], "closes_at": "tomorrow"}, "closes_at"),
    ({"question": "Q?", "options": ["a", "b"], "closes_at": "2020-01-01T00:00:00Z"}, "closes_at"),
    ({"question": "Q?", "options": ["a", "b"], "closes_at": "2099-01-01T00:00:00"}, "closes_at"),
    ({"question": "Q?", "options": ["a", "b"], "multiple": "yes"}, "multiple"),
    ({"question": "Q\x00?", "options": ["a", "b"]}, "question"),
])
def test_bad_drafts_are_422_naming_the_field(setting, body, field):
    response = setting["asker"].post("polls", {**body, "thread_id": setting["thread"].id})
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_a_poll_needs_exactly_one_home(setting, app):
    room = make_room(app, make_user(app))
    both = setting["asker"].post("polls", {"question": "Q?", "options": ["a", "b"],
                                           "thread_id": setting["thread"].id, "room": room.slug})
    assert both.status_code == 422
    assert setting["asker"].post("polls", {"question": "Q?", "options": ["a", "b"]}).status_code == 422


def test_only_the_asker_or_a_moderator_adds_a_poll_to_a_thread(setting, api):
    body = {"question": "Q?", "options": ["a", "b"], "thread_id": setting["thread"].id}
    assert setting["voter"].post("polls", body).status_code == 403
    assert api.post("polls", body).status_code == 401
    assert setting["moderator"].post("polls", body).status_code == 201
    assert setting["asker"].post("polls", {**body, "thread_id": 999999}).status_code == 404


def test_no_poll_on_a_closed_question(setting, app):
    from community.actions import moderation

    with app.app_context():
        moderator = db.session.get(type(setting["voter_user"]), setting["moderator"].get("me").json["id"])
        moderation.close_thread(moderator, setting["thread"].id, "duplicate")
    response = setting["asker"].post("polls", {"question": "Q?", "options": ["a", "b"],
                                               "thread_id": setting["thread"].id})
    assert response.status_code == 403


def test_vote_validation(setting):
    poll = new_poll(setting["asker"], thread_id=setting["thread"].id)
    other = new_poll(setting["asker"], thread_id=setting["thread"].id)
    ids = [o["id"] for o in poll["options"]]
    path = f"polls/{poll['id']}/vote"
    for option_ids in ([], ids[:2], [other["options"][0]["id"]], ["1"], [True], "1"):
        response = setting["voter"].put(path, {"option_ids": option_ids})
        assert response.status_code == 422, option_ids
        assert "option_ids" in response.json["error"]["fields"]
    assert setting["voter"].put(path, {}).status_code == 422
    assert setting["voter"].put(path, [1]).status_code == 400
    assert setting["voter"].put("polls/999999/vote", {"option_ids": [ids[0]]}).status_code == 404


def test_a_closed_poll_refuses_votes_with_poll_closed(setting):
    poll = new_poll(setting["asker"], thread_id=setting["thread"].id)
    option = poll["options"][0]["id"]
    setting["voter"].put(f"polls/{poll['id']}/vote", {"option_ids": [option]})
    assert setting["voter"].post(f"polls/{poll['id']}/close").status_code == 403
    closed = setting["asker"].post(f"polls/{poll['id']}/close")
    assert closed.status_code == 200 and closed.json["closed"] and closed.json["closed_at"]
    for response in (setting["voter"].put(f"polls/{poll['id']}/vote", {"option_ids": [option]}),
                     setting["voter"].delete(f"polls/{poll['id']}/vote")):
        assert response.status_code == 409
        assert response.json["error"]["code"] == "poll_closed"
    assert setting["voter"].get(f"polls/{poll['id']}").json["my_option_ids"] == [option]


def test_delete_is_soft_and_then_404(setting, app):
    poll = new_poll(setting["asker"], thread_id=setting["thread"].id)
    assert setting["voter"].delete(f"polls/{poll['id']}").status_code == 403
    assert setting["moderator"].delete(f"polls/{poll['id']}").status_code == 204
    assert setting["asker"].get(f"polls/{poll['id']}").status_code == 404
    assert setting["asker"].delete(f"polls/{poll['id']}").status_code == 404
    listed = setting["asker"].get(f"polls?thread_id={setting['thread'].id}").json
    assert listed["total"] == 0


def test_list_polls_by_thread_and_room_is_paginated(setting, app):
    for n in range(3):
        new_poll(setting["asker"], thread_id=setting["thread"].id, question=f"Question {n}?")
    page = setting["voter"].get(f"polls?thread_id={setting['thread'].id}&per_page=2").json
    assert page["total"] == 3 and page["per_page"] == 2 and len(page["items"]) == 2
    assert setting["voter"].get("polls").status_code == 422
    assert setting["voter"].get("polls?thread_id=999999").status_code == 404
    assert setting["voter"].get("polls?room=no-such-room").status_code == 404


def test_private_room_polls_are_hidden_from_outsiders(app, api):
    owner, member, outsider = make_user(app), make_user(app), make_user(app)
    room = make_room(app, owner, private=True, members=[member.username])
    poll = new_poll(api.as_user(member), room=room.slug)
    assert poll["room"] == room.slug
    assert api.as_user(owner).get(f"polls/{poll['id']}").status_code == 200
    for caller in (api.as_user(outsider), api):
        assert caller.get(f"polls/{poll['id']}").status_code == 404
        assert caller.get(f"polls?room={room.slug}").status_code == 404
    assert api.as_user(outsider).put(f"polls/{poll['id']}/vote",
                                     {"option_ids": [poll["options"][0]["id"]]}).status_code == 404
    assert api.as_user(outsider).post("polls", {"question": "Q?", "options": ["a", "b"],
                                                "room": room.slug}).status_code == 404
    # The room's owner closes any poll in it.
    assert api.as_user(owner).post(f"polls/{poll['id']}/close").json["closed"] is True


def test_events_carry_results_without_anyones_own_choice(setting, captured_events):
    poll = new_poll(setting["asker"], thread_id=setting["thread"].id)
    setting["voter"].put(f"polls/{poll['id']}/vote", {"option_ids": [poll["options"][2]["id"]]})
    setting["asker"].post(f"polls/{poll['id']}/close")
    setting["asker"].delete(f"polls/{poll['id']}")
    mine = [e for e in captured_events if e["type"].startswith("poll_")]
    assert [e["type"] for e in mine] == ["poll_created", "poll_updated", "poll_updated", "poll_updated"]
    assert {e["channel"] for e in mine} == {f"thread:{setting['thread'].id}"}
    assert all("my_option_ids" not in e["data"] for e in mine)
    assert mine[1]["data"]["options"][2]["votes"] == 1
    assert mine[2]["data"]["closed"] and mine[3]["data"]["deleted"]


def test_the_closing_job_closes_due_polls_once(setting, app, captured_events):
    soon = new_poll(setting["asker"], thread_id=setting["thread"].id, closes_at=iso_in(minutes=5))
    later = new_poll(setting["asker"], thread_id=setting["thread"].id, closes_at=iso_in(days=2))
    now = datetime.now(UTC) + timedelta(minutes=10)
    assert run_due_jobs(app, now=now)["polls.close_due"] == 1
    assert run_due_jobs(app, now=now)["polls.close_due"] == 0
    assert setting["voter"].get(f"polls/{soon['id']}").json["closed"] is True
    assert setting["voter"].get(f"polls/{later['id']}").json["closed"] is False
    closing = [e for e in captured_events if e["type"] == "poll_updated"]
    assert len(closing) == 1 and closing[0]["data"]["id"] == soon["id"] and closing[0]["data"]["closed"]


def test_a_poll_past_its_closing_time_refuses_votes_before_the_job_runs(setting, app):
    poll = new_poll(setting["asker"], thread_id=setting["thread"].id, closes_at=iso_in(seconds=2))
    with app.app_context():
        from community.models import Poll

        db.session.get(Poll, poll["id"]).closes_at = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    response = setting["voter"].put(f"polls/{poll['id']}/vote", {"option_ids": [poll["options"][0]["id"]]})
    assert response.status_code == 409 and response.json["error"]["code"] == "poll_closed"


def test_concurrent_votes_by_one_member_leave_one_ballot(setting, app):
    poll = new_poll(setting["asker"], thread_id=setting["thread"].id)
    ids = [o["id"] for o in poll["options"]]
    voter = setting["voter_user"]

    def cast(option_id: int):
        return lambda: poll_actions.vote(voter, poll["id"], [option_id]).id

    run_together(app, [cast(ids[n % 3]) for n in range(8)])
    with app.app_context():
        ballots = db.session.scalar(select(func.count()).select_from(PollBallot)
                                    .where(PollBallot.poll_id == poll["id"]))
        choices = db.session.scalar(select(func.count()).select_from(PollChoice))
    assert ballots == 1 and choices == 1
    result = setting["other"].get(f"polls/{poll['id']}").json
    assert sum(o["votes"] for o in result["options"]) == 1 and result["voter_count"] == 1


def test_concurrent_votes_by_many_members_are_all_counted(setting, app):
    poll = new_poll(setting["asker"], thread_id=setting["thread"].id)
    first = poll["options"][0]["id"]
    voters = [make_user(app) for _ in range(6)]
    run_together(app, [lambda v=v: poll_actions.vote(v, poll["id"], [first]).id for v in voters])
    result = setting["other"].get(f"polls/{poll['id']}").json
    assert result["options"][0]["votes"] == 6 and result["voter_count"] == 6


def test_the_thread_page_shows_polls_to_members_and_guests(setting, app, client, auth):
    poll = new_poll(setting["asker"], thread_id=setting["thread"].id, question="Which mesher works best?")
    path = f"/questions/{setting['thread'].id}"
    guest = client.get(path).get_data(as_text=True)
    assert "Which mesher works best?" in guest and "Log in to vote" in guest and "0 people voted" in guest
    # The guest page is cached until the thread's channel has a new event: a vote is one.
    setting["voter"].put(f"polls/{poll['id']}/vote", {"option_ids": [poll["options"][1]["id"]]})
    again = client.get(path).get_data(as_text=True)
    assert "1 person voted" in again
    auth.login(setting["voter_user"].username)
    member = client.get(path).get_data(as_text=True)
    assert 'name="option_ids"' in member and "Withdraw vote" in member and "Log in to vote" not in member
    assert "Add a poll" not in member  # only the asker (or a moderator) adds polls


def test_the_poll_form_works_without_javascript(setting, app, client, auth):
    poll = new_poll(setting["asker"], thread_id=setting["thread"].id)
    first, second = (option["id"] for option in poll["options"][:2])
    path = f"/questions/{setting['thread'].id}"
    auth.login(setting["voter_user"].username)
    page = client.get(path).get_data(as_text=True)
    assert f'action="/polls/{poll["id"]}"' in page and 'name="action" value="vote"' in page
    form = {"csrf_token": csrf_token_from(page), "next": path}

    def post(**fields):
        return client.post(f"/polls/{poll['id']}", data={**form, **fields})

    voted = post(action="vote", option_ids=[str(second)])
    assert voted.status_code == 302 and voted.headers["Location"] == f"{path}#poll-{poll['id']}"
    assert "Your vote is in." in client.get(path).get_data(as_text=True)
    assert setting["voter"].get(f"polls/{poll['id']}").json["my_option_ids"] == [second]
    post(action="vote", option_ids=[str(first)])
    assert setting["voter"].get(f"polls/{poll['id']}").json["my_option_ids"] == [first]

    assert post(action="vote").status_code == 302  # nothing chosen: refused, and said so
    assert "Choose an option first." in client.get(path).get_data(as_text=True)
    post(action="vote", option_ids=["not-a-number"])
    assert "must be options of this poll" in client.get(path).get_data(as_text=True)
    post(action="close")  # not the voter's to close
    assert "author" in client.get(path).get_data(as_text=True)
    assert setting["voter"].get(f"polls/{poll['id']}").json["closed"] is False

    post(action="withdraw")
    assert setting["voter"].get(f"polls/{poll['id']}").json["my_option_ids"] == []
    away = client.post(f"/polls/{poll['id']}", data={**form, "action": "withdraw", "next": "https://evil.example/"})
    assert away.headers["Location"] == f"/#poll-{poll['id']}"  # only paths on this site
    no_token = client.post(f"/polls/{poll['id']}", data={"action": "withdraw"})
    assert no_token.status_code == 403


def test_adding_a_poll_works_without_javascript(setting, app, client, auth):
    thread_id = setting["thread"].id
    path = f"/questions/{thread_id}"
    asker = setting["asker"].get("me").json["username"]
    auth.login(asker)
    page = client.get(path).get_data(as_text=True)
    assert 'action="/polls/new"' in page and f'name="thread_id" value="{thread_id}"' in page
    form = {"csrf_token": csrf_token_from(page), "thread_id": str(thread_id), "next": path,
            "question": "Which mesher works best?", "options": "Gmsh\r\n\r\n snappyHexMesh \r\nANSA",
            "multiple": "on", "closes_at": "2031-01-10T12:00", "timezone": "Europe/Berlin"}
    posted = client.post("/polls/new", data=form)
    assert posted.status_code == 302
    poll_id = int(posted.headers["Location"].rsplit("#poll-", 1)[1])
    assert posted.headers["Location"] == f"{path}#poll-{poll_id}"
    poll = setting["voter"].get(f"polls/{poll_id}").json
    assert [o["label"] for o in poll["options"]] == ["Gmsh", "snappyHexMesh", "ANSA"]
    assert poll["multiple"] and not poll["anonymous"]
    assert poll["closes_at"] == "2031-01-10T11:00:00.000Z"  # noon in Berlin, in winter
    assert "Your poll is posted." in client.get(path).get_data(as_text=True)


@pytest.mark.parametrize("change, shown", [
    ({"options": "Only one"}, "Options must have 2-10 options"),
    ({"closes_at": "2031-01-10T12:00", "timezone": "Mars/Olympus"}, "is not a known IANA time zone"),
    ({"closes_at": "2020-01-10T12:00"}, "Closing time must be in the future"),
    ({"closes_at": "2031-03-30T02:30", "timezone": "Europe/Berlin"}, "the clocks skip that hour"),
    ({"question": ""}, "Question must"),
    ({"closes_at": "0001-01-01T00:00", "timezone": "Asia/Tokyo"}, "Closing time is out of range"),
    ({"closes_at": "2031-01-10T12:00", "timezone": "posixrules"}, "is not a known IANA time zone"),
])
def test_a_refused_poll_form_comes_back_with_what_was_typed(setting, app, client, auth, change, shown):
    thread_id = setting["thread"].id
    auth.login(setting["asker"].get("me").json["username"])
    token = csrf_token_from(client.get(f"/questions/{thread_id}").get_data(as_text=True))
    form = {"csrf_token": token, "thread_id": str(thread_id), "next": f"/questions/{thread_id}",
            "question": "Which mesher works best?", "options": "Gmsh\nANSA", **change}
    refused = client.post("/polls/new", data=form)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    kept = "Gmsh" if "question" in change else "Which mesher works best?"  # what was typed stays
    assert shown in page and kept in page and 'aria-invalid="true"' in page
    assert setting["voter"].get(f"polls?thread_id={thread_id}").json["items"] == []


def test_only_those_who_may_add_a_poll_get_one_through_the_form(setting, app, client, auth):
    thread_id = setting["thread"].id
    auth.login(setting["voter_user"].username)  # not the asker
    token = csrf_token_from(client.get(f"/questions/{thread_id}").get_data(as_text=True))
    refused = client.post("/polls/new", data={"csrf_token": token, "thread_id": str(thread_id),
                                              "question": "Mine?", "options": "Yes\nNo"})
    assert refused.status_code == 403 and "Only the asker or a moderator" in refused.get_data(as_text=True)
    odd = client.post("/polls/new", data={"csrf_token": token, "thread_id": "²", "question": "Odd?",
                                          "options": "A\nB"})
    assert odd.status_code in (404, 422)  # a digit to str.isdigit, not a number: refused, no 500
    nowhere = client.post("/polls/new", data={"csrf_token": token, "question": "Where?", "options": "A\nB"})
    assert nowhere.status_code == 422
    assert client.post("/polls/new", data={"thread_id": str(thread_id), "question": "No token",
                                          "options": "A\nB"}).status_code == 403
    room = make_room(app, setting["voter_user"], "Meshing clinic")
    page = client.get(f"/rooms/{room.slug}").get_data(as_text=True)
    assert f'name="room" value="{room.slug}"' in page
    in_room = client.post("/polls/new", data={"csrf_token": token, "room": room.slug,
                                              "next": f"/rooms/{room.slug}", "question": "Which day?",
                                              "options": "Monday\nFriday"})
    assert in_room.status_code == 302 and in_room.headers["Location"].startswith(f"/rooms/{room.slug}#poll-")


def test_suspended_members_cannot_vote(setting, app):
    from community.actions import suspensions

    poll = new_poll(setting["asker"], thread_id=setting["thread"].id)
    with app.app_context():
        from community.models import User

        moderator = db.session.get(User, setting["moderator"].get("me").json["id"])
        suspensions.suspend_user(moderator, setting["voter_user"].username, reason="spam", days=1)
    response = setting["voter"].put(f"polls/{poll['id']}/vote", {"option_ids": [poll["options"][0]["id"]]})
    assert response.status_code == 403


def test_a_live_session_poll_is_for_its_host_rsvps_and_moderators(app, api, captured_events):
    from community.actions import live_session_rsvps as rsvp_actions
    from tests.factories import schedule_live_session

    moderator = make_user(app, role=Role.MODERATOR)
    host, attendee, outsider = make_user(app), make_user(app), make_user(app)
    room = make_room(app, host, "Session room")
    session = schedule_live_session(app, moderator, host=host.username, room=room.slug)
    with app.app_context():
        rsvp_actions.rsvp(attendee, session.id)
    body = {"question": "How useful was the session?", "options": ["Very", "Somewhat", "Not"],
            "live_session_id": session.id}
    assert api.as_user(attendee).post("polls", body).status_code == 403
    poll = new_poll(api.as_user(host), **body)
    assert poll["live_session_id"] == session.id and poll["room"] is None
    voted = api.as_user(attendee).put(f"polls/{poll['id']}/vote", {"option_ids": [poll["options"][0]["id"]]})
    assert voted.status_code == 200
    for stranger in (api.as_user(outsider), api):
        assert stranger.get(f"polls/{poll['id']}").status_code == 404
        assert stranger.get(f"polls?live_session_id={session.id}").status_code == 404
    assert api.as_user(moderator).get(f"polls?live_session_id={session.id}").json["total"] == 1
    # Its events go to the session's linked room.
    assert {e["channel"] for e in captured_events if e["type"].startswith("poll_")} == {f"room:{room.slug}"}
