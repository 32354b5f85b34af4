"""The track list, a track's page, enrolling and leaving, and "Mark as done" on resources."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import resource_completions as completion_actions
from ...actions import tracks as track_actions
from ...errors import Conflict, Forbidden, NotFound
from ...queries import tracks as track_queries
from ..api.tracks import describe
from ..forms import refusal_page, safe_next_url
from .blueprint import bp


@bp.get("/tracks")
@login_required
def index() -> ResponseReturnValue:
    status = request.args.get("status") or "published"
    if status not in ("published", "archived", "draft"):
        status = "published"
    tracks = describe(current_user, track_queries.list_tracks(current_user, status=status), with_steps=False)
    mine = [t for t in tracks if t["enrollment"] is not None]
    recommended = [t for t in tracks if t["recommended"] and t["enrollment"] is None]
    others = [t for t in tracks if not t["recommended"] and t["enrollment"] is None]
    return render_template("tracks/index.html", status=status, mine=mine, recommended=recommended,
                           others=others, total=len(tracks))


@bp.get("/tracks/<int:track_id>")
@login_required
def track(track_id: int) -> ResponseReturnValue:
    found = track_actions.access_track(current_user, track_id)
    data = describe(current_user, [found])[0]
    done = track_queries.completed_track_ids(current_user.id, [p["id"] for p in data["prerequisites"]])
    missing = [p for p in data["prerequisites"] if p["id"] not in done]
    return render_template("tracks/track.html", track=data, missing=missing)


@bp.post("/tracks/<int:track_id>/enroll")
@login_required
def enroll(track_id: int) -> ResponseReturnValue:
    try:
        enrollment, created = track_actions.enroll(current_user, track_id)
    except (Conflict, Forbidden) as exc:
        return refusal_page(exc, url_for(".track", track_id=track_id))
    if enrollment.completed_at is not None and created:
        flash("You are enrolled, and every step was already done: track completed!", "success")
    elif created:
        flash("You are enrolled. Your progress updates as you go.", "success")
    return redirect(url_for(".track", track_id=track_id))


@bp.post("/tracks/<int:track_id>/leave")
@login_required
def leave(track_id: int) -> ResponseReturnValue:
    try:
        track_actions.leave(current_user, track_id)
    except Forbidden as exc:
        return refusal_page(exc, url_for(".track", track_id=track_id))
    flash("You left the track. Finished resources still count if you join again.", "success")
    return redirect(url_for(".track", track_id=track_id))


@bp.post("/resources/<int:resource_id>/done")
@login_required
def resource_done(resource_id: int) -> ResponseReturnValue:
    """The no-JavaScript "Mark as done" toggle (``done`` = "1" marks, anything else un-marks)."""
    back = safe_next_url(request.form.get("next"), f"/resources/{resource_id}")
    try:
        if request.form.get("done") == "1":
            completion_actions.complete_resource(current_user, resource_id)
            flash("Marked as done.", "success")
        else:
            completion_actions.uncomplete_resource(current_user, resource_id)
            flash("No longer marked as done.", "success")
    except (Forbidden, NotFound) as exc:
        return refusal_page(exc, back)
    return redirect(back)
