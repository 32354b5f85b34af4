"""Search and similar questions in the API."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields

from ...queries import search as search_queries
from ...queries.paging import parse_page
from ...search import SORTS
from .schemas import Input, one_of

bp = Blueprint("search_api", __name__, url_prefix="/api/v1", description="Search")


class SearchArgs(Input):
    q = fields.String(load_default="")
    type = fields.String(metadata=one_of(search_queries.TYPES))
    sort = fields.String(metadata=one_of(SORTS))
    page = fields.Integer()
    per_page = fields.Integer()


class SimilarArgs(Input):
    title = fields.String(load_default="")
    limit = fields.Integer()


@bp.get("/search")
@bp.arguments(SearchArgs, location="query")
def search(args: dict):
    page = parse_page(args.get("page"), args.get("per_page"))
    found = search_queries.search_posts(current_user, args["q"], args.get("type"),
                                        args.get("sort"), page)
    return found.payload()


@bp.get("/threads/similar")
@bp.arguments(SimilarArgs, location="query")
def similar_threads(args: dict):
    similar = search_queries.similar_threads(current_user, args["title"], args.get("limit"))
    return {"results": [item.payload() for item in similar]}
