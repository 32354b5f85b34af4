"""The resource library over the API: share, duplicates, check, lists, ratings, edits and links."""

from __future__ import annotations

import pytest

from community.models import Role
from tests.factories import (
    badges_of,
    make_answer,
    make_thread,
    make_user,
    rate_resource,
    share_resource,
)
from tests.support import ISO_UTC, USER_FIELDS, assert_error

RESOURCE_FIELDS = {"id", "url", "normalized_url", "title", "description", "kind", "tags",
                   "duration_minutes", "shared_by", "rating_avg", "rating_count", "link_count",
                   "preview", "created_at", "page_url"}


@pytest.fixture
def alice(app):
    return make_user(app, "alice")


@pytest.fixture
def bob(app):
    return make_user(app, "bob")


# --- sharing ---------------------------------------------------------------------------------

def test_sharing_a_link_returns_the_resource(app, api, alice):
    response = api.as_user(alice).post("resources", json={
        "url": "https://www.Example.com/guides/pivot-tables/?utm_source=newsletter#top",
        "title": "Pivot tables in ten minutes", "description": "A short walkthrough.",
        "kind": "tutorial", "tags": ["excel", "reporting"], "duration_minutes": 10})
    assert response.status_code == 201, response.json
    body = response.json
    assert set(body) >= RESOURCE_FIELDS
    assert body["url"] == "https://www.Example.com/guides/pivot-tables/?utm_source=newsletter#top"
    assert body["normalized_url"] == "https://example.com/guides/pivot-tables"
    assert (body["title"], body["kind"], body["duration_minutes"]) == (
        "Pivot tables in ten minutes", "tutorial", 10)
    assert body["tags"] == ["excel", "reporting"]
    assert set(body["shared_by"]) >= USER_FIELDS and body["shared_by"]["username"] == "alice"
    assert (body["rating_avg"], body["rating_count"], body["link_count"], body["preview"]) == (
        None, 0, 0, None)
    assert body["page_url"] == f"/resources/{body['id']}" and ISO_UTC.match(body["created_at"])
    assert api.get(f"resources/{body['id']}").json["title"] == "Pivot tables in ten minutes"


def test_a_link_alone_gets_a_title_and_a_kind(app, api, alice):
    body = api.as_user(alice).post("resources", json={"url": "https://youtu.be/abc123"}).json
    assert body["title"] == "youtu.be/abc123" and body["kind"] == "video"
    body = api.as_user(alice).post("resources", json={"url": "https://example.com/"}).json
    assert body["title"] == "example.com" and body["kind"] == "article"


def test_sharing_needs_a_login(api):
    assert_error(api.post("resources", json={"url": "https://example.com/x"}), 401, "unauthorized")


def test_an_already_shared_link_is_a_409_with_the_existing_resource(app, api, alice, bob):
    first = api.as_user(alice).post("resources", json={"url": "https://example.com/guide",
                                                       "title": "The guide"}).json
    response = api.as_user(bob).post("resources", json={
        "url": "HTTPS://WWW.EXAMPLE.COM:443/guide/?fbclid=xyz#intro", "title": "Same guide"})
    error = assert_error(response, 409, "duplicate")
    assert "already shared" in error["message"]
    assert response.json["existing"]["id"] == first["id"]
    assert response.json["existing"]["title"] == "The guide"
    assert api.get("resources").json["total"] == 1


def test_check_says_whether_a_link_was_shared(app, api, alice):
    shared = share_resource(app, alice, "https://example.com/guide")
    body = api.get("resources/check", query_string={"url": "https://www.example.com/guide/#x"}).json
    assert body == {"duplicate": True, "normalized_url": "https://example.com/guide",
                    "existing": body["existing"]}
    assert body["existing"]["id"] == shared.id
    body = api.get("resources/check", query_string={"url": "https://example.com/other"}).json
    assert body == {"duplicate": False, "normalized_url": "https://example.com/other", "existing": None}
    assert_error(api.get("resources/check", query_string={"url": "javascript:alert(1)"}),
                 422, "validation_error")
    assert_error(api.get("resources/check"), 422, "validation_error")


