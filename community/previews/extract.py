"""A fetched page's title, description and readable text.

The page is cut into tokens by one regular expression that never backtracks (possessive
quantifiers), so hostile markup costs linear time. We do not use html.parser: before the fix for
CVE-2025-6069 (3.11.13, 3.12.11, 3.13.4) it is quadratic on unclosed markup; 40 KB of "<a " took
24 s on 3.11.7, so one crafted 1 MB page would hold the preview worker for hours.
"""

from __future__ import annotations

import codecs
import html as entities
import re
from dataclasses import dataclass

MAX_TITLE_CHARS = 300
MAX_DESCRIPTION_CHARS = 1000
MAX_TEXT_CHARS = 50_000

# Never readable text: code, styling, chrome around the content, and forms.
_SKIPPED = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "svg", "template",
            "iframe", "object", "select", "button"}
# Tags that do not separate words, so "<b>bo</b>ld" stays one word; every other tag does.
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd",
           "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr"}
_CONTENT = ("main", "article")  # where the main text is, in order of preference
# Elements whose content is not markup, up to their end tag: dropped, or kept as text (RCDATA).
_RAW_TEXT = {"script", "style", "noscript", "iframe", "noembed", "noframes"}
_RCDATA = {"title", "textarea"}
_RAW_END = {name: re.compile(rf"</{name}(?=[\s/>]|\Z)", re.I) for name in _RAW_TEXT | _RCDATA}

_TOKEN = re.compile(r"""
    (?P<comment> <!--.*?(?:-->|\Z) )
  | < (?P<end>/?) (?P<name>[a-zA-Z][^\s/>]*+)
      (?P<attrs> (?: =\s*+(?:"[^"]*+"|'[^']*+') | [^>] )*+ )   # a quoted value may hold ">"
      (?: > | \Z )
  | (?P<bogus> <[!?/][^>]*+(?:>|\Z) )                          # doctype, <?xml?>, </ >
  | (?P<text> (?: [^<] | <(?![a-zA-Z!?/]) )++ )                # "a < b" is text, in one token
""", re.S | re.X)
_ATTRIBUTE = re.compile(r"""([^\s/>"'=]++)(?:\s*+=\s*+(?:"([^"]*+)"|'([^']*+)'|([^\s>]*+)))?""")

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_SNIFF_BYTES = 4096


@dataclass(frozen=True)
class PagePreview:
    title: str
    description: str
    text: str


def decode_html(body: bytes, header_charset: str | None = None) -> str:
    """Text of an HTML body: byte-order mark, then the header's charset, then <meta>, then UTF-8.

    Bytes that do not decode become U+FFFD rather than failing the preview.
    """
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace")
    match = _META_CHARSET.search(body[:_SNIFF_BYTES])
    declared = match.group(1).decode("ascii") if match else None
    for encoding in (header_charset, declared):
        if encoding:
            try:
                return body.decode(encoding, errors="replace")
            except (LookupError, ValueError):
                continue  # unknown, not a text encoding ("base64") or strict-only ("idna"): try the next
    return body.decode("utf-8", errors="replace")


def extract_preview(html: str, base_url: str) -> PagePreview:
    """Title (og:title, else <title>), description (og:description, else meta description) and text.

    The text prefers <main>, then <article>, then the whole body, without scripts, styles,
    navigation, headers, footers, asides and forms. ``base_url`` is the URL the page came from; no
    field needs it yet, it is taken so that callers need not change when one (og:image) does.
    """
    page = _PageReader()
    page.read(html)
    title = page.meta.get("og:title") or page.title or ""
    description = page.meta.get("og:description") or page.meta.get("description", "")
    text = next((page.texts[tag] for tag in _CONTENT if page.texts[tag]), page.texts["body"])
    return PagePreview(
        title=_collapse(title)[:MAX_TITLE_CHARS].rstrip(),
        description=_collapse(description)[:MAX_DESCRIPTION_CHARS].rstrip(),
        text=_collapse("".join(text))[:MAX_TEXT_CHARS].rstrip(),
    )


def _collapse(text: str) -> str:
    return " ".join(text.split())


class _PageReader:
    """Walks the tokens once, keeping the meta tags, the first title and the text of each part."""

    def __init__(self) -> None:
        self.meta: dict[str, str] = {}
        self.title: str | None = None
        self.texts: dict[str, list[str]] = {"body": [], "main": [], "article": []}
        self._sizes = dict.fromkeys(self.texts, 0)
        self._skipping: list[str] = []  # open skipped elements, innermost last
        self._open_content = dict.fromkeys(_CONTENT, 0)

    def read(self, html: str) -> None:
        position = 0
        while position < len(html):
            token = _TOKEN.match(html, position)
            position = token.end()
            if token["text"] is not None:
                self._add_text(entities.unescape(token["text"]))
            elif token["name"] is None:
                continue  # a comment or a doctype
            elif token["end"]:
                self._end(token["name"].lower())
            else:
                name = token["name"].lower()
                self._start(name, token["attrs"])
                if name in _RAW_END:
                    position = self._read_raw_text(name, html, position)

    def _read_raw_text(self, name: str, html: str, position: int) -> int:
        end = _RAW_END[name].search(html, position)
        stop = end.start() if end else len(html)
        if name in _RCDATA:
            content = entities.unescape(html[position:stop])
            if name == "title" and self.title is None and not self._skipping:
                self.title = content  # the first <title>, and not one naming an <svg> drawing
            elif name != "title":
                self._add_text(content)
        return stop

    def _start(self, name: str, attrs: str) -> None:
        if name == "meta":
            self._read_meta(attrs)
        if name in _SKIPPED and not attrs.rstrip().endswith("/"):
            self._skipping.append(name)
        elif name in self._open_content:
            self._open_content[name] += 1
        if name not in _INLINE:
            self._add_text(" ")

    def _end(self, name: str) -> None:
        if name in self._skipping:
            # Close it and anything left open inside it, as a browser would.
            del self._skipping[len(self._skipping) - 1 - self._skipping[::-1].index(name):]
        elif self._open_content.get(name):
            self._open_content[name] -= 1
        if name not in _INLINE:
            self._add_text(" ")

    def _read_meta(self, attrs: str) -> None:
        values = {match[1].lower(): entities.unescape(match[2] or match[3] or match[4] or "")
                  for match in _ATTRIBUTE.finditer(attrs)}
        key = (values.get("property") or values.get("name") or "").strip().lower()
        content = values.get("content")
        if key in ("og:title", "og:description", "description") and content and key not in self.meta:
            self.meta[key] = content

    def _add_text(self, data: str) -> None:
        if self._skipping:
            return
        # Stop collecting once a buffer is past the cap; whitespace collapsing only shrinks it.
        for key in ("body", *(tag for tag, depth in self._open_content.items() if depth)):
            if self._sizes[key] <= MAX_TEXT_CHARS * 2:
                self.texts[key].append(data)
                self._sizes[key] += len(data)
