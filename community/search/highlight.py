"""Snippets: escaped text with the matched words wrapped in <mark> (the only HTML they contain)."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape
from whoosh import highlight

from .schema import STEMMED

SNIPPET_CHARS = 240
_ELLIPSIS = "…"


class MarkFormatter(highlight.Formatter):
    between = f" {_ELLIPSIS} "

    def _text(self, text: str) -> str:
        return str(escape(text))

    def format_token(self, text: str, token: object, replace: bool = False) -> str:
        return f"<mark>{escape(highlight.get_text(text, token, replace))}</mark>"

    def format_fragment(self, fragment: highlight.Fragment, replace: bool = False) -> str:
        body = super().format_fragment(fragment, replace).strip()
        before = _ELLIPSIS if fragment.startchar > 0 else ""
        after = _ELLIPSIS if fragment.endchar < len(fragment.text) else ""
        return f"{before}{body}{after}"


def _collapse(text: str) -> str:
    return " ".join(text.split())


def marked(text: str, terms: Iterable[str], *, whole: bool = False) -> Markup | None:
    """``text`` with ``terms`` marked: the best fragments, or all of it when ``whole``;
    None when no term occurs in it."""
    termset = frozenset(terms)
    text = _collapse(text)
    if not termset or not text:
        return None
    if whole:
        fragmenter = highlight.WholeFragmenter(charlimit=None)
    else:
        fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70,
                                                 charlimit=200_000)
    result = highlight.highlight(text, termset, STEMMED, fragmenter, MarkFormatter(), top=2)
    return Markup(result) if "<mark>" in result else None


def plain_snippet(text: str) -> Markup:
    """The start of ``text``, escaped (when nothing in it matched)."""
    text = _collapse(text)
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " " + _ELLIPSIS
    return Markup(escape(text))


def best_snippet(texts: Iterable[str], terms: Iterable[str]) -> Markup:
    """The first text that contains a match, marked; else the start of the first text."""
    texts = [t for t in texts if t and t.strip()]
    terms = frozenset(terms)
    for text in texts:
        found = marked(text, terms)
        if found is not None:
            return found
    return plain_snippet(texts[0]) if texts else Markup("")
