"""The Q&A pages as a browser without JavaScript uses them: lists, asking, answering, voting,
accepting, editing, deleting, views and escaping."""

from __future__ import annotations

import re

from tests.browsing import section, source_of, submit, text_of, text_of_fragment
from tests.factories import accept, make_answer, make_thread, make_user, vote
from tests.support import AuthActions

XSS = "<script>alert(1)</script>"


def assert_no_inline_script(page: str) -> None:
    """Ready for the strict CSP: scripts only as external modules carrying the request's nonce,
    no inline handlers."""
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts and all('type="module" src="/static/js/' in tag for tag in scripts)
    nonces = {re.search(r'nonce="([^"]+)"', tag).group(1) if 'nonce="' in tag else None for tag in scripts}
    assert len(nonces) == 1 and None not in nonces, scripts
    assert not re.search(r"\son[a-z]+=", page)


def test_every_page_renders_for_anonymous_visitors(app, client):
    alice = make_user(app, "alice", display_name="Alice Liddell", department="Finance")
    thread = make_thread(app, alice, title="How do I refresh a pivot table?", tags=["excel"])
    make_answer(app, make_user(app, "bob"), thread, body="Use **Refresh All**.")
    expectations = {
        "/": ["All questions", "How do I refresh a pivot table?", "Alice Liddell", "Log in"],
        "/tags": ["Tags", "excel", "1 question"],
        "/tags/excel": ["Questions tagged", "How do I refresh a pivot table?"],
        f"/questions/{thread.id}": ["How do I refresh a pivot table?", "Refresh All", "1 answer",
                                    "Log in or create an account to answer"],
        f"/questions/{thread.id}/how-do-i-refresh-a-pivot-table": ["Refresh All"],
        "/users/alice": ["Alice Liddell", "@alice", "Reputation", "How do I refresh a pivot table?"],
        "/login": ["Log in", "Username or email", "Password"],
        "/register": ["Create an account", "Username", "Email", "Display name"],
    }
    for path, phrases in expectations.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.mimetype == "text/html"
        page = text_of(response)
        for phrase in phrases:
            assert phrase in page, (path, phrase)
        assert "Skip to content" in page and 'name="q"' in source_of(response)
        assert_no_inline_script(source_of(response))


def test_every_page_renders_for_a_logged_in_member(app, client, auth):
    alice = make_user(app, "alice", display_name="Alice Liddell")
    thread = make_thread(app, alice, title="How do I refresh a pivot table?", tags=["excel"])
    answer = make_answer(app, alice, thread, body="Answering myself.")
    auth.login("alice")
    expectations = {
        "/": ["All questions", "Your profile", "Log out"],
        "/questions/ask": ["Ask a question", "Title", "Details", "Tags"],
        f"/questions/{thread.id}": ["Your answer", "Post your answer", "Edit"],
        f"/questions/{thread.id}/edit": ["Edit question", "How do I refresh a pivot table?"],
        f"/posts/{answer.id}/edit": ["Edit answer", "Answering myself."],
        "/settings/profile": ["Profile settings", "Department", "Job role", "Skills"],
        "/users/alice": ["Alice Liddell", "Edit profile"],
        "/tags": ["excel"],
    }
    for path, phrases in expectations.items():
        response = client.get(path)
        assert response.status_code == 200, path
        page, source = text_of(response), source_of(response)
        for phrase in phrases:
            assert phrase in page or f'value="{phrase}"' in source, (path, phrase)
        assert 'name="csrf-token"' in source


