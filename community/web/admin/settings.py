"""Site settings for admins: one form of every editable setting, with per-field errors."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import site_settings as setting_actions
from ...errors import ValidationFailed
from ...queries.site_settings import SettingView, access_settings
from ...settings import SettingError
from .blueprint import bp


def _form_value(view: SettingView) -> str | None:
    """The submitted text, or None when the form left the setting out. A checkbox sends a hidden
    "0" before its "1", so the last value is the box's state."""
    submitted = request.form.getlist(view.spec.name)
    return submitted[-1] if submitted else None


def _form_changes(views: list[SettingView]) -> dict[str, object]:
    """What the form changes: reset ticks (None) and values that differ from those in force."""
    changes: dict[str, object] = {}
    for view in views:
        name = view.spec.name
        if request.form.get(f"reset-{name}"):
            if view.overridden:
                changes[name] = None
            continue
        raw = _form_value(view)
        if raw is None:
            continue
        try:
            if view.spec.clean(raw) == view.value:
                continue
        except SettingError:
            pass  # the action reports it against the field
        changes[name] = raw
    return changes


def _shown(view: SettingView) -> str:
    if view.spec.type == "bool":
        return "1" if view.value else ""
    return str(view.value)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings() -> ResponseReturnValue:
    views = access_settings(current_user)
    if request.method == "GET":
        values = {view.spec.name: _shown(view) for view in views}
        return render_template("admin/settings.html", views=views, values=values, errors={})
    try:
        setting_actions.update_settings(current_user, _form_changes(views))
    except ValidationFailed as exc:
        values = {view.spec.name: submitted if (submitted := _form_value(view)) is not None else _shown(view)
                  for view in views}
        return render_template("admin/settings.html", views=views, values=values, errors=exc.fields,
                               form_message=exc.message), 422
    flash("Site settings saved.", "success")
    return redirect(url_for(".settings"))
