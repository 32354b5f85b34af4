"""@mentions in Markdown: the usernames a post names, outside code."""

from __future__ import annotations

import re

MENTION = re.compile(r"(?<![\w@.`/-])@([A-Za-z0-9_.-]{3,30})(?![\w@])")
_CODE = re.compile(r"```.*?(```|\Z)|~~~.*?(~~~|\Z)|`[^`\n]*`", re.S)
MAX_MENTIONS = 20


def mentioned_usernames(markdown: str) -> list[str]:
    """Distinct lower-cased usernames mentioned with @name, ignoring code spans and blocks."""
    text = _CODE.sub(" ", markdown)
    names: dict[str, None] = {}
    for match in MENTION.finditer(text):
        names.setdefault(match.group(1).rstrip(".").lower(), None)
        if len(names) >= MAX_MENTIONS:
            break
    return list(names)
