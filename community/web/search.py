"""The search page: /search?q=... with type tabs, sorting, pages and "did you mean"."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..errors import ValidationFailed
from ..queries import search as search_queries
from ..queries.paging import parse_page

bp = Blueprint("search", __name__)

TABS = (("all", "All"), ("thread", "Questions"), ("answer", "Answers"), ("resource", "Resources"),
        ("room", "Rooms"))
SORT_TABS = (("relevance", "Relevance"), ("newest", "Newest"), ("votes", "Votes"))


def _page(q: str, found: object = None, error: str | None = None,
          status: int = 200) -> ResponseReturnValue:
    type_ = request.args.get("type") or "all"
    sort = request.args.get("sort") or "relevance"
    return render_template("search/results.html", q=q, found=found, error=error, tabs=TABS,
                           sort_tabs=SORT_TABS, type_=type_, sort=sort), status


@bp.get("/search")
def results() -> ResponseReturnValue:
    q = request.args.get("q", "")
    if not q.strip():
        return _page("")
    try:
        found = search_queries.search_posts(current_user, q, request.args.get("type"),
                                            request.args.get("sort"),
                                            parse_page(request.args.get("page")))
    except ValidationFailed as exc:
        return _page(q, error=exc.fields.get("q") or exc.message, status=422)
    return _page(q, found)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
