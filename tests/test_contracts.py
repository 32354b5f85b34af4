"""Learning contracts over the API: privacy for every kind of caller, the derived status, the
history, co-signing, sharing, validation, and the reminders job (also from two threads at once)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from community.actions import contract_reminders
from community.actions import contracts as contract_actions
from community.extensions import db
from community.models import ContractItem, LearningContract, Notification, Role, SentReminder
from community.models.base import utcnow
from community.scheduler import JOBS, run_due_jobs
from tests.factories import make_contract, make_user, share_resource
from tests.support import USER_FIELDS, assert_error, run_together

CONTRACT_FIELDS = {"id", "title", "objectives", "objectives_html", "due_on", "status", "owner", "items",
                   "progress", "shares", "created_at", "updated_at", "completed_at", "url", "my_role"}


def in_days(n: int) -> str:
    return (utcnow().date() + timedelta(days=n)).isoformat()


@pytest.fixture
def people(app):
    users = {name: make_user(app, name) for name in ("owner", "boss", "guide", "other")}
    users["mod"] = make_user(app, "mod", role=Role.MODERATOR)
    users["admin"] = make_user(app, "root", role=Role.ADMIN)
    return users


@pytest.fixture
def contract_id(app, people):
    return make_contract(app, people["owner"],
                         shares=[(people["boss"], "manager"), (people["guide"], "mentor")])


def backdate(app, contract_id: int, *, item_days: int | None = None,
             contract_days: int | None = None) -> None:
    """Move dates into the past (the API refuses past dates, time passing does not)."""
    with app.app_context():
        if item_days is not None:
            first = db.session.scalar(select(func.min(ContractItem.id))
                                      .where(ContractItem.contract_id == contract_id))
            db.session.execute(update(ContractItem).where(ContractItem.id == first)
                               .values(due_on=utcnow().date() + timedelta(days=item_days)))
        if contract_days is not None:
            db.session.execute(update(LearningContract).where(LearningContract.id == contract_id)
                               .values(due_on=utcnow().date() + timedelta(days=contract_days)))
        db.session.commit()


def notes(app, user, type_: str) -> list[Notification]:
    with app.app_context():
        return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                                  Notification.type == type_)))


# --- writing and reading -------------------------------------------------------------------------


def test_create_returns_the_documented_contract(api, app, people):
    resource = share_resource(app, people["other"])
    body = {"title": "Become fluent in SQL", "objectives": "Write *joins* without help.",
            "due_on": in_days(30),
            "items": [{"title": "Course", "resource_id": resource.id, "due_on": in_days(10)},
                      {"title": "Practice"}],
            "shares": [{"username": "BOSS", "role": "manager"}]}
    response = api.as_user(people["owner"]).post("contracts", json=body)
    assert response.status_code == 201, response.json
    data = response.json
    assert set(data) == CONTRACT_FIELDS
    assert set(data["owner"]) >= USER_FIELDS
    assert data["status"] == "on_track" and data["my_role"] == "owner"
    assert data["objectives_html"] == "<p>Write <em>joins</em> without help.</p>\n"
    assert data["url"] == f"/contracts/{data['id']}"
    assert data["progress"] == {"done": 0, "total": 2}
    first = data["items"][0]
    assert first["resource"] == {"id": resource.id, "title": resource.title,
                                 "page_url": f"/resources/{resource.id}"}
    assert first["due_on"] == in_days(10) and first["done"] is False and first["done_at"] is None
    assert data["items"][1]["resource"] is None
    shares = [(s["user"]["username"], s["role"], s["cosigned_at"], s["cosigned_current"])
              for s in data["shares"]]
    assert shares == [("boss", "manager", None, False)]
    assert [n.subject for n in notes(app, people["boss"], "contract_shared")] == ["Become fluent in SQL"]


def test_lists_mine_and_shared_with_me(api, app, people, contract_id):
    make_contract(app, people["other"], shares=[(people["boss"], "mentor")])
    owner, boss = api.as_user(people["owner"]), api.as_user(people["boss"])
    mine = owner.get("contracts").json
    assert [c["id"] for c in mine["items"]] == [contract_id] and mine["total"] == 1 and mine["per_page"] == 20
    assert owner.get("contracts?shared=1").json["items"] == []
    assert boss.get("contracts").json["total"] == 0
    shared = boss.get("contracts?shared=1").json
    assert shared["total"] == 2 and {c["my_role"] for c in shared["items"]} == {"manager", "mentor"}
    assert api.as_user(people["mod"]).get("contracts?shared=1").json["total"] == 0


# Who may do what: owner, the two shared people, and everyone else (404: they can't know it exists).
PRIVACY = {
    #           read  edit  comment cosign done  history delete
    "owner": (200, 200, 201, 403, 200, 200, 204),
    "boss": (200, 403, 201, 200, 403, 200, 403),
    "guide": (200, 403, 201, 200, 403, 200, 403),
    "other": (404, 404, 404, 404, 404, 404, 404),
    "mod": (404, 404, 404, 404, 404, 404, 404),
    "admin": (404, 404, 404, 404, 404, 404, 404),
    None: (401, 401, 401, 401, 401, 401, 401),
}


@pytest.mark.parametrize("who", list(PRIVACY), ids=lambda w: w or "anonymous")
def test_privacy_for_every_kind_of_caller(api, app, people, who):
    shares = [(people["boss"], "manager"), (people["guide"], "mentor")]
    owner_ids = [make_contract(app, people["owner"], shares=shares) for _ in range(2)]
    cid = owner_ids[0]
    client = api.as_user(people[who]) if who else api
    with app.app_context():
        item_id = db.session.get(LearningContract, cid).items[0].id
    calls = [client.get(f"contracts/{cid}"), client.patch(f"contracts/{cid}", json={"title": "Renamed"}),
             client.post(f"contracts/{cid}/comments", json={"body": "Looks good"}),
             client.post(f"contracts/{cid}/cosign"), client.post(f"contracts/{cid}/items/{item_id}/done"),
             client.get(f"contracts/{cid}/history"), client.delete(f"contracts/{owner_ids[1]}")]
    statuses = tuple(r.status_code for r in calls)
    assert statuses == PRIVACY[who], [r.get_data(as_text=True)[:200] for r in calls]
    for response in calls:
        if response.status_code >= 400:
            assert_error(response, response.status_code,
                         {401: "unauthorized", 403: "forbidden", 404: "not_found"}[response.status_code])
    if PRIVACY[who][0] == 200:
        assert calls[0].json["my_role"] == ("owner" if who == "owner" else {"boss": "manager",
                                                                           "guide": "mentor"}[who])


def test_a_missing_contract_is_the_same_404_as_a_private_one(api, people, contract_id):
    other = api.as_user(people["other"])
    private = other.get(f"contracts/{contract_id}")
    missing = other.get("contracts/99999")
    assert private.status_code == missing.status_code == 404
    assert private.json == missing.json


def test_suspended_owner_reads_but_cannot_write(api, app, people, contract_id):
    with app.app_context():
        from community.models import User

        db.session.execute(update(User).where(User.id == people["owner"].id)
                           .values(suspended_until=utcnow() + timedelta(days=2)))
        db.session.commit()
    owner = api.as_user(people["owner"])
    assert owner.get(f"contracts/{contract_id}").status_code == 200
    assert_error(owner.patch(f"contracts/{contract_id}", json={"title": "x"}), 403, "forbidden")


# --- status -------------------------------------------------------------------------------------


def test_status_is_on_track_late_and_done(api, app, people, contract_id):
    owner = api.as_user(people["owner"])
    assert owner.get(f"contracts/{contract_id}").json["status"] == "on_track"
    backdate(app, contract_id, item_days=0)  # due today: not late yet
    assert owner.get(f"contracts/{contract_id}").json["status"] == "on_track"
    backdate(app, contract_id, item_days=-1)
    data = owner.get(f"contracts/{contract_id}").json
    assert data["status"] == "late"
    owner.post(f"contracts/{contract_id}/items/{data['items'][0]['id']}/done")
    assert owner.get(f"contracts/{contract_id}").json["status"] == "on_track"  # the late item is done
    backdate(app, contract_id, contract_days=-2)
    assert owner.get(f"contracts/{contract_id}").json["status"] == "late"  # the contract's own date
    done = owner.post(f"contracts/{contract_id}/complete")
    assert done.status_code == 200 and done.json["status"] == "done" and done.json["completed_at"]
    reopened = owner.post(f"contracts/{contract_id}/reopen").json
    assert reopened["status"] == "late" and reopened["completed_at"] is None


def test_completing_twice_and_reopening_an_open_contract_conflict(api, people, contract_id):
    owner = api.as_user(people["owner"])
    assert owner.post(f"contracts/{contract_id}/complete").status_code == 200
    assert_error(owner.post(f"contracts/{contract_id}/complete"), 409, "contract_completed")
    item = owner.get(f"contracts/{contract_id}").json["items"][0]["id"]
    assert_error(owner.post(f"contracts/{contract_id}/items/{item}/done"), 409, "contract_completed")
    assert_error(owner.patch(f"contracts/{contract_id}", json={"title": "New"}), 409, "contract_completed")
    assert owner.post(f"contracts/{contract_id}/reopen").status_code == 200
    assert_error(owner.post(f"contracts/{contract_id}/reopen"), 409, "contract_open")


def test_done_and_undone_items(api, people, contract_id):
    owner = api.as_user(people["owner"])
    item = owner.get(f"contracts/{contract_id}").json["items"][1]["id"]
    done = owner.post(f"contracts/{contract_id}/items/{item}/done").json
    assert done["progress"] == {"done": 1, "total": 2}
    assert done["items"][1]["done"] and done["items"][1]["done_at"]
    again = owner.post(f"contracts/{contract_id}/items/{item}/done").json
    assert again["items"][1]["done_at"] == done["items"][1]["done_at"]  # no change, no new entry
    undone = owner.delete(f"contracts/{contract_id}/items/{item}/done")
    assert undone.status_code == 200 and undone.json["progress"] == {"done": 0, "total": 2}
    assert_error(owner.post(f"contracts/{contract_id}/items/999999/done"), 404, "not_found")
    kinds = [e["kind"] for e in owner.get(f"contracts/{contract_id}/history").json["items"]]
    assert kinds.count("item_done") == 1 and kinds.count("item_undone") == 1


# --- history ------------------------------------------------------------------------------------


def test_history_keeps_every_change_in_order(api, app, people, contract_id):
    owner, boss = api.as_user(people["owner"]), api.as_user(people["boss"])
    item = owner.get(f"contracts/{contract_id}").json["items"][0]["id"]
    owner.patch(f"contracts/{contract_id}", json={"objectives": "New plan"})
    owner.patch(f"contracts/{contract_id}", json={"title": "Renamed"})
    owner.post(f"contracts/{contract_id}/items/{item}/done")
    owner.delete(f"contracts/{contract_id}/items/{item}/done")
    comment = boss.post(f"contracts/{contract_id}/comments", json={"body": "Nice **plan**"})
    assert comment.status_code == 201
    assert comment.json["kind"] == "comment"
    assert comment.json["body_html"] == "<p>Nice <strong>plan</strong></p>\n"
    assert comment.json["author"]["username"] == "boss"
    boss.post(f"contracts/{contract_id}/cosign")
    owner.put(f"contracts/{contract_id}/shares", json={"shares": [{"username": "boss", "role": "manager"}]})
    owner.post(f"contracts/{contract_id}/complete")
    owner.post(f"contracts/{contract_id}/reopen")
    history = boss.get(f"contracts/{contract_id}/history?per_page=50").json
    assert [e["kind"] for e in history["items"]] == [
        "created", "shared", "shared", "revised", "edited", "item_done", "item_undone", "comment", "cosigned",
        "unshared", "completed", "reopened"]
    assert history["total"] == 12
    second = boss.get(f"contracts/{contract_id}/history?per_page=5&page=2").json
    assert [e["kind"] for e in second["items"]] == [
        "item_done", "item_undone", "comment", "cosigned", "unshared"]
    # Comments notify the others who can read the contract, never the writer.
    assert len(notes(app, people["owner"], "contract_comment")) == 1
    assert len(notes(app, people["guide"], "contract_comment")) == 1
    assert notes(app, people["boss"], "contract_comment") == []


# --- co-signing ---------------------------------------------------------------------------------


def test_cosign_once_per_version(api, app, people, contract_id):
    owner, boss, guide = (api.as_user(people[n]) for n in ("owner", "boss", "guide"))
    signed = boss.post(f"contracts/{contract_id}/cosign")
    assert signed.status_code == 200
    share = next(s for s in signed.json["shares"] if s["user"]["username"] == "boss")
    assert share["cosigned_at"] and share["cosigned_current"] is True
    assert len(notes(app, people["owner"], "contract_cosigned")) == 1
    assert_error(boss.post(f"contracts/{contract_id}/cosign"), 409, "already_cosigned")
    # Neither a new title nor ticking an item off changes what was signed.
    owner.patch(f"contracts/{contract_id}", json={"title": "Same plan, new name"})
    item = owner.get(f"contracts/{contract_id}").json["items"][0]["id"]
    owner.post(f"contracts/{contract_id}/items/{item}/done")
    assert_error(boss.post(f"contracts/{contract_id}/cosign"), 409, "already_cosigned")
    # Changing the items does: the signature is kept, shown as for an earlier version.
    items = owner.get(f"contracts/{contract_id}").json["items"]
    kept = [{"id": i["id"], "title": i["title"]} for i in items]
    owner.patch(f"contracts/{contract_id}", json={"items": [*kept, {"title": "Present to the team"}]})
    shares = {s["user"]["username"]: s for s in guide.get(f"contracts/{contract_id}").json["shares"]}
    assert shares["boss"]["cosigned_at"] == share["cosigned_at"]
    assert shares["boss"]["cosigned_current"] is False
    assert shares["guide"]["cosigned_at"] is None
    resigned = boss.post(f"contracts/{contract_id}/cosign")
    assert resigned.status_code == 200
    assert next(s for s in resigned.json["shares"] if s["user"]["username"] == "boss")["cosigned_current"]


def test_editing_objectives_outdates_signatures(api, people, contract_id):
    owner, boss = api.as_user(people["owner"]), api.as_user(people["boss"])
    boss.post(f"contracts/{contract_id}/cosign")
    owner.patch(f"contracts/{contract_id}", json={"objectives": "A different plan"})
    shares = owner.get(f"contracts/{contract_id}").json["shares"]
    assert [(s["user"]["username"], s["cosigned_current"], bool(s["cosigned_at"])) for s in shares] == [
        ("boss", False, True), ("guide", False, False)]


def test_cosign_from_two_threads_signs_once(threaded_app):
    app = threaded_app
    owner, boss = make_user(app), make_user(app)
    cid = make_contract(app, owner, shares=[(boss, "manager")])

    def sign() -> str:
        from community.errors import Conflict

        try:
            contract_actions.cosign_contract(boss, cid)
            return "signed"
        except Conflict:
            return "conflict"

    assert sorted(run_together(app, [sign, sign])) == ["conflict", "signed"]


# --- editing and sharing --------------------------------------------------------------------------


def test_editing_items_keeps_done_items_by_id(api, people, contract_id):
    owner = api.as_user(people["owner"])
    first, second = owner.get(f"contracts/{contract_id}").json["items"]
    owner.post(f"contracts/{contract_id}/items/{second['id']}/done")
    edited = owner.patch(f"contracts/{contract_id}", json={"items": [
        {"id": second["id"], "title": "Build the report, reviewed"}, {"title": "Teach a colleague",
                                                                       "due_on": in_days(5)}]})
    assert edited.status_code == 200, edited.json
    items = edited.json["items"]
    assert [(i["id"] == second["id"], i["title"], i["done"]) for i in items] == [
        (True, "Build the report, reviewed", True), (False, "Teach a colleague", False)]
    assert first["id"] not in {i["id"] for i in items}
    assert edited.json["progress"] == {"done": 1, "total": 2}


def test_an_item_may_keep_a_date_that_has_passed(api, app, people, contract_id):
    owner = api.as_user(people["owner"])
    backdate(app, contract_id, item_days=-3)
    items = owner.get(f"contracts/{contract_id}").json["items"]
    same = [{"id": i["id"], "title": i["title"], "due_on": i["due_on"]} for i in items]
    assert owner.patch(f"contracts/{contract_id}", json={"items": same}).status_code == 200
    same[0]["due_on"] = in_days(-1)
    assert assert_error(owner.patch(f"contracts/{contract_id}", json={"items": same}), 422,
                        "validation_error")["fields"] == {"items[1].due_on": "must be today or later"}


def test_sharing_replaces_the_list_and_notifies_newcomers(api, app, people, contract_id):
    owner = api.as_user(people["owner"])
    api.as_user(people["boss"]).post(f"contracts/{contract_id}/cosign")
    response = owner.put(f"contracts/{contract_id}/shares", json={"shares": [
        {"username": "boss", "role": "mentor"}, {"username": "other", "role": "manager"}]})
    assert response.status_code == 200
    shares = {s["user"]["username"]: s for s in response.json["shares"]}
    assert set(shares) == {"boss", "other"}
    assert shares["boss"]["role"] == "mentor" and shares["boss"]["cosigned_at"]  # kept
    assert len(notes(app, people["other"], "contract_shared")) == 1
    assert len(notes(app, people["boss"], "contract_shared")) == 1  # only when first shared
    assert_error(api.as_user(people["guide"]).get(f"contracts/{contract_id}"), 404, "not_found")
    assert api.as_user(people["other"]).get(f"contracts/{contract_id}").json["my_role"] == "manager"


def test_owner_deletes_with_everything(api, app, people, contract_id):
    owner = api.as_user(people["owner"])
    api.as_user(people["boss"]).post(f"contracts/{contract_id}/comments", json={"body": "Hi"})
    assert owner.delete(f"contracts/{contract_id}").status_code == 204
    assert_error(owner.get(f"contracts/{contract_id}"), 404, "not_found")
    with app.app_context():
        assert db.session.scalar(select(func.count(ContractItem.id))) == 0


# --- validation -----------------------------------------------------------------------------------


def _body(**changes):
    body = {"title": "Plan", "objectives": "", "items": [{"title": "One"}]}
    body.update(changes)
    return body


VALIDATION = [
    (_body(title=""), "title"),
    (_body(title="x" * 201), "title"),
    (_body(title=5), "title"),
    (_body(title="Nul\x00"), "title"),
    (_body(objectives="x" * 20_001), "objectives"),
    (_body(items=[]), "items"),
    (_body(items=[{"title": f"Item {n}"} for n in range(31)]), "items"),
    (_body(items="read"), "items"),
    (_body(items=["read"]), "items[1]"),
    (_body(items=[{"title": "ok"}, {"title": ""}]), "items[2].title"),
    (_body(items=[{"title": "x" * 201}]), "items[1].title"),
    (_body(items=[{"title": "ok", "due_on": "2026-13-01"}]), "items[1].due_on"),
    (_body(items=[{"title": "ok", "due_on": "31/12/2030"}]), "items[1].due_on"),
    (_body(items=[{"title": "ok", "due_on": "2030-01-01T10:00:00Z"}]), "items[1].due_on"),
    (_body(items=[{"title": "ok", "due_on": 20300101}]), "items[1].due_on"),
    (_body(items=[{"title": "ok", "due_on": "2001-01-01"}]), "items[1].due_on"),
    (_body(items=[{"title": "ok", "resource_id": 999999}]), "items[1].resource_id"),
    (_body(items=[{"title": "ok", "resource_id": "1"}]), "items[1].resource_id"),
    (_body(items=[{"title": "ok", "id": 1}]), "items[1].id"),
    (_body(due_on="2001-01-01"), "due_on"),
    (_body(due_on="tomorrow"), "due_on"),
    (_body(shares=[{"username": "nobody-here", "role": "manager"}]), "shares[1].username"),
    (_body(shares=[{"username": "owner", "role": "manager"}]), "shares[1].username"),
    (_body(shares=[{"username": "boss", "role": "boss"}]), "shares[1].role"),
    (_body(shares=[{"username": "boss", "role": "manager"}, {"username": "Boss", "role": "mentor"}]),
     "shares[2].username"),
    (_body(shares=[{"username": "boss", "role": "mentor"}] * 6), "shares"),
    (_body(shares="boss"), "shares"),
    (_body(shares=[{"username": None, "role": "mentor"}]), "shares[1].username"),
]


@pytest.mark.parametrize(("body", "field"), VALIDATION,
                         ids=[f"{n}-{f}" for n, (_, f) in enumerate(VALIDATION)])
def test_bad_input_is_a_422_naming_the_field(api, app, people, body, field):
    response = api.as_user(people["owner"]).post("contracts", json=body)
    error = assert_error(response, 422, "validation_error")
    assert field in error["fields"], error
    with app.app_context():
        assert db.session.scalar(select(func.count(LearningContract.id))) == 0


def test_a_deleted_resource_cannot_be_linked(api, app, people):
    from community.actions import resources as resource_actions

    resource = share_resource(app, people["other"])
    with app.app_context():
        resource_actions.delete_resource(people["mod"], resource.id)
    body = _body(items=[{"title": "Read", "resource_id": resource.id}])
    response = api.as_user(people["owner"]).post("contracts", json=body)
    assert assert_error(response, 422, "validation_error")["fields"] == {
        "items[1].resource_id": "is not a resource that exists here"}


def test_other_bad_requests(api, people, contract_id):
    owner = api.as_user(people["owner"])
    assert_error(owner.post("contracts", data="[1]", content_type="application/json"), 400, "bad_request")
    assert_error(owner.post(f"contracts/{contract_id}/comments", json={"body": " "}), 422, "validation_error")
    assert_error(owner.post(f"contracts/{contract_id}/comments", json={}), 422, "validation_error")
    assert_error(owner.put(f"contracts/{contract_id}/shares", json={"shares": [{"username": "x"}]}), 422,
                 "validation_error")
    assert_error(owner.get("contracts?page=0"), 422, "validation_error")
    assert_error(owner.patch(f"contracts/{contract_id}", json={"items": [{"id": 10**9, "title": "x"}]}), 422,
                 "validation_error")


# --- reminders ------------------------------------------------------------------------------------


def test_reminders_job_is_registered():
    job = next(j for j in JOBS if j.name == "contracts.reminders")
    assert job.function() is contract_reminders.send_contract_reminders


def test_reminders_are_sent_once_each(app, people):
    owner = people["owner"]
    cid = make_contract(app, owner, due_on=in_days(3), items=[
        {"title": "Soon", "due_on": in_days(2)}, {"title": "Later", "due_on": in_days(20)},
        {"title": "Today", "due_on": in_days(0)}, {"title": "Undated"}])
    now = utcnow()
    with app.app_context():
        assert contract_reminders.send_contract_reminders(now) == 3  # soon, today, and the contract
        assert contract_reminders.send_contract_reminders(now) == 0
    due = sorted(n.subject for n in notes(app, owner, "contract_due"))
    assert due == [f"Your contract “{_title(app, cid)}” is due on {in_days(3)}",
                   f"“Soon” ({_title(app, cid)}) is due on {in_days(2)}",
                   f"“Today” ({_title(app, cid)}) is due today"]
    assert all(n.url == f"/contracts/{cid}" for n in notes(app, owner, "contract_due"))
    # The next days: each date falls due, then passes (one reminder each, however often it runs).
    with app.app_context():
        assert contract_reminders.send_contract_reminders(now + timedelta(days=2)) == 2  # Soon; Today late
        assert contract_reminders.send_contract_reminders(now + timedelta(days=2)) == 0
        assert contract_reminders.send_contract_reminders(now + timedelta(days=3)) == 2  # Soon late; contract
        assert contract_reminders.send_contract_reminders(now + timedelta(days=4)) == 1  # contract late
        assert contract_reminders.send_contract_reminders(now + timedelta(days=9)) == 0
    assert len(notes(app, owner, "contract_late")) == 3
    with app.app_context():
        kinds = set(db.session.scalars(select(SentReminder.kind)))
    assert kinds == {"contract_item.due_in_3_days", "contract_item.due_today", "contract_item.late",
                     "contract.due_in_3_days", "contract.due_today", "contract.late"}


def _title(app, cid: int) -> str:
    with app.app_context():
        return db.session.get(LearningContract, cid).title


def test_no_reminders_for_done_items_or_completed_contracts(api, app, people):
    owner = api.as_user(people["owner"])
    cid = make_contract(app, people["owner"], items=[{"title": "A", "due_on": in_days(1)},
                                                      {"title": "B", "due_on": in_days(1)}])
    other = make_contract(app, people["owner"], due_on=in_days(0),
                          items=[{"title": "C", "due_on": in_days(0)}])
    item = owner.get(f"contracts/{cid}").json["items"][0]["id"]
    owner.post(f"contracts/{cid}/items/{item}/done")
    owner.post(f"contracts/{other}/complete")
    with app.app_context():
        assert contract_reminders.send_contract_reminders(utcnow()) == 1  # only B
    assert [n.subject[:3] for n in notes(app, people["owner"], "contract_due")] == ["“B”"]


def test_run_due_jobs_sends_contract_reminders(app, people):
    make_contract(app, people["owner"], items=[{"title": "Due", "due_on": in_days(0)}])
    assert run_due_jobs(app)["contracts.reminders"] == 1
    assert run_due_jobs(app)["contracts.reminders"] == 0


def test_reminders_from_two_threads_notify_once(threaded_app):
    app = threaded_app
    owners = [make_user(app) for _ in range(3)]
    for owner in owners:
        make_contract(app, owner, due_on=in_days(2), items=[{"title": "A", "due_on": in_days(0)}])
    now = utcnow()
    results = run_together(app, [lambda: contract_reminders.send_contract_reminders(now)] * 2)
    assert sum(results) == 6 and sorted(results)[0] == 0
    with app.app_context():
        per_user = dict(db.session.execute(
            select(Notification.user_id, func.count(Notification.id))
            .where(Notification.type == "contract_due").group_by(Notification.user_id)).all())
    assert per_user == {owner.id: 2 for owner in owners}


def test_due_on_helpers():
    assert contract_actions.check_due_on("due_on", None, not_before=date(2030, 1, 1)) is None
    assert contract_actions.check_due_on("due_on", "2030-01-02", not_before=date(2030, 1, 1)) \
        == date(2030, 1, 2)


ODD_VALUES = [None, True, 0, -1, 1.5, "", "x" * 30_000, [], [None], {}, {"a": 1}, "\x00", "\ud800"]


def test_odd_values_in_every_field_are_4xx_never_500(api, app, people, contract_id):
    """Every field of every write, given each odd JSON value: a 4xx with the envelope or a success."""
    owner, boss = api.as_user(people["owner"]), api.as_user(people["boss"])
    base = {"title": "Plan", "objectives": "", "items": [{"title": "One"}]}
    calls = []
    for value in ODD_VALUES:
        for name in ("title", "objectives", "due_on", "items", "shares"):
            calls.append(owner.post("contracts", json={**base, name: value}))
            calls.append(owner.patch(f"contracts/{contract_id}", json={name: value}))
        for name in ("title", "resource_id", "due_on", "id"):
            calls.append(owner.post("contracts", json={**base, "items": [{"title": "One", name: value}]}))
        for name in ("username", "role"):
            share = {"username": "boss", "role": "mentor", name: value}
            calls.append(owner.put(f"contracts/{contract_id}/shares", json={"shares": [share]}))
        calls.append(owner.put(f"contracts/{contract_id}/shares", json={"shares": value}))
        calls.append(boss.post(f"contracts/{contract_id}/comments", json={"body": value}))
    for response in calls:
        assert response.status_code < 500, response.get_data(as_text=True)[:300]
        if response.status_code >= 400:
            assert set(response.json) == {"error"} and response.json["error"]["message"]
    assert sum(r.status_code == 422 for r in calls) > len(calls) // 2