@pytest.mark.parametrize(("payload", "field"), [
    ({"url": "javascript:alert(1)"}, "url"),
    ({"url": "data:text/html;base64,PHNjcmlwdD4="}, "url"),
    ({"url": "vbscript:msgbox(1)"}, "url"),
    ({"url": "file:///etc/passwd"}, "url"),
    ({"url": "https://admin:hunter2@example.com/"}, "url"),
    ({"url": "not a link"}, "url"),
    ({"url": 42}, "url"),
    ({}, "url"),
    ({"url": "https://example.com/", "kind": "podcast"}, "kind"),
    ({"url": "https://example.com/", "duration_minutes": 0}, "duration_minutes"),
    ({"url": "https://example.com/", "duration_minutes": "5"}, "duration_minutes"),
    ({"url": "https://example.com/", "tags": ["Not A Tag"]}, "tags"),
    ({"url": "https://example.com/", "tags": ["a", "b", "c", "d", "e", "f"]}, "tags"),
    ({"url": "https://example.com/", "title": "x" * 201}, "title"),
    ({"url": "https://example.com/", "title": "bad\u0000title"}, "title"),
    ({"url": "https://example.com/", "description": "d" * 2001}, "description"),
])
def test_bad_input_is_a_422_naming_the_field(app, api, alice, payload, field):
    error = assert_error(api.as_user(alice).post("resources", json=payload), 422, "validation_error")
    assert field in error["fields"]
    assert api.get("resources").json["total"] == 0


def test_a_body_that_is_not_an_object_is_a_400(app, api, alice):
    assert_error(api.as_user(alice).post("resources", data="[1]",
                                         headers={"Content-Type": "application/json"}),
                 400, "bad_request")


# --- lists -------------------------------------------------------------------------------------

def test_lists_filter_by_kind_tag_and_duration(app, api, alice):
    share_resource(app, alice, "https://example.com/a", kind="video", tags=["excel"], duration_minutes=3)
    share_resource(app, alice, "https://example.com/b", kind="tip-sheet", tags=["excel"], duration_minutes=12)
    share_resource(app, alice, "https://example.com/c", kind="video", tags=["sales"], duration_minutes=45)
    share_resource(app, alice, "https://example.com/d", kind="course", tags=["sales"])

    def urls(**query):
        body = api.get("resources", query_string=query).json
        assert set(body) == {"items", "total", "page", "per_page"}
        return sorted(item["url"].rsplit("/", 1)[1] for item in body["items"])

    assert urls() == ["a", "b", "c", "d"]
    assert urls(kind="video") == ["a", "c"]
    assert urls(tag="excel") == ["a", "b"]
    assert urls(max_minutes=5) == ["a"]
    assert urls(max_minutes=15) == ["a", "b"]
    assert urls(tag="sales", kind="video") == ["c"]
    assert urls(shared_by="alice") == ["a", "b", "c", "d"]
    assert urls(tag="nothing") == []
    assert_error(api.get("resources", query_string={"kind": "podcast"}), 422, "validation_error")
    assert_error(api.get("resources", query_string={"sort": "best"}), 422, "validation_error")
    assert_error(api.get("resources", query_string={"max_minutes": "soon"}), 422, "validation_error")
    assert_error(api.get("resources", query_string={"max_minutes": 0}), 422, "validation_error")


def test_top_ranks_by_a_bayesian_average_not_the_raw_mean(app, api, alice):
    raters = [make_user(app, f"rater{i}") for i in range(50)]
    lucky = share_resource(app, alice, "https://example.com/one-rating", title="One perfect rating")
    steady = share_resource(app, alice, "https://example.com/fifty-ratings", title="Fifty good ratings")
    meh = share_resource(app, alice, "https://example.com/unrated", title="Nobody rated this")
    rate_resource(app, raters[0], lucky, 5)
    for i, rater in enumerate(raters):
        rate_resource(app, rater, steady, 5 if i % 5 < 3 else 4)  # 30 fives, 20 fours: 4.6
    body = api.get("resources", query_string={"sort": "top"}).json
    assert [item["id"] for item in body["items"]] == [steady.id, lucky.id, meh.id]
    by_id = {item["id"]: item for item in body["items"]}
    assert (by_id[steady.id]["rating_avg"], by_id[steady.id]["rating_count"]) == (4.6, 50)
    assert (by_id[lucky.id]["rating_avg"], by_id[lucky.id]["rating_count"]) == (5.0, 1)
    newest = api.get("resources", query_string={"sort": "newest"}).json["items"]
    assert [item["id"] for item in newest] == [meh.id, steady.id, lucky.id]


