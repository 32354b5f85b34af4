"""The one HTML sanitizer: everything shown as HTML passes through clean_html()."""

from __future__ import annotations

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "details", "dd", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "code": {"class"},
    "span": {"class"},
    "div": {"class"},
    "th": {"align", "class"},
    "td": {"align", "class"},
    "ol": {"start"},
}
TABLE_CELL_CLASSES = {"align-left", "align-center", "align-right"}  # Markdown table alignment
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener noreferrer"


def _keep_safe_classes(element: str, attribute: str, value: str) -> str | None:
    """Keep only the class names our renderer emits (language-* on code, align-* on table cells),
    never arbitrary ones. No inline styles at all: the Content-Security-Policy forbids them."""
    if attribute == "class":
        if element in ("th", "td"):
            kept = [name for name in value.split() if name in TABLE_CELL_CLASSES]
        else:
            kept = [name for name in value.split() if name.startswith("language-")]
        return " ".join(kept) or None
    return value


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        attribute_filter=_keep_safe_classes,
        strip_comments=True,
    )
