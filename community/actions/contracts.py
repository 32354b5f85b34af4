"""Learning contracts: a member writes one (objectives, items, dates), shares it with a manager or
mentor, ticks items off, completes it; the people it is shared with read it, comment and co-sign.

Who may do what (community/queries/contracts.py says who may see one): the owner edits, deletes,
ticks items, completes, reopens and chooses the shares; shared people comment and co-sign; the
owner comments too. Anyone else gets a 404, moderators and admins included: a contract is personal.

Every change writes a history entry in the same transaction. Co-signing again is allowed only
after the terms (objectives or items) changed: then the earlier signature is out of date.

The reminders job (contract_reminders.py) notifies the owner 3 days before and on the day an open
item (or the contract) is due, and once when it is late; each (kind, item or contract, owner) is
claimed first (claim_reminder), so several processes running the job at once send each reminder
once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..db import atomic
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import ContractEntry, ContractItem, ContractShare, LearningContract, ShareRole, User
from ..models.base import is_row_id, utcnow
from ..payloads.contracts import contract_url
from ..permissions import can_see_hidden, require_active_account
from ..queries import contracts as queries
from ..queries import resources as resource_queries
from ..queries.contracts import EntryKind
from ..text.markdown import render_markdown
from ..text.validation import check_text
from .notifications import notify

TITLE_MAX, OBJECTIVES_MAX, ITEM_TITLE_MAX, COMMENT_MAX = 200, 20_000, 200, 5_000
MAX_ITEMS, MAX_SHARES = 30, 5
ROLES = tuple(role.value for role in ShareRole)


@dataclass(frozen=True)
class ItemDraft:
    id: int | None  # an existing item's id when editing (its done state is kept)
    title: str
    resource_id: int | None
    due_on: date | None


@dataclass(frozen=True)
class ShareDraft:
    user: User
    role: str


# --- validation --------------------------------------------------------------------------------


def check_due_on(field: str, value: object, *, not_before: date | None) -> date | None:
    """An ISO date (YYYY-MM-DD) or nothing; ``not_before`` (today) refuses a date in the past."""
    if value is None or value == "":
        return None
    problem = "must be a date like 2026-12-31 (YYYY-MM-DD)"
    if not isinstance(value, str) or len(value) != 10:
        raise ValidationFailed({field: problem})
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed({field: problem}) from None
    if not_before is not None and day < not_before:
        raise ValidationFailed({field: "must be today or later"})
    return day


def _check_resource(field: str, actor: User, value: object) -> int | None:
    if value is None or value == "":
        return None
    if not is_row_id(value):
        raise ValidationFailed({field: "must be the id of a shared resource"})
    resource = resource_queries.get_resource(value)
    hidden = resource is not None and resource.is_hidden and not can_see_hidden(actor, resource.shared_by_id)
    if resource is None or resource.is_deleted or hidden:
        raise ValidationFailed({field: "is not a resource that exists here"})
    return resource.id


def check_item(n: int, value: object, actor: User, existing: Mapping[int, ContractItem],
               today: date) -> ItemDraft:
    """One item; errors are named ``items[n].field`` (n counts from 1)."""
    where = f"items[{n}]"
    if not isinstance(value, Mapping):
        raise ValidationFailed({where: "must be an object with a title (resource_id and due_on optional)"})
    item_id = value.get("id")
    if item_id is not None and (not is_row_id(item_id) or item_id not in existing):
        raise ValidationFailed({f"{where}.id": "is not an item of this contract"})
    title = check_text(f"{where}.title", value.get("title"), min_len=1, max_len=ITEM_TITLE_MAX).strip()
    resource_id = _check_resource(f"{where}.resource_id", actor, value.get("resource_id"))
    old = existing.get(item_id) if item_id is not None else None
    raw_due = value.get("due_on")
    # An item may keep a date that has passed; a new or changed date must be today or later.
    kept = old is not None and old.due_on is not None and raw_due == old.due_on.isoformat()
    due_on = check_due_on(f"{where}.due_on", raw_due, not_before=None if kept else today)
    return ItemDraft(item_id, title, resource_id, due_on)


def check_items(value: object, actor: User, existing: Mapping[int, ContractItem],
                today: date) -> list[ItemDraft]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_ITEMS:
        raise ValidationFailed({"items": f"must be a list of 1-{MAX_ITEMS} items"})
    drafts = [check_item(n, item, actor, existing, today) for n, item in enumerate(value, start=1)]
    ids = [d.id for d in drafts if d.id is not None]
    if len(ids) != len(set(ids)):
        raise ValidationFailed({"items": "must name each existing item once"})
    return drafts


def check_shares(value: object, owner: User) -> list[ShareDraft]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_SHARES:
        raise ValidationFailed({"shares": f"must be a list of at most {MAX_SHARES} people"})
    if not all(isinstance(s, Mapping) for s in value):
        raise ValidationFailed({"shares": "must be a list of {username, role}"})
    names = [s.get("username") for s in value]
    for n, name in enumerate(names, start=1):
        check_text(f"shares[{n}].username", name, min_len=1, max_len=100)
    users = queries.users_named([str(name) for name in names])
    drafts: list[ShareDraft] = []
    for n, share in enumerate(value, start=1):
        user = users.get(str(share.get("username")).strip().lower())
        if user is None:
            raise ValidationFailed({f"shares[{n}].username": "is not a member here"})
        if user.id == owner.id:
            raise ValidationFailed({f"shares[{n}].username": "is you: share with someone else"})
        if share.get("role") not in ROLES:
            raise ValidationFailed({f"shares[{n}].role": "must be one of " + ", ".join(ROLES)})
        if any(d.user.id == user.id for d in drafts):
            raise ValidationFailed({f"shares[{n}].username": "is named twice"})
        drafts.append(ShareDraft(user, str(share["role"])))
    return drafts


# --- helpers -----------------------------------------------------------------------------------


def _entry(contract: LearningContract, actor: User | None, kind: str, body: str = "",
           now: datetime | None = None) -> ContractEntry:
    entry = ContractEntry(contract_id=contract.id, author_id=actor.id if actor else None, kind=kind,
                          body=body, body_html=render_markdown(body) if body else "",
                          created_at=now or utcnow())
    entry.author = db.session.get(User, actor.id) if actor is not None else None
    db.session.add(entry)
    return entry


def _owned(actor: User, contract_id: object, *, open_only: bool = False) -> LearningContract:
    """The contract for an owner's change, locked; 404 to strangers, 403 to shared people."""
    contract = queries.access_contract(actor, contract_id, for_update=True)
    if contract.owner_id != actor.id:
        raise Forbidden("Only the contract's owner changes it.")
    if open_only and contract.completed_at is not None:
        raise Conflict("This contract is completed: reopen it first.", code="contract_completed")
    return contract


