"""The resource library as a browser without JavaScript uses it: the list and its filters, sharing
(with duplicates), a resource's page, rating by form, editing and deleting, the thread page's
sidebar, the profile tab, notifications and escaping."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from community.models import Role
from tests.browsing import section, source_of, submit, text_of, text_of_fragment
from tests.factories import accept, make_answer, make_thread, make_user, rate_resource, share_resource
from tests.test_pages import assert_no_inline_script

XSS = "<script>alert(1)</script>"


@pytest.fixture
def alice(app):
    return make_user(app, "alice", display_name="Alice Liddell")


@pytest.fixture
def bob(app):
    return make_user(app, "bob", display_name="Bob Builder")


def resource_id_from(location: str) -> int:
    match = re.fullmatch(r"/resources/(\d+)", location)
    assert match, location
    return int(match.group(1))


# --- the library ---------------------------------------------------------------------------------

def test_the_library_shows_kind_duration_stars_links_and_sharer(app, client, alice, bob):
    carol = make_user(app, "carol")
    tips = share_resource(app, alice, "https://learn.example.com/pivot-tips", title="Pivot table tips",
                          kind="tip-sheet", duration_minutes=3, tags=["excel", "reporting"],
                          description="Ten tips for pivot tables.")
    share_resource(app, bob, "https://video.example.com/onboarding", title="Onboarding walkthrough",
                   kind="video", duration_minutes=90)
    rate_resource(app, bob, tips, 5)
    rate_resource(app, carol, tips, 4)
    make_thread(app, bob, body="These helped: https://learn.example.com/pivot-tips")
    response = client.get("/resources")
    assert response.status_code == 200
    page, source = text_of(response), source_of(response)
    for phrase in ("Resource library", "Share a resource", "2 resources", "Pivot table tips", "Tip sheet",
                   "3 min", "4.5 out of 5 from 2 ratings", "linked from 1 thread", "shared by",
                   "Alice Liddell", "learn.example.com", "Ten tips for pivot tables.",
                   "Onboarding walkthrough", "Video", "1 h 30 min", "No ratings yet"):
        assert phrase in page, phrase
    assert f'href="/resources/{tips.id}"' in source
    assert 'href="/resources?tag=excel"' in source
    assert page.index("Pivot table tips") < page.index("Onboarding walkthrough")  # top rated first
    assert source.count('class="star star-full"') >= 4 and 'class="star star-half"' in source
    nav = source.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    assert re.search(r'href="/resources"\s+aria-current="page">Resources', nav)
    assert nav.index("Live help") < nav.index("Resources") < nav.index("Badges")
    assert_no_inline_script(source)


def test_the_library_filters_sort_and_pages_with_a_plain_get_form(app, client, alice):
    quick = share_resource(app, alice, title="Quick tip", kind="tip-sheet", duration_minutes=4,
                           tags=["excel"])
    share_resource(app, alice, title="Medium video", kind="video", duration_minutes=12, tags=["excel"])
    share_resource(app, alice, title="Long course", kind="course", duration_minutes=120, tags=["sales"])
    share_resource(app, alice, title="Unknown length", kind="article")
    form = source_of(client.get("/resources"))
    assert '<form class="library-filters card" method="get" action="/resources"' in form
    for control in ('name="kind"', 'name="tag"', 'name="max_minutes"', 'name="sort"'):
        assert control in form, control
    assert all(label in text_of(client.get("/resources"))
               for label in ("Any length", "Under 5 minutes", "Under 15 minutes", "Top rated", "Newest"))

    def titles(query: str) -> list[str]:
        page = source_of(client.get(f"/resources?{query}"))
        return re.findall(r'class="resource-title"><a href="/resources/\d+">([^<]+)</a>', page)

    assert titles("kind=video") == ["Medium video"]
    assert sorted(titles("tag=EXCEL")) == ["Medium video", "Quick tip"]
    assert titles("max_minutes=5") == ["Quick tip"]
    assert sorted(titles("max_minutes=15")) == ["Medium video", "Quick tip"]
    assert titles("max_minutes=15&kind=tip-sheet&tag=excel") == ["Quick tip"]
    assert titles("sort=newest") == ["Unknown length", "Long course", "Medium video", "Quick tip"]
    selected = source_of(client.get("/resources?kind=video&max_minutes=15&sort=newest&tag=excel"))
    assert '<option value="video" selected>' in selected and '<option value="15" selected>' in selected
    assert '<option value="newest" selected>' in selected and 'value="excel"' in selected
    assert "Up to 30 minutes" in text_of(client.get("/resources?max_minutes=30"))
    no_match = text_of(client.get("/resources?kind=simulation"))
    assert "No resources match" in no_match and "Show all resources" in no_match
    for _ in range(18):
        share_resource(app, alice)
    first, second = client.get("/resources?sort=newest"), client.get("/resources?sort=newest&page=2")
    assert "22 resources" in text_of(first) and 'aria-label="Resource pages"' in source_of(first)
    assert 'href="/resources?sort=newest&amp;page=2"' in source_of(first)
    assert titles("sort=newest&page=2") == ["Medium video", "Quick tip"]  # the two oldest
    assert f'href="/resources/{quick.id}"' in source_of(second)
    assert "No resources on this page" in text_of(client.get("/resources?page=9"))


@pytest.mark.parametrize("query", ["kind=podcast", "sort=random", "max_minutes=abc", "max_minutes=0",
                                   "max_minutes=99999999999", "tag=%00", "tag=" + "x" * 61, "page=0",
                                   "page=two"])
def test_invalid_filters_are_the_sites_422_page_never_a_500(app, client, query):
    response = client.get(f"/resources?{query}")
    assert response.status_code == 422, query
    page = text_of(response)
    assert "Some of that wasn't valid" in page and "Skip to content" in page


def test_an_empty_library_invites_sharing(app, client):
    page = text_of(client.get("/resources"))
    assert "No resources yet" in page and "0 resources" in page
    assert 'href="/resources/new"' in source_of(client.get("/resources"))


# --- sharing -------------------------------------------------------------------------------------

def test_sharing_requires_a_login(app, client):
    response = client.get("/resources/new")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_sharing_through_the_form_opens_the_new_resource_page(app, client, auth, alice):
    auth.login("alice")
    form = client.get("/resources/new")
    page, source = text_of(form), source_of(form)
    for phrase in ("Share a resource", "Link", "Title", "Why it helps", "Kind", "Tags", "minutes"):
        assert phrase in page, phrase
    kinds = re.findall(r'<option value="([a-z-]+)"', source)
    assert kinds == ["article", "video", "tutorial", "tip-sheet", "infographic", "course", "simulation",
                     "tool", "other"]
    assert 'data-tag-input' in source and 'data-duplicate-region aria-live="polite"' in source
    assert "/static/js/resources.js" in source
    assert_no_inline_script(source)
    response = submit(client, "/resources/new", {
        "url": "https://learn.example.com/negotiation", "title": "Negotiation in five steps",
        "description": "Short and practical.\nGood before the simulation.", "kind": "tutorial",
        "tags": "Negotiation, sales", "duration_minutes": "7"})
    assert response.status_code == 302
    resource_id = resource_id_from(response.headers["Location"])
    shown = client.get(f"/resources/{resource_id}")
    page, source = text_of(shown), source_of(shown)
    for phrase in ("Thanks for sharing!", "Negotiation in five steps", "Tutorial", "7 min", "negotiation",
                   "sales", "Shared by Alice Liddell", "learn.example.com", "No ratings yet",
                   "You shared this"):
        assert phrase in page, phrase
    assert "Short and practical.\nGood before the simulation." in source  # line breaks kept (pre-line)
    assert ('href="https://learn.example.com/negotiation" rel="nofollow ugc noopener noreferrer" '
            'target="_blank"') in source
    assert_no_inline_script(source)


def test_an_invalid_share_comes_back_with_errors_and_what_was_typed(app, client, auth, alice):
    auth.login("alice")
    response = submit(client, "/resources/new", {"url": "ftp://files.example.com/guide.pdf",
                                                 "title": "Kept title", "description": "Kept text",
                                                 "kind": "video", "tags": "excel", "duration_minutes": ""})
    assert response.status_code == 422
    page, source = text_of(response), source_of(response)
    assert "Please fix the highlighted fields." in page
    assert "Link must start with http:// or https://" in page
    assert 'value="ftp://files.example.com/guide.pdf"' in source and 'value="Kept title"' in source
    assert ">Kept text</textarea>" in source and '<option value="video" selected>' in source
    assert 'aria-invalid="true"' in source
    bad_minutes = submit(client, "/resources/new", {"url": "https://example.com/a",
                                                    "duration_minutes": "ten"})
    assert bad_minutes.status_code == 422 and "must be a whole number" in text_of(bad_minutes)
    too_long = submit(client, "/resources/new", {"url": "https://example.com/a", "duration_minutes": "20000"})
    assert too_long.status_code == 422 and "must be a whole number of minutes, 1-10,000" in text_of(too_long)
    assert "0 resources" in text_of(client.get("/resources"))


def test_sharing_a_link_already_shared_points_to_it_instead(app, client, auth, alice, bob):
    existing = share_resource(app, alice, "https://learn.example.com/vlookup", title="VLOOKUP guide")
    auth.login("bob")
    response = submit(client, "/resources/new", {
        "url": "https://www.learn.example.com/vlookup/?utm_source=mail#intro", "title": "My copy"})
    assert response.status_code == 409
    page, source = text_of(response), source_of(response)
    assert "Already shared: VLOOKUP guide" in page and "rate it instead" in page
    assert f'<a href="/resources/{existing.id}">VLOOKUP guide</a>' in source
    assert 'value="My copy"' in source and "Please fix" not in page
    assert "1 resource" in text_of(client.get("/resources"))


# --- a resource's page and rating ------------------------------------------------------------------

def test_rating_by_form_updates_the_summary_and_can_be_removed(app, client, auth, alice, bob):
    resource = share_resource(app, alice, title="Pivot tables explained")
    rate_resource(app, make_user(app, "carol"), resource, 2, "Too basic for me.")
    auth.login("bob")
    page = client.get(f"/resources/{resource.id}")
    form = section(page, "your-rating")
    assert "Rate it" in text_of_fragment(form) and 'type="radio"' in form
    assert len(re.findall(r'<input class="star-input" type="radio" id="stars-\d" name="stars"', form)) == 5
    assert "Remove my rating" in form and "hidden" in form.split("data-remove-rating", 1)[1][:40]
    response = submit(client, f"/resources/{resource.id}/rating",
                      {"stars": "4", "review": "Clear and short."})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/resources/{resource.id}#your-rating"
    shown = client.get(f"/resources/{resource.id}")
    text = text_of(shown)
    for phrase in ("Your rating is saved", "3 out of 5 from 2 ratings", "Reviews (2)", "Clear and short.",
                   "Too basic for me.", "Bob Builder", "rated it 4 out of 5", "4 stars 1 rating",
                   "2 stars 1 rating", "5 stars 0 ratings", "Update my rating", "Remove my rating"):
        assert phrase in text, phrase
    assert text.index("Clear and short.") < text.index("Too basic for me.")  # newest first
    assert 'id="stars-4" name="stars" value="4" required checked>' in source_of(shown)
    assert source_of(shown).count("required checked>") == 1
    removed = submit(client, f"/resources/{resource.id}/rating/delete")
    assert removed.status_code == 302
    text = text_of(client.get(f"/resources/{resource.id}"))
    assert "Your rating is removed" in text and "2 out of 5 from 1 rating" in text
    assert "Clear and short." not in text


def test_a_rating_without_stars_is_shown_again_with_the_error(app, client, auth, alice, bob):
    resource = share_resource(app, alice)
    auth.login("bob")
    response = submit(client, f"/resources/{resource.id}/rating", {"review": "Forgot the stars"})
    assert response.status_code == 422
    page, source = text_of(response), source_of(response)
    assert "Stars must be chosen: 1 to 5." in page and ">Forgot the stars</textarea>" in source
    assert 'aria-describedby="stars-error"' in source
    assert submit(client, f"/resources/{resource.id}/rating", {"stars": "9"}).status_code == 422
    assert "No ratings yet" in text_of(client.get(f"/resources/{resource.id}"))


def test_visitors_are_asked_to_log_in_and_sharers_cannot_rate_their_own(app, client, auth, alice):
    resource = share_resource(app, alice, title="My own guide")
    anonymous = client.get(f"/resources/{resource.id}")
    assert anonymous.status_code == 200
    assert "Log in to rate" in text_of(anonymous)
    assert f'href="/login?next=/resources/{resource.id}"' in source_of(anonymous)
    assert 'name="stars"' not in source_of(anonymous) and "Edit" not in text_of(anonymous).split("Rating")[0]
    sent_to_login = submit(client, f"/resources/{resource.id}/rating", {"stars": "5"})
    assert sent_to_login.status_code == 302 and sent_to_login.headers["Location"].startswith("/login?next=")
    auth.login("alice")
    own = client.get(f"/resources/{resource.id}")
    assert "You shared this" in text_of(own) and 'name="stars"' not in source_of(own)
    refused = submit(client, f"/resources/{resource.id}/rating", {"stars": "5"})
    assert refused.status_code == 403
    assert "can't rate a resource you shared yourself" in text_of(refused)


def test_the_page_shows_the_preview_and_where_it_helped(app, client, alice, bob):
    resource = share_resource(app, alice, "https://learn.example.com/forecast", title="Forecast template",
                              tags=["excel"])
    solved = make_thread(app, bob, title="Where is the Q3 forecast template?", tags=["finance"],
                         body="Found https://learn.example.com/forecast but which tab?")
    accept(app, bob, solved, make_answer(app, alice, solved, "Tab two."))
    make_answer(app, alice, make_thread(app, bob, title="Forecast rounding rules"),
                "Section 3 of https://learn.example.com/forecast covers it.")
    from community.extensions import db
    from community.models import Resource
    from community.models.base import utcnow

    with app.app_context():  # what the preview fetcher stores (it is tested on its own)
        row = db.session.get(Resource, resource.id)
        row.preview_title, row.preview_description = "Forecast template | Finance hub", "Monthly <b>plan</b>"
        row.preview_fetched_at = utcnow()
        db.session.commit()
    response = client.get(f"/resources/{resource.id}")
    page, source = text_of(response), source_of(response)
    for phrase in ("Link preview", "Forecast template | Finance hub", "Monthly <b>plan</b>", "fetched",
                   "Where it helped", "Where is the Q3 forecast template?", "Solved",
                   "Forecast rounding rules", "1 answer"):
        assert phrase in page, phrase
    assert "Monthly &lt;b&gt;plan&lt;/b&gt;" in source
    assert f'href="/questions/{solved.id}/where-is-the-q3-forecast-template"' in source
    assert "No question links to it yet" in text_of(client.get(f"/resources/{share_resource(app, alice).id}"))


def test_unknown_and_deleted_resources_are_the_404_page_except_for_moderators(app, client, auth, alice, bob):
    make_user(app, "mod", role=Role.MODERATOR)
    resource = share_resource(app, alice, title="Soon gone")
    for path in ("/resources/999999", "/resources/99999999999", "/resources/0"):
        assert client.get(path).status_code == 404, path
    auth.login("alice")
    deleted = submit(client, f"/resources/{resource.id}/delete")
    assert deleted.status_code == 302 and deleted.headers["Location"] == "/resources"
    assert "The resource is deleted." in text_of(client.get("/resources"))
    auth.logout()
    missing = client.get(f"/resources/{resource.id}")
    assert missing.status_code == 404 and "We couldn't find that page" in text_of(missing)
    auth.login("bob")
    assert client.get(f"/resources/{resource.id}").status_code == 404
    auth.logout()
    auth.login("mod")
    seen = client.get(f"/resources/{resource.id}")
    assert seen.status_code == 200 and "deleted" in text_of(seen) and "Soon gone" in text_of(seen)
    assert "takes no new ratings" in text_of(seen)


# --- editing and deleting ------------------------------------------------------------------------

def test_the_sharer_edits_and_others_get_403(app, client, auth, alice, bob):
    resource = share_resource(app, alice, title="Old title", kind="article", duration_minutes=5,
                              tags=["excel"])
    auth.login("bob")
    page = client.get(f"/resources/{resource.id}")
    assert f'href="/resources/{resource.id}/edit"' not in source_of(page)
    assert "Yes, delete this resource" not in source_of(page)
    assert client.get(f"/resources/{resource.id}/edit").status_code == 403
    hijack = submit(client, f"/resources/{resource.id}/edit", {"title": "Hijacked", "kind": "video"})
    assert hijack.status_code == 403
    refused = submit(client, f"/resources/{resource.id}/delete")
    assert refused.status_code == 403 and "Go back" in text_of(refused)
    auth.logout()
    auth.login("alice")
    page = client.get(f"/resources/{resource.id}")
    assert f'href="/resources/{resource.id}/edit"' in source_of(page)
    assert "Yes, delete this resource" in text_of(page)
    form = client.get(f"/resources/{resource.id}/edit")
    assert form.status_code == 200
    assert 'value="Old title"' in source_of(form) and 'value="5"' in source_of(form)
    assert '<option value="article" selected>' in source_of(form) and 'value="excel"' in source_of(form)
    invalid = submit(client, f"/resources/{resource.id}/edit", {"title": "  ", "kind": "article"})
    assert invalid.status_code == 422 and "Title must be 1-200 characters" in text_of(invalid)
    saved = submit(client, f"/resources/{resource.id}/edit", {
        "title": "New title", "description": "Now described", "kind": "video", "tags": "excel training",
        "duration_minutes": ""})
    assert saved.status_code == 302 and saved.headers["Location"] == f"/resources/{resource.id}"
    text = text_of(client.get(f"/resources/{resource.id}"))
    assert "New title" in text and "Now described" in text and "Video" in text and "training" in text
    assert "5 min" not in text and "Old title" not in text


def test_moderators_may_edit_and_delete_anyones_resource(app, client, auth, alice):
    make_user(app, "mod", role=Role.MODERATOR)
    resource = share_resource(app, alice, title="Needs a better title")
    auth.login("mod")
    assert client.get(f"/resources/{resource.id}/edit").status_code == 200
    assert submit(client, f"/resources/{resource.id}/edit", {"title": "Better title", "kind": "other"}
                  ).status_code == 302
    assert submit(client, f"/resources/{resource.id}/delete").status_code == 302


# --- the thread page, the profile, notifications -------------------------------------------------

@contextmanager
def counted_queries(app):
    from community.extensions import db

    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_thread_page_shows_linked_and_suggested_resources(app, client, alice, bob):
    linked = share_resource(app, alice, "https://learn.example.com/vlookup", title="VLOOKUP guide",
                            kind="tip-sheet", duration_minutes=4, tags=["excel"])
    rate_resource(app, bob, linked, 5)
    suggested = share_resource(app, bob, title="Excel shortcuts video", kind="video", duration_minutes=12,
                               tags=["excel"])
    poor = share_resource(app, bob, title="Outdated Excel notes", tags=["excel"])
    rate_resource(app, alice, poor, 1)
    share_resource(app, bob, title="Sales pitch deck", tags=["sales"])
    thread = make_thread(app, bob, title="VLOOKUP returns N/A", tags=["excel"],
                         body="I followed https://learn.example.com/vlookup and still get #N/A.")
    response = client.get(f"/questions/{thread.id}")
    assert response.status_code == 200
    aside = source_of(response).split('<aside class="thread-aside"', 1)[1].split("</aside>", 1)[0]
    linked_box = text_of_fragment(aside.split("Resources that may help")[0])
    suggested_box = text_of_fragment(aside.split("Resources that may help")[1])
    assert "Resources linked here" in linked_box and "VLOOKUP guide" in linked_box
    assert "Tip sheet" in linked_box and "4 min" in linked_box and "5 out of 5 from 1 rating" in linked_box
    assert "Excel shortcuts video" in suggested_box and "Video" in suggested_box and "12 min" in suggested_box
    assert "VLOOKUP guide" not in suggested_box  # already linked
    assert "Outdated Excel notes" not in aside and "Sales pitch deck" not in aside
    assert f'href="/resources/{linked.id}"' in aside and f'href="/resources/{suggested.id}"' in aside
    assert 'href="/resources?tag=excel"' in aside

    from community.queries.resources import thread_sidebar_resources

    with app.app_context(), counted_queries(app) as statements:
        found_linked, found_suggested = thread_sidebar_resources(thread.id)
        assert [r.title for r in found_linked] == ["VLOOKUP guide"]
        assert [r.title for r in found_suggested] == ["Excel shortcuts video"]
        assert {r.shared_by.username for r in found_linked + found_suggested} == {"alice", "bob"}
    assert len(statements) == 2

    quiet = make_thread(app, bob, title="A question about nothing in particular", tags=["misc"])
    page = source_of(client.get(f"/questions/{quiet.id}"))
    assert "thread-aside" not in page and "Resources linked here" not in page


def test_the_thread_page_hides_an_empty_section(app, client, alice, bob):
    share_resource(app, alice, title="Excel shortcuts", tags=["excel"])
    thread = make_thread(app, bob, title="How do I freeze panes in Excel?", tags=["excel"])
    page = text_of(client.get(f"/questions/{thread.id}"))
    assert "Resources that may help" in page and "Excel shortcuts" in page
    assert "Resources linked here" not in page


def test_the_profile_has_a_resources_tab(app, client, alice, bob):
    share_resource(app, alice, title="First share")
    share_resource(app, alice, title="Second share", kind="course", duration_minutes=45)
    share_resource(app, bob, title="Bob's share")
    profile = source_of(client.get("/users/alice"))
    assert 'href="/users/alice?tab=resources"' in profile
    response = client.get("/users/alice?tab=resources")
    page = text_of(response)
    assert "2 resources shared" in page and "Second share" in page and "First share" in page
    assert "Course" in page and "45 min" in page and "Bob's share" not in page
    assert page.index("Second share") < page.index("First share")
    assert 'aria-current="page">Resources' in source_of(response)
    assert "Bob's share" in text_of(client.get("/users/bob?tab=resources"))
    make_user(app, "dan")
    assert "No resources shared yet" in text_of(client.get("/users/dan?tab=resources"))


def test_the_notifications_page_names_resource_reviews(app, client, auth, alice, bob):
    resource = share_resource(app, alice, title="Negotiation checklist")
    rate_resource(app, bob, resource, 5, "Saved my first client call.")
    auth.login("alice")
    page = text_of(client.get("/notifications"))
    assert "Bob Builder reviewed your resource Negotiation checklist" in page
    assert f'href="/resources/{resource.id}"' in source_of(client.get("/notifications"))


# --- escaping and CSRF ---------------------------------------------------------------------------

def test_user_text_is_escaped_on_every_resource_page(app, client, auth, alice):
    evil = make_user(app, "mallory", display_name='<img src=x onerror="alert(1)">')
    resource = share_resource(app, evil, "https://learn.example.com/evil", title=f"{XSS} guide",
                              description=f"Read {XSS}\nnow", tags=["excel"])
    rate_resource(app, alice, resource, 4, f"Review {XSS}")
    thread = make_thread(app, alice, title="Excel help please", tags=["excel"],
                         body="See https://learn.example.com/evil")
    paths = ["/resources", f"/resources/{resource.id}", "/users/mallory?tab=resources",
             f"/questions/{thread.id}", "/resources?tag=excel"]
    auth.login("mallory")
    paths += [f"/resources/{resource.id}/edit", "/notifications"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        body = source_of(response)
        assert XSS not in body, path
        assert "<img src=x" not in body, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, path
    duplicate = submit(client, "/resources/new", {"url": "https://learn.example.com/evil/"})
    assert duplicate.status_code == 409 and XSS not in source_of(duplicate)


def test_forms_without_the_csrf_token_are_refused(app, client, auth, alice, bob):
    resource = share_resource(app, alice)
    auth.login("bob")
    for path, data in (("/resources/new", {"url": "https://example.com/no-token"}),
                       (f"/resources/{resource.id}/rating", {"stars": "5"}),
                       (f"/resources/{resource.id}/rating/delete", {})):
        response = client.post(path, data=data)
        assert response.status_code == 403, path
        assert "CSRF token is missing" in text_of(response)
    auth.logout()
    auth.login("alice")
    for path in (f"/resources/{resource.id}/edit", f"/resources/{resource.id}/delete"):
        assert client.post(path, data={"title": "x", "kind": "other"}).status_code == 403, path
    text = text_of(client.get("/resources"))
    assert "1 resource" in text and "No ratings yet" in text


def test_the_resource_script_is_served(app, client):
    with client.get("/static/js/resources.js") as response:
        assert response.status_code == 200
        script = response.get_data(as_text=True)
    assert "/api/v1/resources/check?url=" in script and "resource_rated" in script
    assert 'from "./socket.js"' in script and 'from "./api.js"' in script
