"""Markdown to safe HTML, rendered once when a post is written and stored as body_html."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from .sanitize import clean_html

TABLE_ALIGN_CLASSES = {f"text-align:{side}": f"align-{side}" for side in ("left", "center", "right")}


def _alignment_as_class(state: StateCore) -> None:
    """Table cells say their alignment with a class (``align-right``), never an inline style,
    so the Content-Security-Policy needs no 'unsafe-inline' for styles."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and "style" in token.attrs:
            style = str(token.attrs.pop("style"))
            if style in TABLE_ALIGN_CLASSES:
                token.attrs["class"] = TABLE_ALIGN_CLASSES[style]


_renderer = (
    MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    .enable(["linkify", "table", "strikethrough"])
)
_renderer.core.ruler.push("table_alignment_classes", _alignment_as_class)


def render_markdown(source: str) -> str:
    """Render Markdown (raw HTML off, links auto-detected, tables, fenced code) and sanitize it."""
    return clean_html(_renderer.render(source))