def test_lists_page(app, api, alice):
    for i in range(5):
        share_resource(app, alice, f"https://example.com/page/{i}")
    body = api.get("resources", query_string={"per_page": 2, "page": 3, "sort": "newest"}).json
    assert (body["total"], body["page"], body["per_page"], len(body["items"])) == (5, 3, 2, 1)


# --- ratings -----------------------------------------------------------------------------------

def test_rating_changing_and_removing(app, api, alice, bob):
    resource = share_resource(app, alice)
    carol = make_user(app, "carol")
    response = api.as_user(bob).put(f"resources/{resource.id}/rating", json={"stars": 4, "review": "Clear."})
    assert response.status_code == 200
    assert response.json == {"resource_id": resource.id, "rating_avg": 4.0, "rating_count": 1,
                             "my_rating": 4, "my_review": "Clear."}
    api.as_user(carol).put(f"resources/{resource.id}/rating", json={"stars": 1})
    body = api.as_user(bob).put(f"resources/{resource.id}/rating", json={"stars": 2}).json
    assert (body["rating_avg"], body["rating_count"], body["my_rating"]) == (1.5, 2, 2)
    got = api.as_user(bob).get(f"resources/{resource.id}").json
    assert (got["my_rating"], got["star_counts"]) == (2, {"1": 1, "2": 1, "3": 0, "4": 0, "5": 0})
    assert api.as_user(bob).delete(f"resources/{resource.id}/rating").status_code == 204
    assert api.as_user(bob).delete(f"resources/{resource.id}/rating").status_code == 204
    got = api.get(f"resources/{resource.id}").json
    assert (got["rating_avg"], got["rating_count"]) == (1.0, 1)
    ratings = api.get(f"resources/{resource.id}/ratings").json
    assert ratings["total"] == 1 and ratings["items"][0]["user"]["username"] == "carol"


def test_rating_rules(app, api, alice, bob):
    resource = share_resource(app, alice)
    path = f"resources/{resource.id}/rating"
    assert_error(api.as_user(alice).put(path, json={"stars": 5}), 403, "forbidden")
    assert_error(api.put(path, json={"stars": 5}), 401, "unauthorized")
    for stars in (0, 6, "5", 4.5, None, True):
        error = assert_error(api.as_user(bob).put(path, json={"stars": stars}), 422, "validation_error")
        assert "stars" in error["fields"]
    assert_error(api.as_user(bob).put(path, json={"stars": 3, "review": "r" * 1001}), 422,
                 "validation_error")
    assert_error(api.as_user(bob).put("resources/999999/rating", json={"stars": 3}), 404, "not_found")
    assert api.get(f"resources/{resource.id}").json["rating_count"] == 0


def test_a_first_review_notifies_the_sharer(app, api, alice, bob):
    resource = share_resource(app, alice)
    api.as_user(bob).put(f"resources/{resource.id}/rating", json={"stars": 5})
    assert api.as_user(alice).get("notifications").json["total"] == 0
    api.as_user(bob).put(f"resources/{resource.id}/rating", json={"stars": 5, "review": "Saved me."})
    notes = api.as_user(alice).get("notifications").json["items"]
    assert [(n["type"], n["url"]) for n in notes] == [("resource_reviewed", f"/resources/{resource.id}")]


def test_reviewer_and_curator_badges(app, api, alice):
    raters = [make_user(app, f"rater{i}") for i in range(3)]
    resources = [share_resource(app, alice, f"https://example.com/r/{i}") for i in range(10)]
    for resource in resources[:9]:
        rate_resource(app, raters[0], resource, 4)
    assert ("reviewer", "") not in badges_of(app, raters[0])
    rate_resource(app, raters[0], resources[9], 5)
    assert ("reviewer", "") in badges_of(app, raters[0])
    for resource in resources[:4]:
        for rater in raters[1:]:
            rate_resource(app, rater, resource, 4)
    assert ("curator", "") not in badges_of(app, alice)
    rate_resource(app, raters[1], resources[4], 5)
    rate_resource(app, raters[2], resources[4], 4)
    assert ("curator", "") in badges_of(app, alice)


# --- edits and deletion --------------------------------------------------------------------------

