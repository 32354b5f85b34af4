"""The personal home ("For you"): which questions each member is offered (followed tags and skills,
their department's tags, or the newest), new answers in watched threads, resources for their tags,
their own tracks, contracts and milestones; only ever for the caller; in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from community.actions import follows as follow_actions
from community.actions import users as user_actions
from community.actions.moderation import close_thread
from community.actions.threads import delete_thread
from community.extensions import db
from community.models import (
    ContractItem,
    LearningContract,
    Milestone,
    Role,
    Tag,
    Track,
    TrackEnrollment,
    TrackStep,
)
from community.models.base import utcnow
from tests.factories import make_answer, make_thread, make_user, rate_resource, share_resource
from tests.support import assert_error
from tests.test_query_counts import statements


def follow(app, user, *names: str) -> None:
    with app.app_context():
        for name in names:
            follow_actions.follow_tag(user, name)


def set_profile(app, user, **changes) -> None:
    with app.app_context():
        user_actions.update_profile(user, user_actions.ProfileChanges(**changes))
        db.session.expunge_all()


def ids(items: list[dict]) -> list[int]:
    return [item["id"] for item in items]


@pytest.fixture
def two_members(app, no_badges):
    """Alice (Finance, follows #excel) and Bob (Engineering, knows #cfd), with questions of both
    tags asked by Carol, and some that nobody should be offered."""
    alice, bob, carol = make_user(app, "alice"), make_user(app, "bob"), make_user(app, "carol")
    mod = make_user(app, "mod", role=Role.MODERATOR)
    set_profile(app, alice, department="Finance")
    set_profile(app, bob, department="Engineering", skills=["cfd"])
    excel_old = make_thread(app, carol, "How do I sum only visible rows in Excel?", tags=["excel"])
    excel_new = make_thread(app, carol, "Why does VLOOKUP return #N/A for numbers?", tags=["excel", "vba"])
    cfd = make_thread(app, carol, "Why does the mesh refinement diverge here?", tags=["cfd"])
    answered = make_thread(app, carol, "Where is the pivot table field list?", tags=["excel"])
    make_answer(app, mod, answered)
    own = make_thread(app, alice, "How do I freeze the top row in Excel?", tags=["excel"])
    closed = make_thread(app, carol, "Excel keeps crashing on start, any ideas?", tags=["excel"])
    deleted = make_thread(app, carol, "Excel question that was deleted again?", tags=["excel"])
    with app.app_context():
        close_thread(mod, closed.id, "Off topic here.")
        delete_thread(carol, deleted.id)
    follow(app, alice, "excel")
    return {"alice": alice, "bob": bob, "carol": carol, "mod": mod, "excel_old": excel_old,
            "excel_new": excel_new, "cfd": cfd, "answered": answered, "own": own}


def test_two_members_see_the_questions_of_their_own_tags(app, api, two_members):
    w = two_members
    alice = api.as_user(w["alice"]).get("feed").get_json()
    assert ids(alice["unanswered"]) == [w["excel_new"].id, w["excel_old"].id]  # newest first
    assert alice["unanswered_basis"] == {"kind": "tags", "tags": ["excel"], "skills": [], "department": None}
    assert alice["tags"] == ["excel"] and alice["skills"] == []
    bob = api.as_user(w["bob"]).get("feed").get_json()
    assert ids(bob["unanswered"]) == [w["cfd"].id]
    assert bob["unanswered_basis"] == {"kind": "tags", "tags": [], "skills": ["cfd"], "department": None}
    assert bob["tags"] == []


def test_the_page_says_why(app, client, auth, two_members):
    auth.login("alice")
    page = client.get("/for-you").get_data(as_text=True)
    assert "Because you follow #excel" in page
    assert "How do I sum only visible rows in Excel?" in page
    assert "Why does the mesh refinement diverge here?" not in page
    assert "How do I freeze the top row in Excel?" not in page  # her own
    assert 'aria-current="page">For you</a>' in page
    auth.logout()
    auth.login("bob")
    page = client.get("/for-you").get_data(as_text=True)
    assert "Because you know #cfd" in page and "Why does the mesh refinement diverge here?" in page


def test_without_tags_the_department_decides_then_the_newest(app, api, two_members):
    w = two_members
    dana, eve = make_user(app, "dana"), make_user(app, "eve")
    set_profile(app, dana, department="finance")  # the same department, written differently
    # Alice (Finance) answered a #vba question: Dana is offered unanswered #vba questions
    vba = make_thread(app, w["carol"], "How do I loop over every sheet in VBA?", tags=["vba"])
    make_answer(app, w["alice"], vba)
    feed = api.as_user(dana).get("feed").get_json()
    assert feed["unanswered_basis"] == {"kind": "department", "tags": [], "skills": [],
                                        "department": "finance"}
    assert ids(feed["unanswered"]) == [w["excel_new"].id]  # the open one tagged #vba
    feed = api.as_user(eve).get("feed").get_json()  # no department, no tags
    assert feed["unanswered_basis"]["kind"] == "newest"
    assert ids(feed["unanswered"]) == [w["own"].id, w["cfd"].id, w["excel_new"].id, w["excel_old"].id]


def test_new_answers_in_watched_threads(app, api, two_members):
    w = two_members
    alice = w["alice"]
    first = make_answer(app, w["bob"], w["own"], "Use View → Freeze panes.")
    mine = make_answer(app, alice, w["cfd"], "Check the boundary layer first.")  # watches #cfd's thread
    later = make_answer(app, w["carol"], w["cfd"], "Lower the relaxation factor.")
    muted = make_thread(app, alice, "Muted question about Excel macros?", tags=["excel"])
    with app.app_context():
        follow_actions.set_thread_watch(alice, muted.id, "muted")
    make_answer(app, w["bob"], muted)
    feed = api.as_user(alice).get("feed").get_json()
    assert [(item["thread"]["id"], ids(item["answers"])) for item in feed["watched"]] == [
        (w["cfd"].id, [later.id]), (w["own"].id, [first.id])]
    assert mine.id not in [a["id"] for item in feed["watched"] for a in item["answers"]]
    assert feed["watched"][0]["answers"][0]["url"] == f"/questions/{w['cfd'].id}#answer-{later.id}"
    assert ids(api.as_user(w["carol"]).get("feed").get_json()["unanswered"]) == []  # all hers or answered


def test_top_resources_for_the_member_tags(app, api, two_members):
    w = two_members
    sharer, raters = make_user(app, "sharer"), [make_user(app) for _ in range(3)]
    good = share_resource(app, sharer, title="Excel shortcuts", tags=["excel"])
    poor = share_resource(app, sharer, title="Bad Excel tips", tags=["excel"])
    cfd = share_resource(app, sharer, title="Meshing basics", tags=["cfd"])
    for rater in raters:
        rate_resource(app, rater, good, 5)
        rate_resource(app, rater, poor, 1)
    feed = api.as_user(w["alice"]).get("feed").get_json()
    assert ids(feed["resources"]) == [good.id]
    assert poor.id not in ids(feed["resources"]) and cfd.id not in ids(feed["resources"])
    assert ids(api.as_user(w["bob"]).get("feed").get_json()["resources"]) == [cfd.id]


def add_learning(app, owner, creator, *, n: int = 1) -> dict:
    """Tracks, contracts and milestones written as rows: their own actions are separate features,
    tested there; here only what the feed shows of them matters."""
    with app.app_context():
        now = utcnow()
        made: dict[str, list[int]] = {"tracks": [], "recommended": [], "engineering": [], "contracts": [],
                                      "milestones": []}
        for i in range(n):
            enrolled = Track(title=f"Finance analyst track {i}", created_by_id=creator.id, published_at=now)
            finished = Track(title=f"Finished track {i}", created_by_id=creator.id, published_at=now)
            other_dept = Track(title=f"Engineers only {i}", created_by_id=creator.id, published_at=now,
                               departments='["Engineering"]')
            for_finance = Track(title=f"For Finance {i}", created_by_id=creator.id, published_at=now,
                                departments='["finance"]')
            everyone = Track(title=f"Open to all {i}", created_by_id=creator.id, published_at=now)
            draft = Track(title=f"Draft {i}", created_by_id=creator.id)
            db.session.add_all([enrolled, finished, other_dept, for_finance, everyone, draft])
            db.session.flush()
            excel = db.session.scalar(select(Tag).where(Tag.name == "excel"))
            db.session.add_all([
                TrackStep(track_id=enrolled.id, position=1, kind="answer_in_tag", tag_id=excel.id),
                TrackStep(track_id=enrolled.id, position=2, kind="ask_in_tag", tag_id=excel.id, count=3)])
            db.session.add_all([TrackEnrollment(track_id=enrolled.id, user_id=owner.id),
                                TrackEnrollment(track_id=finished.id, user_id=owner.id, completed_at=now)])
            late = LearningContract(owner_id=owner.id, title=f"Learn pivot tables {i}",
                                    due_on=(now - timedelta(days=2)).date())
            done = LearningContract(owner_id=owner.id, title=f"Done contract {i}", completed_at=now)
            db.session.add_all([late, done])
            db.session.flush()
            db.session.add(ContractItem(contract_id=late.id, position=1, title="Read the guide"))
            goal = Milestone(owner_id=owner.id, title=f"Answer 5 questions {i}", metric="answers", target=5,
                             starts_at=now - timedelta(days=1), due_at=now + timedelta(days=6))
            reached = Milestone(owner_id=owner.id, title=f"Reached {i}", metric="manual", target=1,
                                reached_at=now)
            db.session.add_all([goal, reached])
            db.session.commit()
            made["tracks"].append(enrolled.id)
            made["recommended"].append(for_finance.id)
            made["engineering"].append(other_dept.id)
            made["contracts"].append(late.id)
            made["milestones"].append(goal.id)
        return made


def test_the_member_learning(app, api, two_members):
    w = two_members
    made = add_learning(app, w["alice"], w["mod"])
    make_answer(app, w["alice"], w["excel_old"])  # one answer towards the milestone
    feed = api.as_user(w["alice"]).get("feed").get_json()
    assert ids(feed["tracks"]) == made["tracks"]
    assert feed["tracks"][0]["url"] == f"/tracks/{made['tracks'][0]}"
    assert (feed["tracks"][0]["step_count"], feed["tracks"][0]["done_steps"]) == (2, 1)  # answered in #excel
    # meant for her department; not Engineering's, nor "everyone" (no recommendation), drafts, enrolled
    assert ids(feed["recommended_tracks"]) == made["recommended"]
    assert [(c["id"], c["status"], c["items_total"]) for c in feed["contracts"]] == [
        (made["contracts"][0], "late", 1)]
    assert [(m["id"], m["progress"], m["target"]) for m in feed["milestones"]] == [
        (made["milestones"][0], 1, 5)]
    bob = api.as_user(w["bob"]).get("feed").get_json()
    assert bob["tracks"] == [] and bob["contracts"] == [] and bob["milestones"] == []  # Alice's own only
    assert made["engineering"][0] in ids(bob["recommended_tracks"])  # Bob works in Engineering
    assert made["engineering"][0] not in ids(feed["recommended_tracks"])


def test_the_page_shows_the_learning_sections(app, client, auth, two_members):
    add_learning(app, two_members["alice"], two_members["mod"])
    auth.login("alice")
    page = client.get("/for-you").get_data(as_text=True)
    for text in ("Finance analyst track 0", "For Finance 0", "Learn pivot tables 0", "Late",
                 "Answer 5 questions 0", 'href="/tracks"', 'href="/contracts"', 'href="/milestones"'):
        assert text in page
    for text in ("Finished track 0", "Done contract 0", "Reached 0", "Engineers only 0", "Draft 0",
                 "Open to all 0"):
        assert text not in page


def test_the_feed_is_only_for_the_caller(app, api, client, two_members):
    assert_error(api.get("feed"), 401, "unauthorized")
    response = client.get("/for-you")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "For you</a>" not in client.get("/").get_data(as_text=True)  # no nav link for guests


def test_every_list_is_bounded(app, api, two_members):
    w = two_members
    for n in range(12):
        make_thread(app, w["carol"], f"Another Excel question number {n}?", tags=["excel"])
    feed = api.as_user(w["alice"]).get("feed").get_json()
    assert len(feed["unanswered"]) == 10


# Statements of GET /api/v1/feed, steady state, with something in every section (SQLite counts its
# BEGIN too): the token, interests, two per list (the rows, then their tags or steps), and the
# progress of tracks (one per step kind) and milestones (one per metric).
FEED_CEILING = 20


def feed_statements(app, api, user) -> int:
    client = api.as_user(user)
    assert client.get("feed").status_code == 200  # warm (site settings, token lookups)
    with statements(app) as seen:
        assert client.get("feed").status_code == 200
    return len(seen)


def grow(app, w, n: int) -> None:
    """More of everything the feed shows: questions, watched answers, resources, learning."""
    for i in range(n):
        asked = make_thread(app, w["alice"], f"My Excel question {i} of the batch?", tags=["excel"])
        make_answer(app, w["bob"], asked)
        thread = make_thread(app, w["carol"], f"Open Excel question {i} of the batch?", tags=["excel", "vba"])
        with app.app_context():
            follow_actions.set_thread_watch(w["alice"], thread.id, "watching")
        share_resource(app, w["carol"], tags=["excel"])
    add_learning(app, w["alice"], w["mod"], n=n)


def test_the_feed_costs_a_fixed_number_of_queries(app, api, client, auth, two_members):
    w = two_members
    grow(app, w, 1)
    small = feed_statements(app, api, w["alice"])
    auth.login("alice")
    client.get("/for-you")
    with statements(app) as seen:
        assert client.get("/for-you").status_code == 200
    page_small = len(seen)
    grow(app, w, 6)
    assert feed_statements(app, api, w["alice"]) == small
    with statements(app) as seen:
        assert client.get("/for-you").status_code == 200
    assert len(seen) == page_small
    assert small <= FEED_CEILING