def _set_items(contract: LearningContract, drafts: list[ItemDraft]) -> None:
    existing = {item.id: item for item in contract.items}
    kept: list[ContractItem] = []
    for position, draft in enumerate(drafts):
        item = existing.get(draft.id) if draft.id is not None else None
        if item is None:
            item = ContractItem(title=draft.title)
        item.position, item.title, item.resource_id, item.due_on = (position, draft.title, draft.resource_id,
                                                                    draft.due_on)
        kept.append(item)
    contract.items[:] = kept


def _items_terms(contract: LearningContract) -> list[tuple[Any, ...]]:
    return [(i.id, i.title, i.resource_id, i.due_on) for i in contract.items]


def _apply_shares(actor: User, contract: LearningContract, drafts: list[ShareDraft], now: datetime) -> None:
    """Add, change and remove shares; the newly shared are notified, every change is history."""
    current = {share.user_id: share for share in contract.shares}
    wanted = {draft.user.id: draft for draft in drafts}
    for user_id, share in current.items():
        if user_id not in wanted:
            contract.shares.remove(share)
            _entry(contract, actor, EntryKind.UNSHARED, f"Stopped sharing with @{share.user.username}.", now)
    added: list[int] = []
    for user_id, draft in wanted.items():
        share = current.get(user_id)
        if share is None:
            contract.shares.append(ContractShare(user_id=user_id, user=draft.user, role=draft.role,
                                                 created_at=now))
            added.append(user_id)
            _entry(contract, actor, EntryKind.SHARED, f"Shared with @{draft.user.username} as {draft.role}.",
                   now)
        elif share.role != draft.role:
            share.role = draft.role
            _entry(contract, actor, EntryKind.SHARED, f"@{draft.user.username} is now the {draft.role}.", now)
    db.session.flush()
    notify(added, "contract_shared", actor, contract.title, contract_url(contract.id))


