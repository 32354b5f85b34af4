"""The admin dashboard: totals, the last 7 and 30 days, and posts per day for a month."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...models.base import utcnow
from ...queries.admin_stats import WINDOWS, access_site_stats
from ...queries.audit import AuditFilter, list_audit_entries
from ...queries.paging import Page
from ..recognition.charts import daily_bar_chart
from .blueprint import bp

RECENT_AUDIT = 8
NOUNS = (("members", "New members"), ("questions", "Questions"), ("answers", "Answers"),
         ("messages", "Chat messages"), ("resources", "Resources"), ("flags", "Flags raised"))


@bp.get("")
@login_required
def dashboard() -> ResponseReturnValue:
    stats = access_site_stats(current_user, utcnow())
    chart = daily_bar_chart([(d.day, d.posts) for d in stats.per_day], "posts")
    recent, _ = list_audit_entries(current_user, AuditFilter(), Page(1, RECENT_AUDIT))
    return render_template("admin/dashboard.html", stats=stats, chart=chart, nouns=NOUNS,
                           windows=WINDOWS, recent=recent)