def test_the_question_list_filters_sorts_and_pages_like_the_api(app, client):
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    threads = [make_thread(app, alice, title=f"Simulation question number {n:02d}") for n in range(21)]
    answered = make_thread(app, bob, title="Bob's answered question", tags=["excel"])
    answer = make_answer(app, alice, answered)
    accept(app, bob, answered, answer)
    vote(app, bob, threads[0], 1)

    first = text_of(client.get("/"))
    assert "22 questions" in first and "Bob's answered question" in first
    assert "Simulation question number 01" not in first  # the 21st most active is on page 2
    assert "Simulation question number 01" in text_of(client.get("/?page=2"))
    by_votes = text_of(client.get("/?sort=votes"))
    assert by_votes.index("number 00") < by_votes.index("Bob's answered question")
    assert by_votes.index("number 00") < by_votes.index("number 20")
    solved = text_of(client.get("/?status=solved"))
    assert "1 question" in solved and "Bob's answered question" in solved
    assert "Bob's answered question" not in text_of(client.get("/?status=unanswered"))
    assert "Bob's answered question" in text_of(client.get("/?tag=excel"))
    by_bob = text_of(client.get("/?author=bob"))
    assert "Questions by bob" in by_bob and "Simulation question" not in by_bob
    assert 'aria-current="page">Solved' in source_of(client.get("/?status=solved"))


def test_the_question_list_has_an_empty_state_and_marks_solved_threads(app, client):
    assert "No questions yet" in text_of(client.get("/"))
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    thread = make_thread(app, alice, title="A question that gets solved")
    accept(app, alice, thread, make_answer(app, bob, thread))
    listing = source_of(client.get("/"))
    assert "is-solved" in listing and "one accepted" in listing
    assert "No questions match" in text_of(client.get("/?status=unanswered"))


def test_asking_requires_a_login(app, client):
    response = client.get("/questions/ask")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/questions/ask")


def test_asking_through_the_form_creates_the_thread_and_shows_it(app, client, auth):
    make_user(app, "alice")
    auth.login("alice")
    response = submit(client, "/questions/ask", {
        "title": "  How do I export the score report?  ", "body": "I need **bold** help.",
        "tags": "Excel, VBA  reporting"})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/questions/") and location.endswith("/how-do-i-export-the-score-report")
    page = client.get(location)
    assert "<strong>bold</strong>" in source_of(page)
    assert "Your question is posted." in text_of(page)
    for tag in ("excel", "vba", "reporting"):
        assert f'href="/tags/{tag}"' in source_of(page)
    assert "How do I export the score report?" in text_of(client.get("/"))


def test_an_invalid_question_is_shown_again_with_the_errors_and_what_was_typed(app, client, auth):
    make_user(app, "alice")
    auth.login("alice")
    response = submit(client, "/questions/ask", {"title": "Short", "body": "My long details",
                                                 "tags": "bad_tag!"})
    assert response.status_code == 422
    page = text_of(response)
    assert "Title must be 10-200 characters." in page
    assert 'value="Short"' in source_of(response) and "My long details" in page
    assert 'aria-invalid="true"' in source_of(response)
    assert "No questions yet" in text_of(client.get("/"))


def test_the_answer_form_posts_an_answer_and_shows_errors_in_place(app, client, auth):
    thread = make_thread(app, make_user(app, "alice"), title="Where is the onboarding list?")
    make_user(app, "bob")
    auth.login("bob")
    empty = submit(client, f"/questions/{thread.id}/answers", {"body": "   "})
    assert empty.status_code == 422
    assert "Answer must be 1-30,000 characters." in text_of(empty)
    assert "Where is the onboarding list?" in text_of(empty)
    posted = submit(client, f"/questions/{thread.id}/answers", {"body": "It's in the *L&D* space."})
    assert posted.status_code == 302
    answer_anchor = posted.headers["Location"].split("#")[1]
    assert answer_anchor.startswith("answer-")
    page = client.get(f"/questions/{thread.id}")
    assert "<em>L&amp;D</em>" in section(page, answer_anchor)
    assert "1 answer" in text_of(page) and "Your answer is posted." in text_of(page)


