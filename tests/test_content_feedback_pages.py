""""Was this helpful?" on the pages: the widget under answers and resources, the author's
aggregates (never who gave them), the profile's Feedback tab, and nothing for anonymous visitors."""

from __future__ import annotations

import re

import pytest

from community.models import Role
from tests.browsing import source_of, text_of
from tests.factories import give_feedback, make_answer, make_thread, make_user, share_resource


@pytest.fixture
def setting(app):
    """A thread with two answers by the author (one with feedback) and one by someone else."""
    author = make_user(app, "author")
    thread = make_thread(app, make_user(app, "asker"), "How do I export the mesh to STL?")
    first = make_answer(app, author, thread, "Use File > Export and pick STL.")
    second = make_answer(app, author, thread, "Or run `export --stl` from the console.")
    other = make_answer(app, make_user(app, "rival"), thread, "Try the plugin.")
    giver = make_user(app, "giver", display_name="Gina Giver")
    give_feedback(app, giver, first, False, "Which version has that menu?")
    give_feedback(app, make_user(app, "second"), first, True)
    give_feedback(app, make_user(app, "third"), first, True)
    return {"author": author, "thread": thread, "first": first, "second": second, "other": other,
            "giver": giver}


def widget_of(page: str, answer_id: int) -> str:
    """The feedback row inside one answer's article."""
    article = re.search(rf'<article id="answer-{answer_id}".*?</article>', page, re.S).group(0)
    match = re.search(r'<div class="helpful".*', article, re.S)
    return match.group(0) if match else ""


def test_anonymous_visitors_get_no_widget_and_no_counts(app, client, setting):
    page = source_of(client.get(f"/questions/{setting['thread'].id}"))
    assert "data-helpful" not in page and "helpful.js" not in page
    assert "found this helpful" not in page


def test_a_member_sees_the_question_and_their_own_choice(app, client, auth, setting):
    auth.login("giver")
    page = source_of(client.get(f"/questions/{setting['thread'].id}"))
    assert "helpful.js" in page
    mine = widget_of(page, setting["first"].id)
    assert 'data-helpful-mine="no"' in mine
    assert re.search(r'data-helpful-choice="no" aria-pressed="true"', mine)
    assert re.search(r'data-helpful-choice="yes" aria-pressed="false"', mine)
    assert "Which version has that menu?" in mine  # their own comment, to edit
    assert "found this helpful" not in page  # the counts are for the author
    assert 'data-helpful-mine=""' in widget_of(page, setting["other"].id)


def test_the_author_sees_aggregates_for_every_answer_not_who(app, client, auth, setting):
    auth.login("author")
    response = client.get(f"/questions/{setting['thread'].id}")
    page = source_of(response)
    first = widget_of(page, setting["first"].id)
    assert "data-helpful-choice" not in first  # no feedback on one's own answer
    assert "2 of 3" in text_of_html(first) and "found this helpful" in first
    assert "Which version has that menu?" in first and "Not helpful" in first
    assert "No “was this helpful?” feedback yet" in widget_of(page, setting["second"].id)
    assert "data-helpful-choice" in widget_of(page, setting["other"].id)  # others' answers: ask
    assert "Gina" not in page and "giver" not in page


def test_moderators_see_the_aggregates_and_may_give_feedback(app, client, auth, setting):
    make_user(app, "mod", role=Role.MODERATOR)
    auth.login("mod")
    first = widget_of(source_of(client.get(f"/questions/{setting['thread'].id}")), setting["first"].id)
    assert "2 of 3" in text_of_html(first) and "data-helpful-choice" in first
    assert "shown to the author and moderators" in first


def test_the_resource_page_has_the_widget_and_the_sharer_the_summary(app, client, auth):
    sharer = make_user(app, "sharer")
    resource = share_resource(app, sharer, title="Meshing in ten minutes")
    give_feedback(app, make_user(app, "reader"), resource, True, "Clear and short.")
    auth.login("reader")
    page = source_of(client.get(f"/resources/{resource.id}"))
    assert f'data-helpful-url="/api/v1/resources/{resource.id}/feedback"' in page
    assert 'data-helpful-mine="yes"' in page and "found this helpful" not in page
    auth.logout()
    auth.login("sharer")
    text = text_of(client.get(f"/resources/{resource.id}"))
    assert "1 of 1 found this helpful" in text and "Clear and short." in text
    assert "reader" not in text


def test_the_profile_feedback_tab_is_for_the_author_and_moderators(app, client, auth, setting):
    auth.login("author")
    own = text_of(client.get("/users/author"))
    assert "Was it helpful?" in own and "2 of 3 found your answers and resources helpful" in own
    tab = client.get("/users/author?tab=feedback")
    text = text_of(tab)
    assert "Found helpful 2 of 3" in text and "How do I export the mesh to STL?" in text
    assert "Which version has that menu?" in text and "Gina" not in text
    assert "Or run" not in text  # the answer without feedback is not listed
    auth.logout()

    auth.login("giver")
    others = client.get("/users/author?tab=feedback")
    assert others.status_code == 200
    assert "Was it helpful?" not in text_of(others) and "Which version" not in text_of(others)
    auth.logout()
    assert "Which version" not in text_of(client.get("/users/author?tab=feedback"))

    make_user(app, "mod", role=Role.MODERATOR)
    auth.login("mod")
    assert "Which version has that menu?" in text_of(client.get("/users/author?tab=feedback"))


def test_an_empty_feedback_tab_explains_itself(app, client, auth):
    make_user(app, "newbie")
    auth.login("newbie")
    text = text_of(client.get("/users/newbie?tab=feedback"))
    assert "No feedback yet" in text


def text_of_html(fragment: str) -> str:
    from tests.browsing import text_of_fragment

    return text_of_fragment(fragment)
