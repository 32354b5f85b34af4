"""Search helpers shared by the search tests: run the indexer, query the API, list the hits."""

from __future__ import annotations

from community import search
from tests.support import ApiClient

RESULT_FIELDS = {"type", "id", "thread_id", "title", "snippet_html", "url", "score", "votes",
                 "created_at"}


def index(app) -> int:
    return search.index_pending(app)


def found(client: ApiClient, q: str, **params) -> dict:
    response = client.get("search", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def hits(client: ApiClient, q: str, **params) -> list[tuple[str, int]]:
    return [(r["type"], r["id"]) for r in found(client, q, **params)["results"]]
