"""Concurrent writers: exact counts, one acceptance, event ids visible in order, no SQLite lock errors.

The PostgreSQL tests run only when COMMUNITY_TEST_DATABASE_URL is set (they skip otherwise, or fail
under COMMUNITY_REQUIRE_SERVICES=1); the SQLite test uses a file database.
"""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import func, select

from community.actions import answers as answer_actions
from community.actions import votes as vote_actions
from community.extensions import db
from community.models import Post, ReputationEntry, User, Vote
from community.queries.users import ledger_sum
from tests.factories import make_answer, make_thread, make_user
from tests.support import ApiClient, run_together


def _count(app: Flask, stmt) -> int:
    with app.app_context():
        return db.session.scalar(stmt) or 0


def _reputation(app: Flask, user: User) -> tuple[int, int]:
    """(reputation, 1 + ledger sum) of a user."""
    with app.app_context():
        return db.session.get(User, user.id).reputation, 1 + ledger_sum(user.id)


def test_twenty_simultaneous_upvotes_count_exactly(pg_app):
    app = pg_app
    asker, author = make_user(app, "asker"), make_user(app, "author")
    answer = make_answer(app, author, make_thread(app, asker))
    voters = [make_user(app, f"voter{n}") for n in range(20)]
    run_together(app, [lambda v=v: vote_actions.cast_vote(v, answer.id, 1) for v in voters])
    assert _count(app, select(Post.score).where(Post.id == answer.id)) == 20
    assert _count(app, select(func.count(Vote.id)).where(Vote.post_id == answer.id)) == 20
    assert _count(app, select(func.count(ReputationEntry.id)).where(
        ReputationEntry.user_id == author.id, ReputationEntry.reason == "upvote")) == 20
    assert _reputation(app, author) == (201, 201)  # 20 x 10 is exactly the daily cap


def test_a_vote_submitted_several_times_at_once_counts_once(pg_app):
    app = pg_app
    asker, author, voter = make_user(app, "asker"), make_user(app, "author"), make_user(app, "voter")
    answer = make_answer(app, author, make_thread(app, asker))
    results = run_together(app, [lambda: vote_actions.cast_vote(voter, answer.id, 1)] * 8)
    assert {(r.score, r.my_vote) for r in results} == {(1, 1)}
    assert _count(app, select(func.count(Vote.id)).where(Vote.post_id == answer.id)) == 1
    assert _count(app, select(func.count(ReputationEntry.id)).where(
        ReputationEntry.user_id == author.id)) == 1
    assert _reputation(app, author) == (11, 11)


def test_conflicting_votes_at_once_leave_a_consistent_score_and_ledger(pg_app):
    app = pg_app
    asker, author = make_user(app, "asker"), make_user(app, "author")
    voter = make_user(app, "voter", reputation=100)
    answer = make_answer(app, author, make_thread(app, asker))
    values = [1, -1, 0, 1, -1, 0, 1, -1]
    run_together(app, [lambda v=v: vote_actions.cast_vote(voter, answer.id, v) for v in values])
    with app.app_context():
        votes = db.session.scalars(select(Vote.value).where(Vote.post_id == answer.id)).all()
        assert len(votes) <= 1
        assert db.session.get(Post, answer.id).score == sum(votes)
    assert _reputation(app, author)[0] == _reputation(app, author)[1]
    assert _reputation(app, voter)[0] == _reputation(app, voter)[1]


@pytest.mark.parametrize("round_", range(3))
def test_two_simultaneous_accepts_leave_exactly_one_accepted_answer(pg_app, round_):
    app = pg_app
    asker = make_user(app, "asker")
    first_author, second_author = make_user(app, "first"), make_user(app, "second")
    thread = make_thread(app, asker)
    answers = [make_answer(app, first_author, thread), make_answer(app, second_author, thread)]
    run_together(app, [lambda a=a: answer_actions.accept_answer(asker, thread.id, a.id)
                       for a in answers])
    with app.app_context():
        accepted = db.session.get(Post, thread.id).accepted_answer_id
    assert accepted in {a.id for a in answers}
    winner, loser = (first_author, second_author) if accepted == answers[0].id else (
        second_author, first_author)
    assert _reputation(app, winner) == (16, 16)
    assert _reputation(app, loser) == (1, 1)
    assert _reputation(app, asker) == (3, 3)


def test_two_users_downvoting_each_other_at_once_both_succeed(pg_app):
    app = pg_app
    asker = make_user(app, "asker")
    thread = make_thread(app, asker)
    rivals = [make_user(app, "ann", reputation=500), make_user(app, "ben", reputation=500)]
    answers = [make_answer(app, rival, thread) for rival in rivals]
    for value in (-1, 0, -1, 1, -1, 0) * 2:
        run_together(app, [lambda v=value: vote_actions.cast_vote(rivals[0], answers[1].id, v),
                           lambda v=value: vote_actions.cast_vote(rivals[1], answers[0].id, v)])
    for rival in rivals:
        assert _reputation(app, rival) == (500, 500)


def test_crossing_acceptances_at_once_both_succeed(pg_app):
    app = pg_app
    ann, ben = make_user(app, "ann"), make_user(app, "ben")
    threads = [make_thread(app, ann), make_thread(app, ben)]
    answers = [make_answer(app, ben, threads[0]), make_answer(app, ann, threads[1])]
    for answer_ids in ([a.id for a in answers], [None, None]) * 4:
        run_together(app, [
            lambda ids=answer_ids: answer_actions.accept_answer(ann, threads[0].id, ids[0]),
            lambda ids=answer_ids: answer_actions.accept_answer(ben, threads[1].id, ids[1])])
    assert _reputation(app, ann) == (1, 1) and _reputation(app, ben) == (1, 1)


