"""A resource's page, editing it and deleting it."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import resources as resource_actions
from ...errors import Forbidden, ValidationFailed
from ...models import Resource
from ...permissions import can_edit_resource
from ...queries.resources import access_resource
from ..forms import form_int, form_refused, form_text, refusal_page, render_form, split_tags
from .blueprint import bp
from .view import render_resource


def editable_resource(resource_id: int) -> Resource:
    resource = access_resource(current_user, resource_id)
    if not can_edit_resource(current_user, resource):
        raise Forbidden("Only the person who shared it, or a moderator, can edit this resource.")
    return resource


@bp.get("/resources/<int:resource_id>")
def resource(resource_id: int) -> ResponseReturnValue:
    return render_resource(access_resource(current_user, resource_id))


@bp.route("/resources/<int:resource_id>/edit", methods=["GET", "POST"])
@login_required
def edit(resource_id: int) -> ResponseReturnValue:
    resource = editable_resource(resource_id)
    if request.method == "GET":
        minutes = resource.duration_minutes
        values = {"title": resource.title, "description": resource.description, "kind": resource.kind,
                  "tags": " ".join(resource.tag_names),
                  "duration_minutes": "" if minutes is None else str(minutes)}
        return render_form("resources/edit.html", values=values, resource=resource)
    try:
        duration = form_int("duration_minutes", optional=True)
        changes = resource_actions.ResourceChanges(
            title=form_text("title").strip(), description=form_text("description"), kind=form_text("kind"),
            tags=split_tags(form_text("tags")), duration_minutes=duration, clear_duration=duration is None)
        resource_actions.edit_resource(current_user, resource.id, changes)
    except ValidationFailed as exc:
        return form_refused("resources/edit.html", exc, resource=resource)
    flash("Your changes are saved.", "success")
    return redirect(url_for(".resource", resource_id=resource.id))


@bp.post("/resources/<int:resource_id>/delete")
@login_required
def delete(resource_id: int) -> ResponseReturnValue:
    resource = access_resource(current_user, resource_id)
    try:
        resource_actions.delete_resource(current_user, resource.id)
    except Forbidden as exc:
        return refusal_page(exc, url_for(".resource", resource_id=resource.id))
    flash("The resource is deleted.", "success")
    return redirect(url_for(".library"))
