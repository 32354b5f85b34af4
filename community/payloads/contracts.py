"""Learning contracts, their items, shares and history entries.

``my_role`` is the caller's own relation to the contract; payloads are only ever built for the
owner or the people it is shared with (never for a notification or a public event).
"""

from __future__ import annotations

from typing import Any

from ..models import ContractEntry, ContractItem, LearningContract, User
from ..queries.contracts import ContractContext, contract_status, role_of
from .common import iso, user_payload
from .resources import resource_page_url


def contract_url(contract_id: int) -> str:
    return f"/contracts/{contract_id}"


def contract_item_payload(item: ContractItem, context: ContractContext) -> dict[str, Any]:
    resource = context.resource(item)
    return {
        "id": item.id,
        "title": item.title,
        "resource": None if resource is None else {"id": resource.id, "title": resource.title,
                                                   "page_url": resource_page_url(resource.id)},
        "due_on": item.due_on.isoformat() if item.due_on else None,
        "done": item.done_at is not None,
        "done_at": iso(item.done_at),
    }


def contract_payload(contract: LearningContract, viewer: User, context: ContractContext) -> dict[str, Any]:
    done = sum(1 for item in contract.items if item.done_at is not None)
    return {
        "id": contract.id,
        "title": contract.title,
        "objectives": contract.objectives,
        "objectives_html": contract.objectives_html,
        "due_on": contract.due_on.isoformat() if contract.due_on else None,
        "status": contract_status(contract),
        "owner": user_payload(contract.owner),
        "items": [contract_item_payload(item, context) for item in contract.items],
        "progress": {"done": done, "total": len(contract.items)},
        "shares": [{"user": user_payload(share.user), "role": share.role,
                    "cosigned_at": iso(share.cosigned_at),
                    "cosigned_current": context.cosigned_current(contract, share)}
                   for share in sorted(contract.shares, key=lambda s: (s.created_at, s.user_id))],
        "created_at": iso(contract.created_at),
        "updated_at": iso(contract.updated_at),
        "completed_at": iso(contract.completed_at),
        "url": contract_url(contract.id),
        "my_role": role_of(contract, viewer),
    }


def contract_entry_payload(entry: ContractEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "contract_id": entry.contract_id,
        "kind": entry.kind,
        "author": user_payload(entry.author) if entry.author is not None else None,
        "body": entry.body,
        "body_html": entry.body_html,
        "created_at": iso(entry.created_at),
    }
