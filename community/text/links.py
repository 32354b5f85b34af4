"""The outgoing links of rendered (sanitized) post HTML, with the text each link shows."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

_SPACES = str.maketrans({"\n": " ", "\t": " ", "\r": " "})


@dataclass(frozen=True)
class Link:
    href: str
    text: str  # what the reader sees: the anchor's text, spaces collapsed


class _AnchorParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or None
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            text = " ".join("".join(self._text).translate(_SPACES).split())
            self.links.append(Link(self._href, text))
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)


def outgoing_links(html: str) -> list[Link]:
    """Absolute http(s) links in document order (relative links point into this site)."""
    parser = _AnchorParser()
    parser.feed(html)
    parser.close()
    return [link for link in parser.links if link.href.lower().startswith(("http://", "https://"))]


def is_bare_address(text: str) -> bool:
    """Whether a link's text is only an address (an autolink) rather than a name for it."""
    return not text or "://" in text or text.lower().startswith("www.")
