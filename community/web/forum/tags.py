"""Tag pages: every tag with its question count, and the questions under one tag."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from ...errors import NotFound
from ...queries import threads as thread_queries
from ...queries.paging import parse_page
from .blueprint import bp
from .questions import load_listing

TAGS_PER_PAGE = 60
MAX_FILTER = 35


@bp.get("/tags")
def tags() -> ResponseReturnValue:
    query = request.args.get("q", "").strip().lower()[:MAX_FILTER].replace("\x00", "")
    page = parse_page(request.args.get("page"), TAGS_PER_PAGE)
    found, total = thread_queries.list_tags_page(query, page)
    return render_template("forum/tags.html", tags=found, total=total, page=page, query=query)


@bp.get("/tags/<name>")
def tag(name: str) -> ResponseReturnValue:
    readable = len(name) <= MAX_FILTER and "\x00" not in name  # PostgreSQL refuses NUL in text
    found = thread_queries.get_tag(name) if readable else None
    if found is None:
        raise NotFound(f"There is no tag named “{name[:MAX_FILTER].replace(chr(0), '')}”.")
    return render_template("forum/questions.html", listing=load_listing(request.args, found.name),
                           tag=found, popular_tags=[])