# --- writing, editing, deleting ------------------------------------------------------------------


def create_contract(actor: User, data: Mapping[str, Any]) -> LearningContract:
    """A new contract from the API fields: title, objectives, due_on?, items, shares?."""
    require_active_account(actor)
    day = queries.today()
    title = check_text("title", data.get("title"), min_len=1, max_len=TITLE_MAX).strip()
    objectives = check_text("objectives", data.get("objectives"), max_len=OBJECTIVES_MAX, required=False)
    due_on = check_due_on("due_on", data.get("due_on"), not_before=day)
    items = check_items(data.get("items"), actor, {}, day)
    shares = check_shares(data.get("shares"), actor)
    with atomic():
        now = utcnow()
        contract = LearningContract(owner_id=actor.id, title=title, objectives=objectives,
                                    objectives_html=render_markdown(objectives), due_on=due_on,
                                    created_at=now, updated_at=now)
        contract.owner = db.session.get(User, actor.id)
        db.session.add(contract)
        _set_items(contract, items)
        db.session.flush()
        _entry(contract, actor, EntryKind.CREATED, "", now)
        _apply_shares(actor, contract, shares, now)
        db.session.flush()
    return contract


def update_contract(actor: User, contract_id: object, data: Mapping[str, Any]) -> LearningContract:
    """Change the title, objectives, date or items (items given replace the list: an item sent
    with its ``id`` stays the same item, done or not)."""
    require_active_account(actor)
    with atomic():
        contract = _owned(actor, contract_id, open_only=True)
        day = queries.today()
        changed: list[str] = []
        terms = False
        if "title" in data:
            title = check_text("title", data.get("title"), min_len=1, max_len=TITLE_MAX).strip()
            if title != contract.title:
                contract.title = title
                changed.append("the title")
        if "objectives" in data:
            objectives = check_text("objectives", data.get("objectives"), max_len=OBJECTIVES_MAX,
                                    required=False)
            if objectives != contract.objectives:
                contract.objectives, contract.objectives_html = objectives, render_markdown(objectives)
                changed.append("the objectives")
                terms = True
        if "due_on" in data:
            raw = data.get("due_on")
            unchanged = contract.due_on is not None and raw == contract.due_on.isoformat()
            due_on = check_due_on("due_on", raw, not_before=None if unchanged else day)
            if due_on != contract.due_on:
                contract.due_on = due_on
                changed.append("the completion date")
        if "items" in data:
            before = _items_terms(contract)
            existing = {i.id: i for i in contract.items}
            _set_items(contract, check_items(data.get("items"), actor, existing, day))
            db.session.flush()
            if _items_terms(contract) != before:
                changed.append("the items")
                terms = True
        if changed:
            now = utcnow()
            contract.updated_at = now
            kind = EntryKind.REVISED if terms else EntryKind.EDITED
            _entry(contract, actor, kind, "Changed " + " and ".join(changed) + ".", now)
        db.session.flush()
    return contract


