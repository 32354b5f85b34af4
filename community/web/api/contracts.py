"""Learning contracts in the API (/api/v1/contracts): the owner writes, edits, ticks items off,
completes and shares; the manager or mentor it is shared with reads, comments and co-signs.
Anyone else gets a 404."""

from __future__ import annotations

from flask_login import current_user, login_required
from marshmallow import fields

from ...actions import contracts as contract_actions
from ...models import LearningContract
from ...payloads import page_payload
from ...payloads.contracts import contract_entry_payload, contract_payload
from ...queries import contracts as contract_queries
from ...queries.paging import parse_page
from .blueprint import ApiBlueprint
from .schemas import Input

bp = ApiBlueprint("contracts_api", __name__, url_prefix="/api/v1",
                  description="Learning contracts: personal learning plans, shared with a manager or mentor")

ITEMS_DOC = "[{id? (editing: keeps the item and its done state), title, resource_id?, due_on?: YYYY-MM-DD}]"
SHARES_DOC = "[{username, role: manager|mentor}], at most 5"


class ContractPatch(Input):
    title = fields.String()
    objectives = fields.String(allow_none=True, metadata={"description": "Markdown, up to 20,000 characters"})
    due_on = fields.Raw(allow_none=True, metadata={"description": "YYYY-MM-DD, today or later"})
    items = fields.List(fields.Raw(), metadata={"description": ITEMS_DOC})


class ContractIn(ContractPatch):
    title = fields.String(required=True)
    items = fields.List(fields.Raw(), required=True, metadata={"description": ITEMS_DOC})
    shares = fields.List(fields.Raw(), metadata={"description": SHARES_DOC})


class SharesIn(Input):
    shares = fields.List(fields.Raw(), required=True, metadata={"description": SHARES_DOC})


class CommentIn(Input):
    body = fields.String(required=True, metadata={"description": "Markdown, 1-5,000 characters"})


class ContractListArgs(Input):
    shared = fields.String(metadata={"description": "1: the contracts shared with me instead of mine"})
    page = fields.Integer()
    per_page = fields.Integer()


class HistoryArgs(Input):
    page = fields.Integer()
    per_page = fields.Integer()


def _payload(contract: LearningContract) -> dict:
    return contract_payload(contract, current_user, contract_queries.contract_context([contract]))


@bp.get("/contracts")
@login_required
@bp.arguments(ContractListArgs, location="query")
def list_contracts(args: dict):
    page = parse_page(args.get("page"), args.get("per_page"))
    shared = args.get("shared") in ("1", "true", "yes")
    contracts, total = contract_queries.list_contracts(current_user, page, shared=shared)
    context = contract_queries.contract_context(contracts)
    return page_payload([contract_payload(c, current_user, context) for c in contracts], total,
                        page.page, page.per_page)


@bp.post("/contracts")
@login_required
@bp.arguments(ContractIn)
def create_contract(data: dict):
    return _payload(contract_actions.create_contract(current_user, data)), 201


@bp.get("/contracts/<int:contract_id>")
@login_required
def get_contract(contract_id: int):
    return _payload(contract_queries.access_contract(current_user, contract_id))


@bp.patch("/contracts/<int:contract_id>")
@login_required
@bp.arguments(ContractPatch)
def update_contract(data: dict, contract_id: int):
    return _payload(contract_actions.update_contract(current_user, contract_id, data))


@bp.delete("/contracts/<int:contract_id>")
@login_required
def delete_contract(contract_id: int):
    contract_actions.delete_contract(current_user, contract_id)
    return "", 204


@bp.post("/contracts/<int:contract_id>/items/<int:item_id>/done")
@login_required
def item_done(contract_id: int, item_id: int):
    return _payload(contract_actions.set_item_done(current_user, contract_id, item_id, True))


@bp.delete("/contracts/<int:contract_id>/items/<int:item_id>/done")
@bp.doc(responses={"200": {"description": "The contract, with the item open again",
                           "content": {"application/json": {"schema": {"type": "object"}}}}})
@login_required
def item_undone(contract_id: int, item_id: int):
    return _payload(contract_actions.set_item_done(current_user, contract_id, item_id, False))


@bp.post("/contracts/<int:contract_id>/comments")
@login_required
@bp.arguments(CommentIn)
def comment(data: dict, contract_id: int):
    return contract_entry_payload(contract_actions.add_comment(current_user, contract_id, data["body"])), 201


@bp.post("/contracts/<int:contract_id>/cosign")
@login_required
def cosign(contract_id: int):
    return _payload(contract_actions.cosign_contract(current_user, contract_id))


@bp.post("/contracts/<int:contract_id>/complete")
@login_required
def complete(contract_id: int):
    return _payload(contract_actions.complete_contract(current_user, contract_id))


@bp.post("/contracts/<int:contract_id>/reopen")
@login_required
def reopen(contract_id: int):
    return _payload(contract_actions.reopen_contract(current_user, contract_id))


@bp.put("/contracts/<int:contract_id>/shares")
@login_required
@bp.arguments(SharesIn)
def set_shares(data: dict, contract_id: int):
    return _payload(contract_actions.set_shares(current_user, contract_id, data["shares"]))


@bp.get("/contracts/<int:contract_id>/history")
@login_required
@bp.arguments(HistoryArgs, location="query")
def history(args: dict, contract_id: int):
    contract = contract_queries.access_contract(current_user, contract_id)
    page = parse_page(args.get("page"), args.get("per_page"))
    entries, total = contract_queries.list_entries(contract, page)
    return page_payload([contract_entry_payload(e) for e in entries], total, page.page, page.per_page)