def test_the_sharer_and_moderators_edit_others_may_not(app, api, alice, bob):
    resource = share_resource(app, alice, duration_minutes=5)
    mod = make_user(app, "mod", role=Role.MODERATOR)
    path = f"resources/{resource.id}"
    body = api.as_user(alice).patch(path, json={"title": "A better title", "kind": "course",
                                                "tags": ["onboarding"], "duration_minutes": None}).json
    assert (body["title"], body["kind"], body["tags"], body["duration_minutes"]) == (
        "A better title", "course", ["onboarding"], None)
    assert_error(api.as_user(bob).patch(path, json={"title": "Mine now"}), 403, "forbidden")
    assert_error(api.as_user(alice).patch(path, json={"title": ""}), 422, "validation_error")
    assert api.as_user(mod).patch(path, json={"description": "Checked."}).json["description"] == "Checked."
    assert_error(api.as_user(bob).delete(path), 403, "forbidden")
    assert api.as_user(alice).delete(path).status_code == 204
    assert_error(api.get(path), 404, "not_found")
    assert api.as_user(mod).get(path).json["deleted"] is True
    assert api.get("resources").json["total"] == 0
    assert api.get("resources/check", query_string={"url": resource.url}).json["duplicate"] is False
    again = api.as_user(bob).post("resources", json={"url": resource.url, "title": "Shared again"})
    assert again.status_code == 201 and again.json["id"] == resource.id
    assert again.json["shared_by"]["username"] == "bob" and again.json["title"] == "Shared again"


# --- links in posts ------------------------------------------------------------------------------

def test_links_in_posts_become_resources_and_match_shared_ones(app, api, alice, bob):
    shared = share_resource(app, alice, "https://example.com/vlookup-guide", title="VLOOKUP guide",
                            tags=["excel"])
    thread = make_thread(app, alice, tags=["excel"], body=(
        "I read [the VLOOKUP guide](https://www.example.com/vlookup-guide/?utm_source=chat) and "
        "https://docs.example.org/xlookup but I'm still stuck. See also [this](/questions/1)."))
    body = api.get(f"threads/{thread.id}/resources").json
    linked = body["linked"]
    assert [r["normalized_url"] for r in linked] == ["https://example.com/vlookup-guide",
                                                     "https://docs.example.org/xlookup"]
    assert linked[0]["id"] == shared.id and linked[0]["link_count"] == 1
    auto = linked[1]
    assert (auto["title"], auto["tags"], auto["shared_by"]["username"]) == (
        "docs.example.org/xlookup", ["excel"], "alice")
    answer = make_answer(app, bob, thread, "Try [XLOOKUP docs](https://docs.example.org/xlookup).")
    other = make_thread(app, bob, body="Same link: https://docs.example.org/xlookup")
    got = api.get(f"resources/{auto['id']}").json
    assert got["link_count"] == 2
    assert sorted(t["id"] for t in got["linked_from"]) == [thread.id, other.id]
    api.as_user(bob).delete(f"posts/{other.id}")
    assert api.get(f"resources/{auto['id']}").json["link_count"] == 1
    api.as_user(alice).patch(f"threads/{thread.id}", json={"body": "No links any more."})
    got = api.get(f"resources/{auto['id']}").json
    assert got["link_count"] == 1 and [t["id"] for t in got["linked_from"]] == [thread.id]  # the answer
    api.as_user(bob).delete(f"posts/{answer.id}")
    assert api.get(f"resources/{auto['id']}").json["link_count"] == 0
    assert api.get(f"resources/{shared.id}").json["link_count"] == 0


def test_suggestions_are_well_rated_resources_with_the_threads_tags(app, api, alice, bob):
    good = share_resource(app, alice, "https://example.com/good", tags=["excel"])
    poor = share_resource(app, alice, "https://example.com/poor", tags=["excel"])
    share_resource(app, alice, "https://example.com/off-topic", tags=["sales"])
    linked = share_resource(app, alice, "https://example.com/linked", tags=["excel"])
    rate_resource(app, bob, good, 5)
    rate_resource(app, bob, poor, 1)
    thread = make_thread(app, bob, tags=["excel"], body="Read https://example.com/linked already.")
    body = api.get(f"threads/{thread.id}/resources").json
    assert [r["id"] for r in body["linked"]] == [linked.id]
    assert [r["id"] for r in body["suggested"]] == [good.id]
    assert_error(api.get("threads/999999/resources"), 404, "not_found")


def test_unknown_and_malformed_ids_are_404(app, api, alice):
    assert_error(api.get("resources/999999"), 404, "not_found")
    assert_error(api.get("resources/99999999999999999999"), 404, "not_found")
    assert_error(api.as_user(alice).patch("resources/999999", json={"title": "x"}), 404, "not_found")
