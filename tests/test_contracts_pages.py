"""Learning contract pages: the list (mine and shared with me), the editor as a plain form, the
contract's page and its forms, privacy (404 to everyone else), and the account menu link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from community.extensions import db
from community.models import LearningContract, Role
from community.models.base import utcnow
from tests.factories import make_contract, make_user, share_resource
from tests.support import csrf_token_from


@pytest.fixture
def people(app):
    users = {name: make_user(app, name) for name in ("ann", "ben", "cat")}
    users["mod"] = make_user(app, "mod", role=Role.MODERATOR)
    return users


def form_post(client, path: str, data: dict, page: str | None = None):
    token = csrf_token_from(client.get(page or path).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def contract_of(app, contract_id: int) -> LearningContract:
    with app.app_context():
        contract = db.session.get(LearningContract, contract_id)
        db.session.expunge_all()
        return contract


def test_pages_need_a_login(client, app, people):
    cid = make_contract(app, people["ann"])
    for path in ("/contracts", "/contracts/new", f"/contracts/{cid}", f"/contracts/{cid}/edit"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


@pytest.mark.parametrize("who", ["cat", "mod"])
def test_a_private_contract_is_404_to_others(client, auth, app, people, who):
    cid = make_contract(app, people["ann"], shares=[(people["ben"], "mentor")])
    auth.login(who)
    for path in (f"/contracts/{cid}", f"/contracts/{cid}/edit"):
        assert client.get(path).status_code == 404, path
    token = csrf_token_from(client.get("/contracts").get_data(as_text=True))
    for path in (f"/contracts/{cid}/comments", f"/contracts/{cid}/cosign", f"/contracts/{cid}/delete"):
        assert client.post(path, data={"csrf_token": token, "body": "hi"}).status_code == 404, path
    listing = client.get("/contracts").get_data(as_text=True)
    assert "Learning contract" not in listing.split("Shared with me")[1]


def test_list_shows_mine_and_shared_with_status(client, auth, app, people):
    make_contract(app, people["ann"], title="Ann learns SQL", shares=[(people["ben"], "manager")])
    make_contract(app, people["ben"], title="Ben learns Excel")
    auth.login("ben")
    html = client.get("/contracts").get_data(as_text=True)
    mine, shared = html.split("Shared with me", 1)
    assert "Ben learns Excel" in mine and "Ann learns SQL" in shared
    assert "you are the manager" in shared and "contract-status-on_track" in html
    assert 'href="/contracts"' in html  # the account menu link


def test_editor_works_as_a_plain_form(client, auth, app, people):
    resource = share_resource(app, people["cat"])
    auth.login("ann")
    page = client.get("/contracts/new").get_data(as_text=True)
    assert 'name="item-0-title"' in page and 'src="/static/js/contracts.js"' in page
    more = form_post(client, "/contracts/new", {"title": "Plan", "item-0-title": "Read", "add_item": "1"})
    assert more.status_code == 200
    assert 'name="item-1-title"' in more.get_data(as_text=True)
    due = (utcnow().date() + timedelta(days=7)).isoformat()
    response = form_post(client, "/contracts/new", {
        "title": "Get better at SQL", "objectives": "Write *joins*", "due_on": due,
        "item-0-title": "Take the course", "item-0-resource": f"http://localhost/resources/{resource.id}",
        "item-0-due": due, "item-1-title": "", "item-2-title": "Write a report",
        "share-0-username": "@ben", "share-0-role": "manager", "share-1-username": "",
        "share-1-role": "mentor"},
        page="/contracts/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        contract = db.session.scalars(select(LearningContract)).one()
        assert [(i.title, i.resource_id) for i in contract.items] == [("Take the course", resource.id),
                                                                      ("Write a report", None)]
        assert [s.user.username for s in contract.shares] == ["ben"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<em>joins</em>" in html and "0 of 2 items done" in html and resource.title in html


def test_editor_errors_point_at_the_row(client, auth, app, people):
    auth.login("ann")
    response = form_post(client, "/contracts/new", {
        "title": "Plan", "item-0-title": "Fine", "item-3-title": "Bad date", "item-3-due": "2001-01-01",
        "share-2-username": "nobody", "share-2-role": "mentor"})
    assert response.status_code == 422
    response = form_post(client, "/contracts/new", {
        "title": "Plan", "item-0-title": "Fine", "share-2-username": "nobody", "share-2-role": "mentor"})
    assert response.status_code == 422 and 'id="share-2-username-error"' in response.get_data(as_text=True)
    response = form_post(client, "/contracts/new", {
        "title": "Plan", "item-0-title": "Fine", "item-3-title": "Bad date", "item-3-due": "2001-01-01"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    # Rows come back renumbered in order: the second row posted is item 1 now.
    assert 'id="item-1-due-error"' in html and "must be today or later" in html
    assert 'value="Bad date"' in html


def test_editing_keeps_items_and_is_owner_only(client, auth, app, people):
    cid = make_contract(app, people["ann"], shares=[(people["ben"], "mentor")])
    contract = contract_of(app, cid)
    auth.login("ben")
    assert client.get(f"/contracts/{cid}/edit").status_code == 403
    auth.logout()
    auth.login("ann")
    _first, second = contract.items
    response = form_post(client, f"/contracts/{cid}/edit", {
        "title": "Renamed", "objectives": "New", "item-0-id": str(second.id), "item-0-title": second.title,
        "item-1-id": "", "item-1-title": "A new step"})
    assert response.status_code == 302
    after = contract_of(app, cid)
    assert after.title == "Renamed" and [i.title for i in after.items] == [second.title, "A new step"]
    assert after.items[0].id == second.id


def test_contract_page_forms(client, auth, app, people):
    cid = make_contract(app, people["ann"], shares=[(people["ben"], "manager")])
    item = contract_of(app, cid).items[0]
    auth.login("ann")
    page = client.get(f"/contracts/{cid}").get_data(as_text=True)
    assert 'data-item-toggle' in page and "Not co-signed yet" in page and "Co-sign</button>" not in page
    assert form_post(client, f"/contracts/{cid}/items/{item.id}/done", {"done": "1"},
                     page=f"/contracts/{cid}").status_code == 302
    assert contract_of(app, cid).items[0].done_at is not None
    bad = form_post(client, f"/contracts/{cid}/comments", {"body": ""}, page=f"/contracts/{cid}")
    assert bad.status_code == 422
    assert form_post(client, f"/contracts/{cid}/comments", {"body": "Started **today**"},
                     page=f"/contracts/{cid}").status_code == 302
    sharing = {"share-0-username": "ben", "share-0-role": "manager", "share-1-username": "cat",
               "share-1-role": "mentor"}
    assert form_post(client, f"/contracts/{cid}/shares", sharing, page=f"/contracts/{cid}").status_code == 302
    bad_share = form_post(client, f"/contracts/{cid}/shares", {"share-0-username": "ghost"},
                          page=f"/contracts/{cid}")
    assert bad_share.status_code == 422 and "is not a member here" in bad_share.get_data(as_text=True)
    auth.logout()
    auth.login("ben")
    page = client.get(f"/contracts/{cid}").get_data(as_text=True)
    assert "<strong>today</strong>" in page and "data-item-toggle" not in page and "Co-sign</button>" in page
    assert form_post(client, f"/contracts/{cid}/cosign", {}, page=f"/contracts/{cid}").status_code == 302
    page = client.get(f"/contracts/{cid}").get_data(as_text=True)
    assert "✓ Co-signed" in page and "Co-sign</button>" not in page
    refused = form_post(client, f"/contracts/{cid}/complete", {}, page=f"/contracts/{cid}")
    assert refused.status_code == 403


def test_complete_reopen_and_delete(client, auth, app, people):
    cid = make_contract(app, people["ann"])
    auth.login("ann")
    assert form_post(client, f"/contracts/{cid}/complete", {}, page=f"/contracts/{cid}").status_code == 302
    page = client.get(f"/contracts/{cid}").get_data(as_text=True)
    assert "contract-status-done" in page and "Reopen" in page
    assert client.get(f"/contracts/{cid}/edit").status_code == 409
    assert form_post(client, f"/contracts/{cid}/reopen", {}, page=f"/contracts/{cid}").status_code == 302
    assert form_post(client, f"/contracts/{cid}/delete", {}, page=f"/contracts/{cid}").status_code == 302
    assert client.get(f"/contracts/{cid}").status_code == 404


def test_a_long_history_opens_on_its_newest_page(client, auth, app, people):
    from community.actions import contracts as contract_actions

    cid = make_contract(app, people["ann"], shares=[(people["ben"], "mentor")])
    with app.app_context():
        for n in range(1, 56):
            contract_actions.add_comment(people["ben"], cid, f"Comment number {n}.")
    auth.login("ann")
    html = client.get(f"/contracts/{cid}").get_data(as_text=True)
    assert "Comment number 55." in html and "Comment number 3." not in html
    assert 'aria-label="History page 1"' in html
    first = client.get(f"/contracts/{cid}?history_page=1").get_data(as_text=True)
    assert "Comment number 3." in first and "Comment number 55." not in first
