"""Writing and editing a contract: a plain form.

Items are rows of fields named ``item-<n>-id``, ``item-<n>-title``, ``item-<n>-resource`` and
``item-<n>-due``, taken in the order of ``n``; a row with an empty title is left out. Without
JavaScript, "Add an item" posts the form back with one more empty row; static/js/contracts.js adds
and removes rows in place and renumbers them before sending. A new contract's form also has five
rows of sharing fields (``share-<n>-username``, ``share-<n>-role``); later, sharing is changed on
the contract's page.
"""

from __future__ import annotations

import re
from typing import Any

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import contracts as contract_actions
from ...errors import Conflict, Forbidden, ValidationFailed
from ...models import LearningContract
from ...queries import contracts as contract_queries
from ..forms import form_text, refusal_page, render_form, whole_number_or_none
from .blueprint import bp

TEMPLATE = "contracts/editor.html"
SHARE_ROWS = contract_actions.MAX_SHARES
_ITEM_FIELD = re.compile(r"^item-(\d{1,3})-(id|title|resource|due)$")
_ROW_ERROR = re.compile(r"^(items|shares)\[(\d+)\](?:\.(\w+))?$")
_RESOURCE_REF = re.compile(r"^\s*(?:.*/resources/)?(\d{1,12})/?\s*$")
_FORM_NAMES = {"title": "title", "resource_id": "resource", "due_on": "due", "id": "title",
               "username": "username", "role": "role"}


def _form_items() -> list[dict[str, str]]:
    numbers = sorted({int(m.group(1)) for name in request.form if (m := _ITEM_FIELD.match(name))})
    return [{"id": form_text(f"item-{n}-id"), "title": form_text(f"item-{n}-title"),
             "resource": form_text(f"item-{n}-resource"), "due": form_text(f"item-{n}-due")} for n in numbers]


def _form_shares() -> list[dict[str, str]]:
    return [{"username": form_text(f"share-{n}-username"), "role": form_text(f"share-{n}-role") or "mentor"}
            for n in range(SHARE_ROWS)]


def _resource_id(raw: str) -> Any:
    """A resource's number or its page's link (/resources/12); anything else is passed on as
    typed, so the action refuses it by name."""
    if not raw.strip():
        return None
    match = _RESOURCE_REF.match(raw)
    return int(match.group(1)) if match else raw


Rows = list[dict[str, str]]


def _fields(rows: Rows, shares: Rows | None) -> tuple[dict[str, Any], list[int], list[int]]:
    """The action's fields, and which form rows the kept items and shares came from."""
    kept = [n for n, row in enumerate(rows) if row["title"].strip()]
    items = []
    for n in kept:
        row = rows[n]
        item: dict[str, Any] = {"title": row["title"], "resource_id": _resource_id(row["resource"]),
                                "due_on": row["due"].strip() or None}
        if (item_id := whole_number_or_none(row["id"].strip())) is not None:
            item["id"] = item_id
        items.append(item)
    data: dict[str, Any] = {"title": form_text("title"), "objectives": form_text("objectives"),
                            "due_on": form_text("due_on").strip() or None, "items": items}
    kept_shares: list[int] = []
    if shares is not None:
        kept_shares = [n for n, row in enumerate(shares) if row["username"].strip()]
        data["shares"] = [{"username": shares[n]["username"].strip().lstrip("@"), "role": shares[n]["role"]}
                          for n in kept_shares]
    return data, kept, kept_shares


def row_errors(fields: dict[str, str], kept: list[int], kept_shares: list[int]) -> dict[str, str]:
    """Action errors (``items[2].title``) renamed after the form's rows (``item-5-title``)."""
    errors = {}
    for name, reason in fields.items():
        match = _ROW_ERROR.match(name)
        rows = kept if match and match.group(1) == "items" else kept_shares
        if match and 1 <= int(match.group(2)) <= len(rows):
            prefix = "item" if match.group(1) == "items" else "share"
            field = _FORM_NAMES.get(match.group(3) or "", "title" if prefix == "item" else "username")
            errors[f"{prefix}-{rows[int(match.group(2)) - 1]}-{field}"] = reason
        else:
            errors[name] = reason
    return errors


def _blank_item() -> dict[str, str]:
    return {"id": "", "title": "", "resource": "", "due": ""}


def _values_of(contract: LearningContract | None) -> dict[str, Any]:
    if contract is None:
        return {"title": "", "objectives": "", "due_on": "", "items": [_blank_item(), _blank_item()],
                "shares": [{"username": "", "role": "manager" if n == 0 else "mentor"}
                           for n in range(SHARE_ROWS)]}
    return {"title": contract.title, "objectives": contract.objectives,
            "due_on": contract.due_on.isoformat() if contract.due_on else "",
            "items": [{"id": str(i.id), "title": i.title, "resource": str(i.resource_id or ""),
                       "due": i.due_on.isoformat() if i.due_on else ""} for i in contract.items],
            "shares": []}


def _posted_values(rows: list[dict[str, str]], shares: list[dict[str, str]] | None) -> dict[str, Any]:
    return {"title": form_text("title"), "objectives": form_text("objectives"), "due_on": form_text("due_on"),
            "items": rows, "shares": shares or []}


def _editor(values: dict[str, Any], contract: LearningContract | None, status: int = 200,
            errors: dict[str, str] | None = None, message: str | None = None) -> ResponseReturnValue:
    return render_form(TEMPLATE, status, values=values, errors=errors, message=message, contract=contract,
                       max_items=contract_actions.MAX_ITEMS, roles=contract_actions.ROLES)


def _save(contract: LearningContract | None) -> ResponseReturnValue:
    rows = _form_items()
    shares = _form_shares() if contract is None else None
    if request.form.get("add_item") is not None:  # no JavaScript: one more empty row
        rows.append(_blank_item())
        return _editor(_posted_values(rows, shares), contract)
    data, kept, kept_shares = _fields(rows, shares)
    try:
        if contract is None:
            contract = contract_actions.create_contract(current_user, data)
            flash("Your learning contract is saved.", "success")
        else:
            contract = contract_actions.update_contract(current_user, contract.id, data)
            flash("Your changes are saved.", "success")
    except ValidationFailed as exc:
        return _editor(_posted_values(rows, shares), contract, 422, row_errors(exc.fields, kept, kept_shares),
                       exc.message)
    except (Conflict, Forbidden) as exc:
        return refusal_page(exc, url_for(".index"))
    return redirect(url_for(".contract", contract_id=contract.id))


@bp.route("/contracts/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    if request.method == "GET":
        return _editor(_values_of(None), None)
    return _save(None)


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@login_required
def edit(contract_id: int) -> ResponseReturnValue:
    contract = contract_queries.access_contract(current_user, contract_id)
    back = url_for(".contract", contract_id=contract.id)
    if contract.owner_id != current_user.id:
        return refusal_page(Forbidden("Only the contract's owner changes it."), back)
    if contract.completed_at is not None:
        completed = Conflict("This contract is completed: reopen it first.", code="contract_completed")
        return refusal_page(completed, back)
    if request.method == "GET":
        return _editor(_values_of(contract), contract)
    return _save(contract)