def _read_events_until(api: ApiClient, thread_id: int, done: threading.Event) -> list[int]:
    """Poll the events endpoint with a cursor, the way a reconnecting client does."""
    seen: list[int] = []
    cursor = 0
    while True:
        finished = done.is_set()
        body = api.get(f"threads/{thread_id}/events", query_string={"after": cursor}).json
        seen.extend(event["id"] for event in body["events"])
        cursor = body["last_id"]
        if finished:
            return seen


def test_event_ids_become_visible_in_increasing_order(pg_app):
    app = pg_app
    api = ApiClient(app)
    asker = make_user(app, "asker")
    thread = make_thread(app, asker)
    pairs = [(make_user(app, f"voter{n}"), make_answer(app, make_user(app, f"author{n}"), thread))
             for n in range(10)]
    done = threading.Event()
    seen: list[int] = []
    reader = threading.Thread(target=lambda: seen.extend(_read_events_until(api, thread.id, done)))
    reader.start()

    def write(voter: User, answer: Post) -> None:
        for value in (1, 0) * 5:
            vote_actions.cast_vote(voter, answer.id, value)

    try:
        run_together(app, [lambda p=p: write(*p) for p in pairs])
    finally:
        done.set()
        reader.join(timeout=60)
    everything = [e["id"] for e in api.get(f"threads/{thread.id}/events",
                                           query_string={"after": 0}).json["events"]]
    assert len(everything) == 10 + 10 * 10  # answer_created + vote_changed events
    assert seen == sorted(seen) and len(seen) == len(set(seen))
    assert seen == everything, "the reader's cursor passed an event that was committed later"


def test_concurrent_writers_on_sqlite_all_succeed(sqlite_file_app):
    app = sqlite_file_app
    asker = make_user(app, "asker")
    thread = make_thread(app, asker)
    clients = [ApiClient(app).as_user(make_user(app, f"writer{n}")) for n in range(12)]

    def write(client: ApiClient) -> list[int]:
        answer = client.post(f"threads/{thread.id}/answers", {"body": "Concurrent answer"})
        voted = client.post(f"posts/{thread.id}/vote", {"value": 1})
        if answer.status_code != 201:
            return [answer.status_code, voted.status_code]
        edited = client.patch(f"posts/{answer.json['id']}", {"body": "Edited concurrently"})
        return [answer.status_code, voted.status_code, edited.status_code]

    results = run_together(app, [lambda c=c: write(c) for c in clients])
    assert results == [[201, 200, 200]] * len(clients)
    body = ApiClient(app).get(f"threads/{thread.id}").json
    assert body["answer_count"] == 12 and len(body["answers"]) == 12
    assert body["score"] == 12
    assert _reputation(app, asker) == (121, 121)


def _share_at_once(app: Flask) -> list[object]:
    from community.actions import resources as resource_actions
    from community.errors import Conflict

    sharers = [make_user(app, f"sharer{n}") for n in range(6)]
    urls = ["https://example.com/guide", "https://www.example.com/guide/", "HTTPS://EXAMPLE.COM/guide#a",
            "https://example.com/guide?utm_source=x", "https://example.com:443/guide",
            "https://example.com/guide?fbclid=1"]

    def share(user: User, url: str) -> object:
        try:
            return resource_actions.share_resource(user, resource_actions.ResourceDraft(url=url)).id
        except Conflict as conflict:
            return conflict

    calls = [lambda u=u, url=url: share(u, url) for u, url in zip(sharers, urls, strict=True)]
    return run_together(app, calls)


def _assert_one_resource(app: Flask, results: list[object]) -> None:
    from community.models import Resource

    created = [r for r in results if isinstance(r, int)]
    assert len(created) == 1, results
    assert all(r.code == "duplicate" and r.existing["id"] == created[0]
               for r in results if not isinstance(r, int))
    assert _count(app, select(func.count(Resource.id))) == 1


def test_the_same_link_shared_at_once_makes_one_resource_on_postgresql(pg_app):
    _assert_one_resource(pg_app, _share_at_once(pg_app))


def test_the_same_link_shared_at_once_makes_one_resource_on_sqlite(sqlite_file_app):
    _assert_one_resource(sqlite_file_app, _share_at_once(sqlite_file_app))


def test_simultaneous_ratings_keep_the_totals_exact(pg_app):
    from community.actions import resources as resource_actions
    from community.models import Resource, ResourceRating
    from tests.factories import share_resource

    app = pg_app
    resource = share_resource(app, make_user(app, "sharer"))
    raters = [make_user(app, f"rater{n}") for n in range(12)]
    calls = [lambda r=r, n=n: resource_actions.rate_resource(r, resource.id, n % 5 + 1)
             for n, r in enumerate(raters)]
    calls += [lambda: resource_actions.rate_resource(raters[0], resource.id, 5)] * 4
    run_together(app, calls)
    with app.app_context():
        row = db.session.get(Resource, resource.id)
        stars = db.session.scalars(select(ResourceRating.stars)
                                   .where(ResourceRating.resource_id == resource.id)).all()
        assert (row.rating_count, row.rating_sum) == (len(stars), sum(stars)) == (12, sum(stars))
