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
