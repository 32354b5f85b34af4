"""The demo community that `make run` loads: created once through the actions, links matched."""

from __future__ import annotations

from sqlalchemy import func, select

from community.demo import DEMO_RESOURCES, DEMO_THREADS, DEMO_USERS, seed_demo
from community.extensions import db
from community.models import Post, PostType, Resource, User


def test_seed_demo_creates_a_living_community_once(app, api):
    with app.app_context():
        assert seed_demo() is True
        assert seed_demo() is False  # a second run changes nothing
        assert db.session.scalar(select(func.count(User.id))) == len(DEMO_USERS)
        assert db.session.scalar(select(func.count(Post.id)).where(
            Post.post_type == PostType.QUESTION.value)) == len(DEMO_THREADS)
        assert db.session.scalar(select(func.count(Resource.id))) == len(DEMO_RESOURCES)
    top = api.get("resources", query_string={"sort": "top"}).json["items"]
    assert all(item["rating_count"] >= 1 for item in top)
    xlookup = next(item for item in top if item["title"] == "XLOOKUP function")
    assert xlookup["link_count"] == 1  # the VLOOKUP answer links it
    assert api.get("badges/first-question").json["awarded_count"] >= 2


def test_the_demo_has_polls_a_survey_and_a_session_to_try(app, api):
    with app.app_context():
        seed_demo()
    tom = api.as_user(user_named(app, "tom"))
    thread = next(t for t in api.get("threads").json["items"] if t["title"].startswith("Negotiation"))
    [poll] = api.get("polls", query_string={"thread_id": thread["id"]}).json["items"]
    assert poll["voter_count"] == 2
    assert [s["title"] for s in tom.get("surveys").json["items"] if not s["completed"]] == [
        "How is the community working for you?"]
    [session] = api.get("live-sessions").json["items"]
    assert session["going_count"] == 2 and session["resources"]
    [track] = tom.get("tracks").json["items"]
    assert track["enrollment"]["done_steps"] == 1 and track["total_steps"] == 3


def user_named(app, username: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        db.session.expunge(user)
    return user
