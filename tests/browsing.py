"""Reading HTML pages in tests the way a person would: text, forms posted with the CSRF token."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support import csrf_token_from

_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def text_of(response: TestResponse) -> str:
    """The visible text of a page, tags removed and whitespace collapsed."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style|template)\b.*?</\1>", " ", body, flags=re.S)  # never shown
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", body))).strip()


def text_of_fragment(fragment: str) -> str:
    """The visible text of a piece of HTML, whitespace collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", fragment))).strip()


def source_of(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def submit(client: FlaskClient, path: str, data: dict[str, object] | None = None,
           **kwargs: object) -> TestResponse:
    """POST a form the way the browser would, with the session's CSRF token."""
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    return client.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)


def section(response: TestResponse, element_id: str) -> str:
    """The HTML of one element with this id, up to its closing tag (for <article>/<section>)."""
    body = source_of(response)
    start = body.index(f'id="{element_id}"')
    tag = body.rfind("<", 0, start)
    name = re.match(r"<(\w+)", body[tag:]).group(1)
    end = body.index(f"</{name}>", start)
    return body[tag:end]
