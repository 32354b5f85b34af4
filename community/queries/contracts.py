"""Reading learning contracts: who may see one, its derived status, the lists and the history.

A contract is personal: its owner and the people it is shared with (a manager or a mentor) see
it; everyone else, moderators and admins included, gets a 404, exactly as if it did not exist.
Admins manage accounts, not people's private plans, so there is no override here.

The status is derived, never stored (see community/models/contracts.py): done once completed;
late when an open item's date, or the contract's own date, is before today (UTC); else on track.

Co-signatures are compared with the last time the terms changed, i.e. the objectives or the
items: that is the newest "created" or "revised" history entry. A signature older than it is
shown as "signed an earlier version" (cosigned_current false) while its time is kept.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from ..errors import NotFound
from ..extensions import db
from ..models import ContractEntry, ContractItem, ContractShare, LearningContract, Resource, User
from ..models.base import is_row_id, utcnow
from .paging import Page


class ContractStatus(enum.StrEnum):
    ON_TRACK = "on_track"
    LATE = "late"
    DONE = "done"


class EntryKind(enum.StrEnum):
    CREATED = "created"
    EDITED = "edited"  # title or the contract's date: co-signatures stay current
    REVISED = "revised"  # objectives or items changed: earlier co-signatures become out of date
    ITEM_DONE = "item_done"
    ITEM_UNDONE = "item_undone"
    COMMENT = "comment"
    SHARED = "shared"
    UNSHARED = "unshared"
    COSIGNED = "cosigned"
    COMPLETED = "completed"
    REOPENED = "reopened"


TERMS_KINDS = (EntryKind.CREATED.value, EntryKind.REVISED.value)
OWNER = "owner"


def _member(user: User | None) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def today(now: datetime | None = None) -> date:
    return (now or utcnow()).date()


def contract_status(contract: LearningContract, on: date | None = None) -> str:
    if contract.completed_at is not None:
        return ContractStatus.DONE.value
    day = on or today()
    dates = [item.due_on for item in contract.items if item.done_at is None and item.due_on is not None]
    if contract.due_on is not None:
        dates.append(contract.due_on)
    return ContractStatus.LATE.value if any(d < day for d in dates) else ContractStatus.ON_TRACK.value


def share_of(contract: LearningContract, user: User | None) -> ContractShare | None:
    if not _member(user):
        return None
    return next((share for share in contract.shares if share.user_id == user.id), None)


def role_of(contract: LearningContract, user: User | None) -> str | None:
    """"owner", "manager" or "mentor" for someone who may see the contract; None otherwise."""
    if not _member(user):
        return None
    if contract.owner_id == user.id:
        return OWNER
    share = share_of(contract, user)
    return share.role if share is not None else None


def get_contract(contract_id: object, *, for_update: bool = False) -> LearningContract | None:
    if not is_row_id(contract_id):
        return None
    stmt = select(LearningContract).where(LearningContract.id == contract_id)
    if for_update:
        stmt = stmt.with_for_update(of=LearningContract).execution_options(populate_existing=True)
    return db.session.scalars(stmt).unique().one_or_none()


def access_contract(actor: User | None, contract_id: object, *, for_update: bool = False) -> LearningContract:
    """The contract if the actor owns it or it is shared with them; 404 for everyone else."""
    contract = get_contract(contract_id, for_update=for_update)
    if contract is None or role_of(contract, actor) is None:
        raise NotFound("No such learning contract.")
    return contract


def list_contracts(user: User, page: Page, *, shared: bool = False) -> tuple[list[LearningContract], int]:
    """The user's own contracts, or (shared) those shared with them; newest first."""
    if shared:
        shared_ids = select(ContractShare.contract_id).where(ContractShare.user_id == user.id)
        where = LearningContract.id.in_(shared_ids)
    else:
        where = LearningContract.owner_id == user.id
    total = db.session.scalar(select(func.count(LearningContract.id)).where(where)) or 0
    rows = db.session.scalars(
        select(LearningContract).where(where)
        .order_by(LearningContract.completed_at.is_not(None), LearningContract.created_at.desc(),
                  LearningContract.id.desc())
        .offset(page.offset).limit(page.per_page)).unique().all()
    return list(rows), total


def list_entries(contract: LearningContract, page: Page) -> tuple[list[ContractEntry], int]:
    """The history, oldest first (a timeline reads down)."""
    where = ContractEntry.contract_id == contract.id
    total = db.session.scalar(select(func.count(ContractEntry.id)).where(where)) or 0
    rows = db.session.scalars(select(ContractEntry).where(where).order_by(ContractEntry.id)
                              .offset(page.offset).limit(page.per_page)).all()
    return list(rows), total


@dataclass
class ContractContext:
    """What payloads and pages need beside the contract rows, loaded in two queries for a list:
    the linked resources and when each contract's terms last changed."""

    resources: dict[int, Resource] = field(default_factory=dict)
    terms_at: dict[int, datetime] = field(default_factory=dict)

    def resource(self, item: ContractItem) -> Resource | None:
        resource = self.resources.get(item.resource_id) if item.resource_id is not None else None
        return None if resource is None or resource.is_deleted else resource

    def cosigned_current(self, contract: LearningContract, share: ContractShare) -> bool:
        if share.cosigned_at is None:
            return False
        terms = self.terms_at.get(contract.id, contract.created_at)
        return share.cosigned_at >= terms


def contract_context(contracts: list[LearningContract]) -> ContractContext:
    ids = [c.id for c in contracts]
    resource_ids = {item.resource_id for c in contracts for item in c.items if item.resource_id is not None}
    context = ContractContext()
    if resource_ids:
        context.resources = {r.id: r for r in db.session.scalars(select(Resource).where(
            Resource.id.in_(resource_ids)))}
    if ids:
        context.terms_at = dict(db.session.execute(
            select(ContractEntry.contract_id, func.max(ContractEntry.created_at))
            .where(ContractEntry.contract_id.in_(ids), ContractEntry.kind.in_(TERMS_KINDS))
            .group_by(ContractEntry.contract_id)).all())
    return context


def open_items_due(until: date) -> list[tuple[ContractItem, LearningContract]]:
    """Open items (of open contracts) dated on or before ``until``, for the reminders job."""
    rows = db.session.execute(
        select(ContractItem, LearningContract)
        .join(LearningContract, LearningContract.id == ContractItem.contract_id)
        .where(LearningContract.completed_at.is_(None), ContractItem.done_at.is_(None),
               ContractItem.due_on.is_not(None), ContractItem.due_on <= until)
        .order_by(ContractItem.id)).unique().all()
    return [(item, contract) for item, contract in rows]


def open_contracts_due(until: date) -> list[LearningContract]:
    return list(db.session.scalars(
        select(LearningContract).where(LearningContract.completed_at.is_(None),
                                       LearningContract.due_on.is_not(None), LearningContract.due_on <= until)
        .order_by(LearningContract.id)).unique().all())


def users_named(names: list[str]) -> dict[str, User]:
    """Users by lower-cased username."""
    keys = [name.strip().lower() for name in names]
    if not keys:
        return {}
    return {u.username_key: u for u in db.session.scalars(select(User).where(User.username_key.in_(keys)))}
