"""The library: every shared resource, filtered and ranked; and the form to share a link."""

from __future__ import annotations

from collections.abc import Mapping

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import resources as resource_actions
from ...errors import Conflict, RateLimited, ValidationFailed
from ...queries import resources as resource_queries
from ...queries.paging import parse_page
from ..forms import form_int, form_refused, form_text, render_form, split_tags
from .blueprint import bp

DURATION_CHOICES = ((None, "Any length"), (5, "Under 5 minutes"), (15, "Under 15 minutes"))
SORT_CHOICES = (("top", "Top rated"), ("newest", "Newest"))


def whole_minutes(raw: str) -> int | None:
    """The ?max_minutes= value: '' is no limit; anything but a whole number is a 422."""
    if not raw.strip():
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed({"max_minutes": "must be a whole number of minutes"}) from None


def library_filter(args: Mapping[str, str]) -> resource_queries.ResourceFilter:
    """The list filters from the query string, checked like the list API's."""
    return resource_queries.check_resource_filter(
        tag=args.get("tag", "").strip().lower() or None, kind=args.get("kind") or None,
        max_minutes=whole_minutes(args.get("max_minutes", "")), sort=args.get("sort") or None)


@bp.get("/resources")
def library() -> ResponseReturnValue:
    flt = library_filter(request.args)
    page = parse_page(request.args.get("page"))
    resources, total = resource_queries.list_resources(flt, page)
    durations = list(DURATION_CHOICES)
    if flt.max_minutes and flt.max_minutes not in (5, 15):
        durations.append((flt.max_minutes, f"Up to {flt.max_minutes:,} minutes"))
    return render_template("resources/library.html", resources=resources, total=total, page=page,
                           flt=flt, durations=durations, sorts=SORT_CHOICES)


@bp.route("/resources/new", methods=["GET", "POST"])
@login_required
def share() -> ResponseReturnValue:
    if request.method == "GET":
        return render_form("resources/share.html", values={"url": request.args.get("url", "")})
    try:
        draft = resource_actions.ResourceDraft(
            url=form_text("url"), title=form_text("title").strip(), description=form_text("description"),
            kind=form_text("kind") or None, tags=split_tags(form_text("tags")),
            duration_minutes=form_int("duration_minutes", optional=True))
        shared = resource_actions.share_resource(current_user, draft)
    except (ValidationFailed, RateLimited) as exc:
        return form_refused("resources/share.html", exc)
    except Conflict as exc:
        return render_form("resources/share.html", exc.status, message=exc.message, duplicate=exc.existing)
    flash("Thanks for sharing! Colleagues can find it in the library now.", "success")
    return redirect(url_for(".resource", resource_id=shared.id))