def delete_contract(actor: User, contract_id: object) -> None:
    require_active_account(actor)
    with atomic():
        db.session.delete(_owned(actor, contract_id))


def set_item_done(actor: User, contract_id: object, item_id: object, done: bool) -> LearningContract:
    """Tick an item off (or back on); doing what is already so changes nothing."""
    require_active_account(actor)
    with atomic():
        contract = _owned(actor, contract_id, open_only=True)
        item = next((i for i in contract.items if is_row_id(item_id) and i.id == item_id), None)
        if item is None:
            raise NotFound("No such item in this contract.")
        if (item.done_at is not None) != done:
            now = utcnow()
            item.done_at = now if done else None
            contract.updated_at = now
            kind = EntryKind.ITEM_DONE if done else EntryKind.ITEM_UNDONE
            _entry(contract, actor, kind, f"{'Done' if done else 'Not done after all'}: {item.title}", now)
        db.session.flush()
    return contract


# --- completing ----------------------------------------------------------------------------------


def complete_contract(actor: User, contract_id: object) -> LearningContract:
    require_active_account(actor)
    with atomic():
        contract = _owned(actor, contract_id)
        if contract.completed_at is not None:
            raise Conflict("This contract is already completed.", code="contract_completed")
        now = utcnow()
        contract.completed_at = contract.updated_at = now
        _entry(contract, actor, EntryKind.COMPLETED, "", now)
        notify([s.user_id for s in contract.shares], "contract_completed", actor, contract.title,
               contract_url(contract.id))
        db.session.flush()
    return contract


def reopen_contract(actor: User, contract_id: object) -> LearningContract:
    require_active_account(actor)
    with atomic():
        contract = _owned(actor, contract_id)
        if contract.completed_at is None:
            raise Conflict("This contract is not completed.", code="contract_open")
        now = utcnow()
        contract.completed_at, contract.updated_at = None, now
        _entry(contract, actor, EntryKind.REOPENED, "", now)
        db.session.flush()
    return contract


# --- sharing, comments, co-signatures ------------------------------------------------------------


def set_shares(actor: User, contract_id: object, shares: object) -> LearningContract:
    """Replace who the contract is shared with (at most 5; a person keeps their co-signature
    while they stay on the list)."""
    require_active_account(actor)
    with atomic():
        contract = _owned(actor, contract_id)
        drafts = check_shares(shares, actor)
        now = utcnow()
        _apply_shares(actor, contract, drafts, now)
        contract.updated_at = now
        db.session.flush()
    return contract


def add_comment(actor: User, contract_id: object, body: object) -> ContractEntry:
    """The owner and shared people comment; the others among them are notified."""
    require_active_account(actor)
    text = check_text("body", body, min_len=1, max_len=COMMENT_MAX)
    with atomic():
        contract = queries.access_contract(actor, contract_id)
        entry = _entry(contract, actor, EntryKind.COMMENT, text)
        db.session.flush()
        readers = [contract.owner_id, *(s.user_id for s in contract.shares)]
        notify(readers, "contract_comment", actor, contract.title,
               contract_url(contract.id) + f"#entry-{entry.id}")
    return entry


def cosign_contract(actor: User, contract_id: object) -> LearningContract:
    """A shared person signs the current version, once (again only after the terms changed)."""
    require_active_account(actor)
    with atomic():
        contract = queries.access_contract(actor, contract_id, for_update=True)
        share = queries.share_of(contract, actor)
        if share is None:
            raise Forbidden("Only the manager or mentor a contract is shared with co-signs it.")
        context = queries.contract_context([contract])
        if context.cosigned_current(contract, share):
            raise Conflict("You already co-signed this version of the contract.", code="already_cosigned")
        now = utcnow()
        share.cosigned_at = now
        _entry(contract, actor, EntryKind.COSIGNED, f"Co-signed as {share.role}.", now)
        notify([contract.owner_id], "contract_cosigned", actor, contract.title, contract_url(contract.id))
        db.session.flush()
    return contract
