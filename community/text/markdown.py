"""Markdown to safe HTML, rendered once when a post is written and stored as body_html."""

from __future__ import annotations

from markdown_it import MarkdownIt

from .sanitize import clean_html

_renderer = (
    MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    .enable(["linkify", "table", "strikethrough"])
)


def render_markdown(source: str) -> str:
    """Render Markdown (raw HTML off, links auto-detected, tables, fenced code) and sanitize it."""
    return clean_html(_renderer.render(source))
