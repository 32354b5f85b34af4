"""My contracts and those shared with me; a contract's page and its buttons and small forms
(tick an item, comment, co-sign, complete, reopen, share, delete), each a plain form post."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import contracts as contract_actions
from ...errors import Conflict, DomainError, ValidationFailed
from ...models import LearningContract
from ...queries import contracts as contract_queries
from ...queries.paging import Page, parse_page
from ..forms import button_press, form_text, refusal_page
from .blueprint import bp
from .editor import SHARE_ROWS, row_errors

STATUS_LABELS = {"on_track": "On track", "late": "Late", "done": "Done"}
ROLE_LABELS = {"owner": "Owner", "manager": "Manager", "mentor": "Mentor"}
HISTORY_PER_PAGE = 50


@bp.get("/contracts")
@login_required
def index() -> ResponseReturnValue:
    page = parse_page(request.args.get("page"))
    mine, total = contract_queries.list_contracts(current_user, page)
    shared, shared_total = contract_queries.list_contracts(current_user, Page(1, 100), shared=True)
    return render_template("contracts/index.html", mine=mine, total=total, page=page, shared=shared,
                           shared_total=shared_total, status_of=contract_queries.contract_status,
                           role_of=contract_queries.role_of, status_labels=STATUS_LABELS,
                           role_labels=ROLE_LABELS)


def _render(contract: LearningContract, status: int = 200, *, errors: dict[str, str] | None = None,
            message: str | None = None, values: dict[str, Any] | None = None) -> ResponseReturnValue:
    history_page = parse_page(request.args.get("history_page"), HISTORY_PER_PAGE)
    entries, entry_total = contract_queries.list_entries(contract, history_page)
    if "history_page" not in request.args and entry_total > HISTORY_PER_PAGE:
        # The newest entries by default, so a comment's link (#entry-<id>) lands on its page.
        history_page = Page(-(-entry_total // HISTORY_PER_PAGE), HISTORY_PER_PAGE)
        entries, entry_total = contract_queries.list_entries(contract, history_page)
    context = contract_queries.contract_context([contract])
    my_share = contract_queries.share_of(contract, current_user)
    shares = sorted(contract.shares, key=lambda s: (s.created_at, s.user_id))
    share_rows = [{"username": s.user.username, "role": s.role} for s in shares]
    share_rows += [{"username": "", "role": "mentor"}] * (SHARE_ROWS - len(share_rows))
    page = render_template(
        "contracts/contract.html", contract=contract, context=context, shares=shares,
        role=contract_queries.role_of(contract, current_user),
        state=contract_queries.contract_status(contract),
        status_labels=STATUS_LABELS, role_labels=ROLE_LABELS, entries=entries, entry_total=entry_total,
        history_page=history_page, my_share=my_share, today=contract_queries.today(),
        signed_current=my_share is not None and context.cosigned_current(contract, my_share),
        done_count=sum(1 for i in contract.items if i.done_at is not None), share_rows=share_rows,
        roles=contract_actions.ROLES, errors=errors or {}, form_message=message, values=values or {})
    return page, status


@bp.get("/contracts/<int:contract_id>")
@login_required
def contract(contract_id: int) -> ResponseReturnValue:
    return _render(contract_queries.access_contract(current_user, contract_id))


def _button(contract_id: int, change: Callable[[], Any], message: str,
            anchor: str = "") -> ResponseReturnValue:
    contract_queries.access_contract(current_user, contract_id)  # 404 before anything else
    return button_press(change, url_for(".contract", contract_id=contract_id) + anchor, message,
                        refusals=(DomainError,))


@bp.post("/contracts/<int:contract_id>/items/<int:item_id>/done")
@login_required
def item_done(contract_id: int, item_id: int) -> ResponseReturnValue:
    done = request.form.get("done") == "1"
    return _button(contract_id,
                   lambda: contract_actions.set_item_done(current_user, contract_id, item_id, done),
                   "Marked as done." if done else "Marked as not done.", f"#item-{item_id}")


@bp.post("/contracts/<int:contract_id>/comments")
@login_required
def comment(contract_id: int) -> ResponseReturnValue:
    contract = contract_queries.access_contract(current_user, contract_id)
    try:
        entry = contract_actions.add_comment(current_user, contract.id, form_text("body"))
    except ValidationFailed as exc:
        return _render(contract, 422, errors=exc.fields, message=exc.message,
                       values={"body": form_text("body")})
    flash("Your comment is posted.", "success")
    return redirect(url_for(".contract", contract_id=contract.id, history_page=None) + f"#entry-{entry.id}")


@bp.post("/contracts/<int:contract_id>/cosign")
@login_required
def cosign(contract_id: int) -> ResponseReturnValue:
    return _button(contract_id, lambda: contract_actions.cosign_contract(current_user, contract_id),
                   "You co-signed this contract.", "#shares")


@bp.post("/contracts/<int:contract_id>/complete")
@login_required
def complete(contract_id: int) -> ResponseReturnValue:
    return _button(contract_id, lambda: contract_actions.complete_contract(current_user, contract_id),
                   "Well done: the contract is completed.")


@bp.post("/contracts/<int:contract_id>/reopen")
@login_required
def reopen(contract_id: int) -> ResponseReturnValue:
    return _button(contract_id, lambda: contract_actions.reopen_contract(current_user, contract_id),
                   "The contract is open again.")


@bp.post("/contracts/<int:contract_id>/shares")
@login_required
def shares(contract_id: int) -> ResponseReturnValue:
    contract = contract_queries.access_contract(current_user, contract_id)
    rows = [{"username": form_text(f"share-{n}-username").strip().lstrip("@"),
             "role": form_text(f"share-{n}-role") or "mentor"} for n in range(SHARE_ROWS)]
    kept = [n for n, row in enumerate(rows) if row["username"]]
    try:
        contract_actions.set_shares(current_user, contract.id, [rows[n] for n in kept])
    except ValidationFailed as exc:
        return _render(contract, 422, errors=row_errors(exc.fields, [], kept), message=exc.message,
                       values={"shares": rows})
    except DomainError as exc:
        return refusal_page(exc, url_for(".contract", contract_id=contract.id))
    flash("Sharing is saved.", "success")
    return redirect(url_for(".contract", contract_id=contract.id) + "#shares")


@bp.post("/contracts/<int:contract_id>/delete")
@login_required
def delete(contract_id: int) -> ResponseReturnValue:
    contract_queries.access_contract(current_user, contract_id)
    try:
        contract_actions.delete_contract(current_user, contract_id)
    except (Conflict, DomainError) as exc:
        return refusal_page(exc, url_for(".contract", contract_id=contract_id))
    flash("The contract is deleted.", "success")
    return redirect(url_for(".index"))
