"""URL slugs made from titles (the readable tail of /questions/<id>/<slug>)."""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 80
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def slugify(title: str | None) -> str:
    """Lower-case ASCII words joined by '-', at most 80 characters; '' when nothing is left."""
    ascii_title = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode()
    slug = _NOT_WORD.sub("-", ascii_title.lower()).strip("-")
    return slug[:MAX_SLUG].rstrip("-")
