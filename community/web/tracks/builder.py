"""The track builder (new and edit) and the moderators' buttons: publish, archive, delete.

The builder is a plain form. Each step is a row of fields named ``step-<n>-kind``,
``step-<n>-resource``, ``step-<n>-tag``, ``step-<n>-count`` and ``step-<n>-title``, taken in the
order of ``n``; a row with no kind chosen is left out. The form always offers a few empty rows,
and saving shows more.
"""

from __future__ import annotations

import re
from typing import Any

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from ...actions import tracks as track_actions
from ...errors import Conflict, Forbidden, ValidationFailed
from ...extensions import db
from ...models import Resource, Tag, Track
from ...queries import tracks as track_queries
from ..forms import button_press, form_text, refusal_page, render_form, whole_number
from .blueprint import bp

_STEP_FIELD = re.compile(r"^step-(\d{1,2})-(kind|resource|tag|count|title)$")
TEMPLATE = "tracks/builder.html"
KIND_LABELS = {"resource": "Finish a resource", "answer_in_tag": "Answer questions in a tag",
               "ask_in_tag": "Ask questions in a tag"}
SPARE_ROWS = 3
RESOURCE_CHOICES = 300


def _form_rows() -> list[dict[str, str]]:
    numbers = sorted({int(m.group(1)) for name in request.form if (m := _STEP_FIELD.match(name))})
    return [{key: form_text(f"step-{n}-{key}") for key in ("kind", "resource", "tag", "count", "title")}
            for n in numbers]


def _track_fields(rows: list[dict[str, str]]) -> dict[str, Any]:
    steps = []
    for row in rows:
        if not row["kind"]:
            continue
        step: dict[str, Any] = {"kind": row["kind"], "title": row["title"]}
        if row["kind"] == "resource":
            step["resource_id"] = whole_number(row["resource"].strip())
        else:
            step["tag"], step["count"] = row["tag"], whole_number((row["count"] or "1").strip())
        steps.append(step)

    def names(field: str) -> list[str]:
        return [name.strip() for name in form_text(field).split(",") if name.strip()]

    return {"title": form_text("title"), "description": form_text("description"), "perk": form_text("perk"),
            "departments": names("departments"), "job_roles": names("job_roles"), "steps": steps,
            "prerequisites": [whole_number(v.strip()) for v in request.form.getlist("prerequisites")]}


def _rows_of(track: Track) -> list[dict[str, str]]:
    tags = {t.id: t.name for t in db.session.scalars(
        select(Tag).where(Tag.id.in_([s.tag_id for s in track.steps if s.tag_id] or [-1])))}
    return [{"kind": s.kind, "resource": str(s.resource_id or ""), "tag": tags.get(s.tag_id, ""),
             "count": str(s.count), "title": s.title} for s in track.steps]


def _values_of(track: Track) -> dict[str, Any]:
    prerequisites = track_queries.prerequisites_of([track.id])[track.id]
    return {"title": track.title, "description": track.description, "perk": track.perk,
            "departments": ", ".join(track_queries.json_list(track.departments)),
            "job_roles": ", ".join(track_queries.json_list(track.job_roles)),
            "prerequisites": [str(t.id) for t in prerequisites]}


def _render(track: Track | None, rows: list[dict[str, str]], status: int = 200, *,
            values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
            message: str | None = None) -> ResponseReturnValue:
    rows = rows + [{"kind": "", "resource": "", "tag": "", "count": "1", "title": ""}] * SPARE_ROWS
    resources = list(db.session.scalars(select(Resource).where(Resource.deleted_at.is_(None))
                                        .order_by(Resource.title).limit(RESOURCE_CHOICES)))
    others = [t for t in db.session.scalars(select(Track).order_by(Track.title))
              if track is None or t.id != track.id]
    if values is None:
        values = dict(request.form)
        values["prerequisites"] = request.form.getlist("prerequisites")
    return render_form(TEMPLATE, status, values=values, errors=errors, message=message, track=track,
                       rows=rows[:track_actions.MAX_STEPS], kinds=KIND_LABELS, resources=resources,
                       other_tracks=others)


def _require_manager() -> None:
    if not track_queries.can_manage_tracks(current_user):
        raise Forbidden("Only moderators and admins build certification tracks.")


@bp.get("/tracks/new")
@login_required
def new() -> ResponseReturnValue:
    _require_manager()
    return _render(None, [], values={"prerequisites": []})


@bp.post("/tracks/new")
@login_required
def create() -> ResponseReturnValue:
    _require_manager()
    rows = _form_rows()
    try:
        track = track_actions.create_track(current_user, _track_fields(rows))
    except ValidationFailed as exc:
        return _render(None, [r for r in rows if r["kind"]], 422, errors=exc.fields, message=exc.message)
    flash("Draft saved. Publish it when it is ready; until then only moderators see it.", "success")
    return redirect(url_for(".track", track_id=track.id))


@bp.get("/tracks/<int:track_id>/edit")
@login_required
def edit(track_id: int) -> ResponseReturnValue:
    track = track_actions.access_track(current_user, track_id)
    _require_manager()
    return _render(track, _rows_of(track), values=_values_of(track))


@bp.post("/tracks/<int:track_id>/edit")
@login_required
def update(track_id: int) -> ResponseReturnValue:
    track = track_actions.access_track(current_user, track_id)
    _require_manager()
    rows = _form_rows()
    try:
        track_actions.update_track(current_user, track.id, _track_fields(rows))
    except ValidationFailed as exc:
        return _render(track, [r for r in rows if r["kind"]], 422, errors=exc.fields, message=exc.message)
    flash("Track saved.", "success")
    return redirect(url_for(".track", track_id=track.id))


def _button(track_id: int, change: Any, done: str) -> ResponseReturnValue:
    return button_press(lambda: change(current_user, track_id), url_for(".track", track_id=track_id), done)


@bp.post("/tracks/<int:track_id>/publish")
@login_required
def publish(track_id: int) -> ResponseReturnValue:
    return _button(track_id, track_actions.publish_track, "Published: members can now enroll.")


@bp.post("/tracks/<int:track_id>/archive")
@login_required
def archive(track_id: int) -> ResponseReturnValue:
    return _button(track_id, track_actions.archive_track,
                   "Archived: no new enrollments; enrolled members can still finish it.")


@bp.post("/tracks/<int:track_id>/delete")
@login_required
def delete(track_id: int) -> ResponseReturnValue:
    try:
        track_actions.delete_track(current_user, track_id)
    except (Conflict, Forbidden) as exc:
        return refusal_page(exc, url_for(".track", track_id=track_id))
    flash("Track deleted.", "success")
    return redirect(url_for(".index"))
