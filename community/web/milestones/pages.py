"""/milestones, /milestones/new, /milestones/<id> and its edit page: thin views over actions and
queries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import milestones as milestone_actions
from ...errors import Conflict, Forbidden, ValidationFailed
from ...models import Milestone, MilestoneMetric, ResourceKind
from ...queries import milestones as milestone_queries
from ...queries.paging import Page, parse_page
from ..forms import refusal_page, whole_number
from .blueprint import bp

METRIC_CHOICES = (
    (MilestoneMetric.ANSWERS.value, "Answers I post",
     "Answers to colleagues' questions, in one tag or anywhere."),
    (MilestoneMetric.QUESTIONS.value, "Questions I ask", "Questions you ask, in one tag or anywhere."),
    (MilestoneMetric.RESOURCES_FINISHED.value, "Resources I finish",
     "Library resources you mark as done, of one kind or any."),
    (MilestoneMetric.MANUAL.value, "A number I keep myself", "Anything else: you update the count yourself."),
)
METRIC_LABELS = {value: label for value, label, _ in METRIC_CHOICES}
KIND_LABELS = {kind.value: kind.value.replace("-", " ").capitalize() for kind in ResourceKind}
SHARED_ON_INDEX = 50


def _context() -> dict[str, Any]:
    return {"metric_labels": METRIC_LABELS, "kind_labels": KIND_LABELS}


@bp.get("/milestones")
@login_required
def index() -> ResponseReturnValue:
    page = parse_page(request.args.get("page"))
    mine, total = milestone_queries.my_milestones(current_user, page)
    shared, shared_total = milestone_queries.shared_with(current_user, Page(1, SHARED_ON_INDEX))
    views = milestone_queries.milestone_views([*mine, *shared])
    return render_template("milestones/index.html", mine=views[:len(mine)], shared=views[len(mine):],
                           total=total, shared_total=shared_total, page=page, **_context())


def _form_data(form: Any) -> dict[str, Any]:
    """The form as the API's fields; the tag and kind only count for the metrics they filter
    (without JavaScript both fields show, and a leftover value must not turn into an error)."""
    metric = form.get("metric", "")
    data: dict[str, Any] = {key: form.get(key, "") for key in ("title", "metric", "target", "due_at")}
    if form.get("starts_at"):
        data["starts_at"] = form["starts_at"]
    data["tag"] = form.get("tag", "") if metric in milestone_actions.TAG_METRICS else None
    finishing = metric == MilestoneMetric.RESOURCES_FINISHED
    data["resource_kind"] = form.get("resource_kind", "") if finishing else None
    return data


def _render_form(values: dict[str, Any], errors: dict[str, str] | None = None, message: str | None = None,
                 status: int = 200) -> ResponseReturnValue:
    page = render_template("milestones/new.html", values=values, errors=errors or {}, form_message=message,
                           metric_choices=METRIC_CHOICES, **_context())
    return page, status


@bp.get("/milestones/new")
@login_required
def new() -> ResponseReturnValue:
    return _render_form({"metric": request.args.get("metric", MilestoneMetric.ANSWERS.value), "target": "5",
                         "tag": request.args.get("tag", "")})


@bp.post("/milestones/new")
@login_required
def create() -> ResponseReturnValue:
    try:
        milestone = milestone_actions.create_milestone(current_user, _form_data(request.form),
                                                       naive_is_utc=True)
    except ValidationFailed as exc:
        return _render_form(request.form.to_dict(), exc.fields, exc.message, 422)
    except Forbidden as exc:
        return refusal_page(exc, url_for(".index"))
    flash("Milestone set. Progress counts from now on.", "success")
    return redirect(url_for(".detail", milestone_id=milestone.id))


def _render_detail(milestone_id: int, errors: dict[str, str] | None = None, message: str | None = None,
                   values: dict[str, Any] | None = None, status: int = 200) -> ResponseReturnValue:
    milestone = milestone_queries.visible_milestone(current_user, milestone_id)
    view = milestone_queries.milestone_views([milestone])[0]
    shares = ", ".join(sorted(share.user.username for share in milestone.shares))
    page = render_template("milestones/detail.html", view=view, milestone=milestone, errors=errors or {},
                           form_message=message, values=values or {"usernames": shares},
                           is_owner=milestone.owner_id == current_user.id, **_context())
    return page, status


@bp.get("/milestones/<int:milestone_id>")
@login_required
def detail(milestone_id: int) -> ResponseReturnValue:
    return _render_detail(milestone_id)


def _minutes(moment: datetime | None) -> str:
    """A stored time as the form's datetime-local value (UTC, to the minute)."""
    return moment.strftime("%Y-%m-%dT%H:%M") if moment is not None else ""


