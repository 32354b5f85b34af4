"""The thread page's stored answer markup (community/web/forum/answer_cache.py): every viewer
gets exactly the page they would get without it, members who may do the same things share
entries, and a write shows at once."""

from __future__ import annotations

import re

import pytest

from community.actions.suspensions import suspend_user
from community.models import Role
from community.web.forum.answer_cache import answer_fragments
from tests.factories import give_feedback, make_answer, make_thread, make_user, share_resource, vote
from tests.support import AuthActions

# Per-response strings: the session's CSRF token and the CSP nonce.
_VOLATILE = [(re.compile(r'(name="csrf_token" value=")[^"]+'), r"\1T"),
             (re.compile(r'(name="csrf-token" content=")[^"]+'), r"\1T"),
             (re.compile(r'nonce="[^"]+"'), 'nonce="N"')]


@pytest.fixture
def app(make_app):
    return make_app(THREAD_CACHE_SECONDS=60)


@pytest.fixture
def people(app):
    made = {name: make_user(app, name) for name in ("asker", "ben", "cleo", "dana", "eve", "sam")}
    made["high"] = make_user(app, "high", reputation=5000)  # may downvote and edit others' posts
    made["mid"] = make_user(app, "mid", reputation=100)  # may downvote, not edit others' posts
    made["mod"] = make_user(app, "mod", role=Role.MODERATOR)
    return made


@pytest.fixture
def thread(app, people):
    thread = make_thread(app, people["asker"], "Why does the mesh solver diverge?", tags=["cfd"])
    first = make_answer(app, people["ben"], thread, "Refine the boundary layer mesh.")
    share_resource(app, people["eve"], "https://learn.example.com/cfl", title="The CFL condition")
    share_resource(app, people["eve"], title="Meshing for CFD", tags=["cfd"])
    second = make_answer(app, people["cleo"], thread, "Lower the [CFL number](https://learn.example.com/cfl).")
    make_answer(app, people["dana"], thread, "Check the inlet profile.")
    vote(app, people["dana"], first, 1)
    vote(app, people["high"], second, -1)
    give_feedback(app, people["dana"], second, False, "Which CFL number?")
    with app.app_context():
        suspend_user(people["mod"], "sam", reason="Spamming", days=1)
    return thread


def page(app, thread_id: int, username: str | None) -> str:
    client = app.test_client()
    if username:
        assert AuthActions(client).login(username).status_code in (302, 303)
        client.get("/")  # shows the "welcome back" message, so the thread pages below don't
    html = client.get(f"/questions/{thread_id}").get_data(as_text=True)
    again = client.get(f"/questions/{thread_id}").get_data(as_text=True)  # the same, from entries
    for pattern, stand_in in _VOLATILE:
        html, again = pattern.sub(stand_in, html), pattern.sub(stand_in, again)
    assert html == again
    return html


VIEWERS = ["dana", "high", "mid", "asker", "ben", "eve", "mod", "sam", None]


def test_every_viewer_sees_the_page_they_would_without_stored_answers(app, make_app, people, thread):
    for viewer in VIEWERS:  # fill the store from everyone first, so entries are shared across people
        page(app, thread.id, viewer)
    assert len(answer_fragments(app)._entries) > 0
    html = page(app, thread.id, "eve")
    assert "Resources linked here" in html and "Resources that may help" in html  # the stored aside
    uncached = make_app(THREAD_CACHE_SECONDS=0)
    for viewer in VIEWERS:
        assert page(app, thread.id, viewer) == page(uncached, thread.id, viewer), viewer


def test_members_who_may_do_the_same_share_entries_and_authors_and_moderators_store_none(
        app, people, thread):
    page(app, thread.id, "eve")
    stored = len(answer_fragments(app)._entries)
    assert stored == 3  # three answers, none of them eve's
    make_user(app, "finn")
    page(app, thread.id, "finn")  # another member with nothing given on the page: no new entry
    assert len(answer_fragments(app)._entries) == stored
    page(app, thread.id, "mod")
    assert len(answer_fragments(app)._entries) == stored
    page(app, thread.id, "ben")  # his upvoted answer gave him 11 reputation, which the locked
    assert len(answer_fragments(app)._entries) == stored + 2  # downvote names; his own: never


def test_a_vote_shows_on_the_voters_next_page(app, people, thread):
    html = page(app, thread.id, "eve")
    assert 'aria-pressed="true"' not in html
    answer_id = int(re.search(r'data-answer-id="(\d+)" aria-label="Answer by cleo"', html).group(1))
    vote(app, people["eve"], answer_id, 1)
    html = page(app, thread.id, "eve")
    widget = html[html.index(f'data-post-id="{answer_id}"'):]
    assert re.search(r'value="0" class="vote-button vote-up"\s+aria-pressed="true"', widget)
