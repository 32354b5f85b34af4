"""Rating a resource as plain forms (the JavaScript uses PUT/DELETE /api/v1/resources/<id>/rating)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import resources as resource_actions
from ...errors import Forbidden, ValidationFailed
from ...queries.resources import access_resource
from ..forms import form_int, form_text, refusal_page
from .blueprint import bp
from .view import render_resource


def chosen_stars() -> int | None:
    if not request.form.get("stars", "").strip():
        raise ValidationFailed({"stars": "must be chosen: 1 to 5"})
    return form_int("stars")


@bp.post("/resources/<int:resource_id>/rating")
@login_required
def rate(resource_id: int) -> ResponseReturnValue:
    resource = access_resource(current_user, resource_id)
    back = url_for(".resource", resource_id=resource.id, _anchor="your-rating")
    try:
        resource_actions.rate_resource(current_user, resource.id, chosen_stars(), form_text("review"))
    except ValidationFailed as exc:
        return render_resource(resource, exc.status, rating_values=request.form, rating_errors=exc.fields)
    except Forbidden as exc:
        return refusal_page(exc, back)
    flash("Thanks! Your rating is saved.", "success")
    return redirect(back)


@bp.post("/resources/<int:resource_id>/rating/delete")
@login_required
def remove_rating(resource_id: int) -> ResponseReturnValue:
    resource = access_resource(current_user, resource_id)
    resource_actions.remove_rating(current_user, resource.id)
    flash("Your rating is removed.", "success")
    return redirect(url_for(".resource", resource_id=resource.id, _anchor="your-rating"))