def _render_edit(milestone: Milestone, values: dict[str, Any], errors: dict[str, str] | None = None,
                 message: str | None = None, status: int = 200) -> ResponseReturnValue:
    page = render_template("milestones/edit.html", milestone=milestone, values=values, errors=errors or {},
                           form_message=message, metric_choices=METRIC_CHOICES, **_context())
    return page, status


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@login_required
def edit(milestone_id: int) -> ResponseReturnValue:
    back = url_for(".detail", milestone_id=milestone_id)
    try:
        milestone = milestone_queries.owned_milestone(current_user, milestone_id)
    except Forbidden as exc:
        return refusal_page(exc, back)
    if request.method == "GET":
        view = milestone_queries.milestone_views([milestone])[0]
        return _render_edit(milestone, {
            "title": milestone.title, "metric": milestone.metric, "tag": view.tag or "",
            "resource_kind": milestone.resource_kind or "", "target": str(milestone.target),
            "starts_at": _minutes(milestone.starts_at), "due_at": _minutes(milestone.due_at)})
    data = _form_data(request.form)
    for key in ("starts_at", "due_at"):  # shown to the minute: unchanged means keep it exactly
        if key in data and data[key] == _minutes(getattr(milestone, key)):
            del data[key]
    try:
        milestone_actions.update_milestone(current_user, milestone.id, data, naive_is_utc=True)
    except ValidationFailed as exc:
        return _render_edit(milestone, request.form.to_dict(), exc.fields, exc.message, 422)
    except Conflict as exc:
        return _render_edit(milestone, request.form.to_dict(), message=exc.message, status=exc.status)
    flash("Milestone saved.", "success")
    return redirect(back)


@bp.post("/milestones/<int:milestone_id>/progress")
@login_required
def progress(milestone_id: int) -> ResponseReturnValue:
    raw = request.form.get("value", "").strip()
    try:
        milestone_actions.set_manual_progress(current_user, milestone_id, whole_number(raw))
    except ValidationFailed as exc:
        return _render_detail(milestone_id, exc.fields, exc.message, {"value": raw}, 422)
    except (Conflict, Forbidden) as exc:
        return refusal_page(exc, url_for(".detail", milestone_id=milestone_id))
    flash("Progress saved.", "success")
    return redirect(url_for(".detail", milestone_id=milestone_id))


@bp.post("/milestones/<int:milestone_id>/shares")
@login_required
def shares(milestone_id: int) -> ResponseReturnValue:
    raw = request.form.get("usernames", "")
    names = [name.strip() for name in raw.replace("\n", ",").split(",") if name.strip()]
    try:
        milestone_actions.set_shares(current_user, milestone_id, names)
    except ValidationFailed as exc:
        return _render_detail(milestone_id, exc.fields, exc.message, {"usernames": raw}, 422)
    except Forbidden as exc:
        return refusal_page(exc, url_for(".detail", milestone_id=milestone_id))
    flash("Sharing saved." if names else "This milestone is private now.", "success")
    return redirect(url_for(".detail", milestone_id=milestone_id))


@bp.post("/milestones/<int:milestone_id>/delete")
@login_required
def delete(milestone_id: int) -> ResponseReturnValue:
    try:
        milestone_actions.delete_milestone(current_user, milestone_id)
    except Forbidden as exc:
        return refusal_page(exc, url_for(".detail", milestone_id=milestone_id))
    flash("Milestone deleted.", "success")
    return redirect(url_for(".index"))
