"""Stack Exchange post HTML back to Markdown-ish source, so imported posts stay editable.

Not a full converter: paragraphs, line breaks, emphasis, inline code, code blocks, links, images,
lists, block quotes and headings come back as Markdown; anything else keeps its text. The stored
``body_html`` is the original HTML (sanitized), so what readers see does not depend on this.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_INLINE = {"strong": "**", "b": "**", "em": "*", "i": "*"}
_BLOCKS = {"p", "div", "blockquote", "ul", "ol", "pre", "table", "h1", "h2", "h3", "h4", "h5", "h6",
           "hr"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.pre = 0
        self.lists: list[str] = []
        self.quotes: list[int] = []  # where each open block quote starts in out
        self.link: str | None = None

    def _newlines(self, count: int) -> None:
        text = "".join(self.out)
        missing = count - (len(text) - len(text.rstrip("\n")))
        if text and missing > 0:
            self.out.append("\n" * missing)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._newlines(2)
        if tag in _INLINE:
            self.out.append(_INLINE[tag])
        elif tag in _HEADINGS:
            self.out.append("#" * int(tag[1]) + " ")
        else:
            opener = getattr(self, f"_open_{tag}", None)
            if opener is not None:
                opener(dict(attrs))

    def _open_pre(self, _attrs: dict) -> None:
        self.pre += 1
        self.out.append("```\n")

    def _open_code(self, _attrs: dict) -> None:
        if not self.pre:
            self.out.append("`")

    def _open_ul(self, _attrs: dict) -> None:
        self.lists.append("ul")

    def _open_ol(self, _attrs: dict) -> None:
        self.lists.append("ol")

    def _open_li(self, _attrs: dict) -> None:
        self._newlines(1)
        marker = "1. " if self.lists[-1:] == ["ol"] else "- "
        self.out.append("  " * max(0, len(self.lists) - 1) + marker)

    def _open_blockquote(self, _attrs: dict) -> None:
        self.quotes.append(len(self.out))

    def _open_br(self, _attrs: dict) -> None:
        self.out.append("  \n")

    def _open_hr(self, _attrs: dict) -> None:
        self.out.append("---")

    def _open_a(self, attrs: dict) -> None:
        self.link = attrs.get("href") or ""
        self.out.append("[")

    def _open_img(self, attrs: dict) -> None:
        self.out.append(f"![{attrs.get('alt') or ''}]({attrs.get('src') or ''})")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
            self._newlines(1)
            self.out.append("```")
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag in _INLINE:
            self.out.append(_INLINE[tag])
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "blockquote" and self.quotes:
            start = self.quotes.pop()
            quoted = "".join(self.out[start:]).strip("\n")
            self.out[start:] = ["\n".join(f"> {line}".rstrip() for line in quoted.split("\n"))]
        elif tag == "a" and self.link is not None:
            self.out.append(f"]({self.link})")
            self.link = None
        if tag in _BLOCKS:
            self._newlines(2)

    def handle_data(self, data: str) -> None:
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
        self.out.append(data)


def html_to_markdown(markup: str) -> str:
    converter = _Converter()
    converter.feed(markup)
    converter.close()
    text = "".join(converter.out)
    text = re.sub(r"[ \t]+\n", lambda m: "  \n" if m.group(0).startswith("  ") else "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
