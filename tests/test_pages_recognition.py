"""Recognition pages without JavaScript: badges, leaderboard, kudos, profiles, privilege gates."""

from __future__ import annotations

import re

from community.models import Role
from tests.browsing import source_of, submit, text_of
from tests.factories import accept, give_kudos, make_answer, make_thread, make_user, set_department
from tests.test_pages import assert_no_inline_script

XSS = "<script>alert(1)</script>"


def test_badges_and_leaderboard_pages_are_in_the_nav_and_render(app, client):
    alice, bob = make_user(app, "alice", display_name="Alice Liddell"), make_user(app, "bob")
    set_department(app, bob, "Finance")
    thread = make_thread(app, alice, title="How do I close the quarter?", tags=["excel"])
    accept(app, alice, thread, make_answer(app, bob, thread))
    home = source_of(client.get("/"))
    assert 'href="/badges"' in home and 'href="/leaderboard"' in home
    badges = client.get("/badges")
    page = text_of(badges)
    for phrase in ("Gold", "Silver", "Bronze", "First Question", "1 person", "Great Answer",
                   "0 people", "Track Finisher", "Goal Getter", "Curator", "Live Helper"):
        assert phrase in page, phrase
    assert_no_inline_script(source_of(badges))
    assert 'aria-current="page"' in source_of(badges).split('href="/badges"', 1)[1][:80]
    detail = text_of(client.get("/badges/first-accepted-answer"))
    assert "Problem Solver" in detail and "bob" in detail and "1 person has it" in detail
    assert client.get("/badges/nope").status_code == 404
    board = client.get("/leaderboard")
    text = text_of(board)
    assert "This week" in text and "All time" in text and "+15" in text and "Finance" in text
    assert_no_inline_script(source_of(board))
    assert "Nobody on the board yet" in text_of(client.get("/leaderboard?department=Sales"))
    assert "+15" in text_of(client.get("/leaderboard?period=all&tag=excel"))
    assert client.get("/leaderboard?period=decade").status_code == 422


def test_profile_shows_badges_with_their_posts_kudos_graph_and_accept_rate(app, client, auth):
    alice, bob = make_user(app, "alice"), make_user(app, "bob", display_name="Bob Builder")
    thread = make_thread(app, alice, title="Where is the pricing template?")
    answer = make_answer(app, bob, thread)
    make_answer(app, bob, thread)
    accept(app, alice, thread, answer)
    give_kudos(app, alice, bob, f"Thanks a lot {XSS}", answer)
    response = client.get("/users/bob")
    page, source = text_of(response), source_of(response)
    assert "Problem Solver" in page and "Appreciated" in page
    assert f"Thanks a lot {XSS}" in page and XSS not in source  # escaped
    assert "Accept rate 50%" in page and "Kudos 1" in page
    assert '<svg viewBox="0 0 640 200" role="img"' in source and "rep-line" in source
    assert "Reputation over time: 1 on" in page
    assert "Next privilege" not in page  # only on your own profile
    badges_tab = client.get("/users/bob?tab=badges")
    assert "for Where is the pricing template?" in text_of(badges_tab)
    assert f'href="/questions/{thread.id}#answer-{answer.id}"' in source_of(badges_tab)
    kudos_tab = text_of(client.get("/users/bob?tab=kudos"))
    assert "alice" in kudos_tab and "Thanks a lot" in kudos_tab
    assert_no_inline_script(source)
    auth.login("bob")
    own = text_of(client.get("/users/bob"))
    assert "Next privilege: downvote at 50 reputation (34 to go)" in own
    assert "Your privileges" in own and "Give kudos" not in own


def test_giving_kudos_with_the_forms(app, client, auth):
    alice, bob = make_user(app, "alice"), make_user(app, "bob", display_name="Bob Builder")
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread)
    auth.login("alice")
    thread_page = source_of(client.get(f"/questions/{thread.id}"))
    assert "Give kudos" in thread_page and f'name="post_id" value="{answer.id}"' in thread_page
    response = submit(client, "/kudos", {"post_id": answer.id, "message": "Saved my day",
                                         "next": f"/questions/{thread.id}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/questions/{thread.id}")
    assert "Kudos sent to Bob Builder" in text_of(client.get("/kudos"))
    submit(client, "/kudos", {"to": "@bob", "message": "And thanks again", "next": "/users/bob"})
    feed = text_of(client.get("/kudos?to=bob"))
    assert "Kudos for Bob Builder" in feed and "2 kudos" in feed and "Saved my day" in feed
    refused = submit(client, "/kudos", {"to": "alice", "message": "Me!", "next": "https://evil.example/"})
    assert refused.status_code == 422 and "yourself" in text_of(refused)
    assert 'href="/kudos"' in source_of(refused)  # the way back never leaves the site
    assert "Give kudos" in text_of(client.get("/users/bob"))


def test_kudos_limit_on_the_form_is_a_429_page(app, client, auth):
    app.config.update(RATELIMIT_ENABLED=True, KUDOS_DAILY_LIMIT=1)
    make_user(app, "alice"), make_user(app, "bob")
    auth.login("alice")
    assert submit(client, "/kudos", {"to": "bob", "message": "one"}).status_code == 302
    refused = submit(client, "/kudos", {"to": "bob", "message": "two"})
    assert refused.status_code == 429 and "1 kudos a day" in text_of(refused)
    assert int(refused.headers["Retry-After"]) > 0


def test_downvote_button_explains_the_privilege_it_needs(app, client, auth):
    alice = make_user(app, "alice")
    make_user(app, "newbie")
    make_user(app, "veteran", reputation=50)
    thread = make_thread(app, alice)
    auth.login("newbie")
    page = source_of(client.get(f"/questions/{thread.id}"))
    button = re.search(r'<button[^>]*class="vote-button vote-down[^"]*"[^>]*>', page).group(0)
    assert 'title="Downvoting needs 50 reputation; you have 1"' in button and "data-locked" in button
    refused = submit(client, f"/posts/{thread.id}/vote", {"value": "-1"})
    assert refused.status_code == 403 and "Downvoting needs 50 reputation" in text_of(refused)
    auth.logout()
    auth.login("veteran")
    page = source_of(client.get(f"/questions/{thread.id}"))
    assert 'aria-label="Downvote this question"' in page and "data-locked" not in page


def test_retag_page_is_gated_by_the_privilege(app, client, auth):
    alice = make_user(app, "alice")
    make_user(app, "low", reputation=499)
    make_user(app, "gardener", reputation=500)
    thread = make_thread(app, alice, tags=["excel"])
    auth.login("low")
    assert "Edit tags" not in text_of(client.get(f"/questions/{thread.id}"))
    refused = client.get(f"/questions/{thread.id}/retag")
    assert refused.status_code == 403 and "500 reputation" in text_of(refused)
    auth.logout()
    auth.login("gardener")
    assert "Edit tags" in text_of(client.get(f"/questions/{thread.id}"))
    response = submit(client, f"/questions/{thread.id}/retag", {"tags": "excel vba"})
    assert response.status_code == 302
    assert "vba" in text_of(client.get(f"/questions/{thread.id}"))


def test_vote_flags_page_is_for_moderators(app, client, auth):
    make_user(app, "member")
    make_user(app, "mod", role=Role.MODERATOR)
    auth.login("member")
    assert client.get("/moderation/vote-flags").status_code == 403
    auth.logout()
    auth.login("mod")
    page = client.get("/moderation/vote-flags")
    assert page.status_code == 200 and "No flags" in text_of(page)
    assert 'href="/moderation/vote-flags"' in source_of(client.get("/"))
