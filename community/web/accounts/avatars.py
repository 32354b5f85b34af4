"""Generated avatars: the person's initials on a colour derived from their username."""

from __future__ import annotations

import hashlib

from markupsafe import escape

# Backgrounds on which white text has a contrast ratio of at least 4.5:1.
PALETTE = (
    "#1d4ed8", "#6d28d9", "#a21caf", "#be123c", "#b45309", "#047857",
    "#0f766e", "#0369a1", "#4338ca", "#9d174d", "#15803d", "#475569",
)


def initials(name: str) -> str:
    """Up to two letters: the first of the first two words, or the first two of a single word."""
    words = name.split()
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[1][0]).upper()


def avatar_color(username: str) -> str:
    digest = hashlib.sha256(username.lower().encode("utf-8")).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def avatar_svg(username: str, name: str) -> str:
    """A 64x64 SVG; the initials and the accessible name are XML-escaped."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64" '
        f'role="img" aria-label="{escape(name)}">'
        f'<rect width="64" height="64" rx="12" fill="{avatar_color(username)}"/>'
        '<text x="32" y="32" dy="0.35em" text-anchor="middle" fill="#ffffff" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" '
        f'font-size="26" font-weight="600">{escape(initials(name))}</text></svg>'
    )