def test_vote_forms_change_the_score_and_return_to_the_post(app, client, auth):
    alice = make_user(app, "alice")
    thread = make_thread(app, alice)
    answer = make_answer(app, alice, thread)
    make_user(app, "bob")
    auth.login("bob")
    response = submit(client, f"/posts/{answer.id}/vote", {"value": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/questions/{thread.id}#answer-{answer.id}")
    article = section(client.get(f"/questions/{thread.id}"), f"answer-{answer.id}")
    assert '<output class="vote-score" data-score aria-label="Score">1</output>' in article
    assert 'value="0" class="vote-button vote-up"' in article  # pressing again removes it
    assert 'aria-pressed="true"' in article
    submit(client, f"/posts/{answer.id}/vote", {"value": "0"})
    article = section(client.get(f"/questions/{thread.id}"), f"answer-{answer.id}")
    assert 'aria-label="Score">0</output>' in article and 'aria-pressed="true"' not in article
    question_vote = submit(client, f"/posts/{thread.id}/vote", {"value": "1"})
    assert question_vote.headers["Location"].startswith(f"/questions/{thread.id}/")


def test_refused_votes_explain_why_with_a_403_page(app, client, auth):
    alice = make_user(app, "alice")
    thread = make_thread(app, alice)
    auth.login("alice")
    own = submit(client, f"/posts/{thread.id}/vote", {"value": "1"})
    assert own.status_code == 403
    assert "You can't vote on your own post." in text_of(own) and "Go back" in text_of(own)
    make_user(app, "newcomer")
    auth.login("newcomer")
    down = submit(client, f"/posts/{thread.id}/vote", {"value": "-1"})
    assert down.status_code == 403 and "Downvoting needs 50 reputation" in text_of(down)


def test_anonymous_visitors_are_sent_to_log_in_to_vote(app, client):
    thread = make_thread(app, make_user(app, "alice"))
    article = section(client.get(f"/questions/{thread.id}"), "question")
    assert "Log in to vote" in article and "/login?next=" in article
    assert 'data-vote-form' not in article


def test_the_asker_accepts_and_unaccepts_through_the_form(app, client, auth):
    alice, bob, carol = make_user(app, "alice"), make_user(app, "bob"), make_user(app, "carol")
    thread = make_thread(app, alice)
    first = make_answer(app, bob, thread, body="First answer.")
    second = make_answer(app, carol, thread, body="Second answer.")
    auth.login("alice")
    page = source_of(client.get(f"/questions/{thread.id}"))
    assert page.index(f"answer-{first.id}") < page.index(f"answer-{second.id}")
    response = submit(client, f"/questions/{thread.id}/accept", {"answer_id": str(second.id)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#answer-{second.id}")
    page = client.get(f"/questions/{thread.id}")
    accepted = section(page, f"answer-{second.id}")
    assert "is-accepted" in accepted and "Unaccept" in accepted and "Accepted answer" in accepted
    assert source_of(page).index(f'id="answer-{second.id}"') < source_of(page).index(
        f'id="answer-{first.id}"')
    assert "Solved" in text_of(page)
    submit(client, f"/questions/{thread.id}/accept", {"answer_id": ""})
    page = client.get(f"/questions/{thread.id}")
    assert "is-accepted" not in section(page, f"answer-{second.id}")
    assert "The answer is no longer accepted." in text_of(page)


def test_only_the_asker_sees_the_accept_button_and_others_get_403(app, client, auth):
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread)
    auth.login("bob")
    assert "Accept this answer" not in text_of(client.get(f"/questions/{thread.id}"))
    response = submit(client, f"/questions/{thread.id}/accept", {"answer_id": str(answer.id)})
    assert response.status_code == 403
    assert "Only the person who asked can accept an answer." in text_of(response)
    auth.login("alice")
    assert "Accept this answer" in text_of(client.get(f"/questions/{thread.id}"))


def test_editing_a_question_shows_the_edited_marker(app, client, auth):
    alice = make_user(app, "alice", display_name="Alice Liddell")
    thread = make_thread(app, alice, title="Original title of question", tags=["excel"])
    auth.login("alice")
    form = client.get(f"/questions/{thread.id}/edit")
    assert 'value="Original title of question"' in source_of(form) and 'value="excel"' in source_of(form)
    assert "edited" not in text_of(client.get(f"/questions/{thread.id}"))
    response = submit(client, f"/questions/{thread.id}/edit", {
        "title": "Better title of question", "body": "Clearer body.", "tags": "excel onboarding"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    question = section(page, "question")
    assert "Better title of question" in text_of(page) and "Clearer body." in question
    marker = " ".join(text_of_fragment(question).split())
    assert "edited" in marker and "by Alice Liddell" in marker
    assert 'href="/tags/onboarding"' in question


def test_editing_an_answer_and_invalid_edits(app, client, auth):
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread, body="First draft.")
    auth.login("bob")
    bad = submit(client, f"/posts/{answer.id}/edit", {"body": ""})
    assert bad.status_code == 422 and "Answer must be 1-30,000 characters." in text_of(bad)
    response = submit(client, f"/posts/{answer.id}/edit", {"body": "Second draft."})
    assert response.headers["Location"].endswith(f"#answer-{answer.id}")
    article = section(client.get(f"/questions/{thread.id}"), f"answer-{answer.id}")
    assert "Second draft." in article and "edited" in article
    assert client.get(f"/posts/{thread.id}/edit").headers["Location"].endswith(
        f"/questions/{thread.id}/edit")


def test_edit_and_delete_controls_appear_only_where_permitted(app, client, auth):
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread)
    auth.login("alice")
    page = client.get(f"/questions/{thread.id}")
    assert "Edit" in section(page, "question")  # her question, but it has an answer now:
    assert "Delete" not in section(page, "question")
    assert "Edit" not in text_of_fragment(section(page, f"answer-{answer.id}"))
    assert client.get(f"/posts/{answer.id}/edit").status_code == 403
    forbidden = submit(client, f"/posts/{answer.id}/edit", {"body": "Hijacked"})
    assert forbidden.status_code == 403 and "1,000 reputation" in text_of(forbidden)
    refused = submit(client, f"/questions/{thread.id}/delete")
    assert refused.status_code == 403 and "can't be deleted by its author" in text_of(refused)


def test_deleting_an_answer_hides_it_except_from_moderators(app, client, auth):
    from community.models import Role

    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    make_user(app, "mod", role=Role.MODERATOR)
    thread = make_thread(app, alice)
    answer = make_answer(app, bob, thread, body="Soon to be gone.")
    auth.login("bob")
    assert "Yes, delete this answer" in section(client.get(f"/questions/{thread.id}"),
                                                f"answer-{answer.id}")
    response = submit(client, f"/posts/{answer.id}/delete")
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "The answer is deleted." in page and "Soon to be gone." not in page
    auth.login("mod")
    article = section(client.get(f"/questions/{thread.id}"), f"answer-{answer.id}")
    assert "is-deleted" in article and "deleted</span>" in article and "Soon to be gone." in article


def test_deleting_an_unanswered_question_through_the_confirmation(app, client, auth):
    from community.models import Role

    thread = make_thread(app, make_user(app, "alice"), title="A question I regret asking")
    make_user(app, "mod", role=Role.MODERATOR)
    auth.login("alice")
    question = section(client.get(f"/questions/{thread.id}"), "question")
    assert "<details class=\"confirm-delete\">" in question and "Yes, delete this question" in question
    response = submit(client, f"/questions/{thread.id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = text_of(client.get("/"))
    assert "The question is deleted." in home and "A question I regret asking" not in home
    assert client.get(f"/questions/{thread.id}").status_code == 404
    auth.login("mod")
    page = client.get(f"/questions/{thread.id}")
    assert page.status_code == 200 and "deleted" in text_of(page)
    assert "is-deleted" in source_of(client.get("/"))


def test_views_are_counted_once_per_viewer_per_day(app, client, auth):
    thread = make_thread(app, make_user(app, "alice"))
    path = f"/questions/{thread.id}"
    assert "Viewed 1 time" in text_of(client.get(path))
    assert "Viewed 1 time" in text_of(client.get(path))
    other_browser = app.test_client()
    assert "Viewed 2 times" in text_of(other_browser.get(path, headers={"User-Agent": "Other/1.0"}))
    make_user(app, "bob")
    auth.login("bob")
    assert "Viewed 3 times" in text_of(client.get(path))
    assert "Viewed 3 times" in text_of(client.get(path))
    assert "3 views" in text_of(client.get("/"))


def test_a_wrong_slug_redirects_to_the_canonical_address(app, client):
    thread = make_thread(app, make_user(app, "alice"), title="Edit: how do I edit a macro?")
    response = client.get(f"/questions/{thread.id}/old-title")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/questions/{thread.id}/edit-how-do-i-edit-a-macro"
    assert client.get(response.headers["Location"]).status_code == 200


def test_unknown_threads_tags_and_answers_get_the_site_404_page(app, client):
    thread = make_thread(app, make_user(app, "alice"))
    answer = make_answer(app, make_user(app, "bob"), thread)
    for path in ("/questions/99999", f"/questions/{answer.id}", "/tags/no-such-tag",
                 "/users/nobody", "/users/nobody/avatar.svg", "/no/such/page"):
        response = client.get(path)
        assert response.status_code == 404, path
        page = text_of(response)
        assert "We couldn't find that page" in page and "Go to the questions" in page, path
        assert "Skip to content" in page and "Community" in page


def test_the_tags_page_lists_and_filters_tags(app, client):
    alice = make_user(app, "alice")
    make_thread(app, alice, tags=["excel", "onboarding"])
    make_thread(app, alice, tags=["excel"])
    page = text_of(client.get("/tags"))
    assert "excel" in page and "2 questions" in page and "onboarding" in page
    filtered = text_of(client.get("/tags?q=EX"))
    assert "1 tag starting with “ex”" in filtered and "onboarding" not in filtered
    assert "No tags match" in text_of(client.get("/tags?q=zzz"))


def test_user_text_is_escaped_on_every_page(app, client, auth):
    evil = make_user(app, "mallory", display_name='<img src=x onerror="alert(1)">')
    thread = make_thread(app, evil, title=f"{XSS} in my macro?", body=f"Body {XSS}")
    answer = make_answer(app, evil, thread, body=f"Answer {XSS}")
    vote(app, make_user(app, "bob"), answer, 1)
    paths = ["/", f"/questions/{thread.id}", "/users/mallory", "/users/mallory?tab=answers",
             "/users/mallory?tab=reputation", "/tags"]
    auth.login("mallory")
    paths += [f"/questions/{thread.id}/edit", f"/posts/{answer.id}/edit", "/settings/profile"]
    for path in paths:
        body = source_of(client.get(path))
        assert XSS not in body, path
        assert "<img src=x" not in body, path
    page = source_of(client.get(f"/questions/{thread.id}"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; in my macro?" in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page


def test_forms_without_the_csrf_token_are_refused(app, client, auth):
    make_user(app, "alice")
    auth.login("alice")
    response = client.post("/questions/ask", data={"title": "A question without a token",
                                                   "body": "Body", "tags": ""})
    assert response.status_code == 403
    assert "CSRF token is missing" in text_of(response) and "Skip to content" in text_of(response)
    assert "No questions yet" in text_of(client.get("/"))


def test_login_required_mode_sends_visitors_to_the_login_page(app, client):
    app.config["LOGIN_REQUIRED"] = True
    make_user(app, "alice")
    response = client.get("/questions/1")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    assert client.get("/login").status_code == 200
    assert client.get("/users/alice/avatar.svg").status_code == 200
    AuthActions(client).login("alice")
    assert client.get("/").status_code == 200


def test_an_unexpected_error_shows_the_friendly_500_page(app, client):
    def explode() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/explode", "explode", explode)
    response = client.get("/explode")
    assert response.status_code == 500
    page = text_of(response)
    assert "Something went wrong on our side (reference" in page and "Go to the questions" in page
    assert "RuntimeError" not in page and "Traceback" not in page


def test_the_scripts_and_styles_the_pages_use_are_served(app, client):
    def fetch(path: str) -> str:
        with client.get(path) as response:
            assert response.status_code == 200, path
            return response.get_data(as_text=True)

    site = fetch("/static/js/site.js")
    modules = re.findall(r'from "\./([a-z]+\.js)"', site)
    assert {"votes.js", "accept.js", "preview.js", "tags.js", "time.js"} <= set(modules)
    for module in modules:
        fetch(f"/static/js/{module}")
    assert "X-CSRFToken" in fetch("/static/js/api.js")
    assert ":focus-visible" in fetch("/static/css/site.css")
