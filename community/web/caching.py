"""HTTP caching of the public reads: ETag and 304 for anonymous visitors, nothing shared for others.

Anonymous GET/HEAD answers of the pages and JSON reads in CACHEABLE_ENDPOINTS carry a weak ETag (a
hash of the body) and ``Cache-Control: no-cache``: a browser (or a proxy) may keep the page but
asks again every time, and when the body has not changed it gets ``304 Not Modified`` with no
body. The view still runs (so a view is counted), only the transfer is saved. Answers for someone
logged in (session or bearer token) get ``Cache-Control: private, no-store`` and no ETag, so no
cache ever hands one person's page to another; ``Vary: Cookie`` (and ``Authorization`` on the
API) keeps a stored anonymous copy from answering a logged-in request.

Two strings in a page change on every response without changing what it shows: the CSP nonce
in the script tags, and the signed CSRF token (its signature carries a timestamp) in the
``csrf-token`` meta tag. The hash is taken over the body with both removed, so the same content
gives the same ETag. A stored page keeps working with its older token: tokens do not expire
(WTF_CSRF_TIME_LIMIT is None) and stay bound to the session cookie the page was stored under
(``Vary: Cookie``). A first visit, which creates the session, is answered as personal.
A 304 carries no Content-Security-Policy header. A cache that revalidates updates its stored
headers from the 304 (RFC 9111 §4.3.4), so a fresh nonce there would no longer match the nonce
inside the stored body and the page's scripts would be blocked; without one, the stored policy
(the one sent with that body) stays in force.
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, g, request, session
from flask_login import current_user

CACHEABLE_ENDPOINTS = frozenset({
    # pages
    "forum.index", "forum.thread", "forum.tags", "forum.tag", "resources.library",
    "resources.resource", "search.results",
    # public JSON reads
    "threads.list_threads", "threads.get_thread", "threads.tags", "resources_api.list_resources",
    "resources_api.get_resource", "resources_api.ratings", "resources_api.thread_resources",
    "search_api.search", "search_api.similar_threads",
})
ANONYMOUS_CACHE_CONTROL = "no-cache"
PERSONAL_CACHE_CONTROL = "private, no-store"
_CSP = "Content-Security-Policy"


def body_etag(body: bytes, *volatile: str | None) -> str:
    """The ETag value of a body, blind to the per-response strings it was rendered with."""
    for text in volatile:
        if text:
            body = body.replace(text.encode("ascii"), b"")
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def _is_personal() -> bool:
    """Answers that depend on who asks: logged in, or the session changed (a flash, a CSRF token)."""
    return bool(current_user.is_authenticated or session.modified
                or request.headers.get("Authorization"))


def apply_caching(response: Response) -> Response:
    if (request.method not in ("GET", "HEAD") or request.endpoint not in CACHEABLE_ENDPOINTS
            or response.status_code != 200 or response.direct_passthrough or response.is_streamed):
        return response
    response.vary.add("Cookie")
    if request.path.startswith("/api/"):
        response.vary.add("Authorization")
    if _is_personal():
        response.headers["Cache-Control"] = PERSONAL_CACHE_CONTROL
        return response
    response.headers["Cache-Control"] = ANONYMOUS_CACHE_CONTROL
    etag = body_etag(response.get_data(), g.get("csp_nonce"), g.get("csrf_token"))
    response.set_etag(etag, weak=True)
    if request.if_none_match.contains_weak(etag):
        response.status_code = 304  # werkzeug sends no body and drops the entity headers
        response.set_data(b"")
        response.headers.pop(_CSP, None)  # keep the policy stored with the body (see above)
    return response


def init_app(app: Flask) -> None:
    """Register before web.security: after_request hooks run in reverse order, so this one runs
    after the security headers are set and can leave the CSP header off a 304."""
    app.after_request(apply_caching)
