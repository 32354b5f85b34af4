"""Reading a Stack Exchange data dump (the XML files of archive.org/details/stackexchange).

Files are streamed row by row (``iterparse``, rows cleared as they are read), so a large dump
needs little memory. Required: Posts.xml, Users.xml, Tags.xml. Optional: Votes.xml (fills in a
score or an accepted answer the posts file lacks), PostLinks.xml (counted; linked questions are
not modelled yet).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..errors import ValidationFailed

REQUIRED = ("Posts.xml", "Users.xml", "Tags.xml")
QUESTION, ANSWER = 1, 2
_ANGLE_TAGS = re.compile(r"<([^<>]+)>")


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.rstrip("Z")).replace(tzinfo=UTC)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def parse_tags(value: str | None) -> list[str]:
    """'<a><b>' (older dumps) or '|a|b|' (newer ones) -> ['a', 'b']."""
    if not value:
        return []
    names = _ANGLE_TAGS.findall(value) if "<" in value else value.split("|")
    return [name.strip().lower() for name in names if name.strip()]


@dataclass(frozen=True)
class SeUser:
    id: int
    display_name: str
    reputation: int
    created_at: datetime | None
    about_html: str


@dataclass(frozen=True)
class SePost:
    id: int
    type: int
    parent_id: int | None
    accepted_answer_id: int | None
    created_at: datetime
    score: int | None
    view_count: int
    body_html: str
    owner_id: int | None
    owner_name: str
    last_editor_id: int | None
    last_edit_at: datetime | None
    last_activity_at: datetime | None
    title: str
    tags: list[str] = field(default_factory=list)


def _post(row: dict[str, str]) -> SePost | None:
    post_type, post_id, created = _int(row.get("PostTypeId")), _int(row.get("Id")), row.get("CreationDate")
    if post_type not in (QUESTION, ANSWER) or post_id is None or not created:
        return None
    return SePost(
        id=post_id, type=post_type, parent_id=_int(row.get("ParentId")),
        accepted_answer_id=_int(row.get("AcceptedAnswerId")), created_at=parse_time(created),
        score=_int(row.get("Score")), view_count=_int(row.get("ViewCount")) or 0,
        body_html=row.get("Body", ""), owner_id=_int(row.get("OwnerUserId")),
        owner_name=row.get("OwnerDisplayName", ""), last_editor_id=_int(row.get("LastEditorUserId")),
        last_edit_at=parse_time(row.get("LastEditDate")),
        last_activity_at=parse_time(row.get("LastActivityDate")), title=row.get("Title", ""),
        tags=parse_tags(row.get("Tags")))


@dataclass
class VoteTally:
    """Scores and accepted answers as Votes.xml tells them (a fallback for the posts file)."""

    scores: Counter = field(default_factory=Counter)
    accepted: dict[int, int] = field(default_factory=dict)  # answer id -> 1 (accepted by asker)


class Dump:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        missing = [name for name in REQUIRED if not (self.directory / name).is_file()]
        if missing:
            raise ValidationFailed({"directory": f"has no {', '.join(missing)} (is it a Stack "
                                                 "Exchange data dump?)"})

    def has(self, name: str) -> bool:
        return (self.directory / name).is_file()

    def rows(self, name: str) -> Iterator[dict[str, str]]:
        """The attributes of each <row> of a file, streamed."""
        context = ET.iterparse(self.directory / name, events=("start", "end"))
        root = None
        for event, element in context:
            if event == "start":
                root = root if root is not None else element
                continue
            if element.tag == "row":
                yield dict(element.attrib)
                element.clear()
                if root is not None:
                    root.clear()

    def count(self, name: str) -> int:
        """How many rows a file has (a quick byte scan, for progress bars)."""
        total, tail = 0, b""
        with (self.directory / name).open("rb") as handle:
            while chunk := handle.read(1 << 20):
                total += (tail + chunk).count(b"<row ")
                tail = chunk[-4:]
        return total

    def users(self) -> Iterator[SeUser]:
        for row in self.rows("Users.xml"):
            user_id = _int(row.get("Id"))
            if user_id is not None:
                yield SeUser(user_id, row.get("DisplayName", "").strip(),
                             _int(row.get("Reputation")) or 1, parse_time(row.get("CreationDate")),
                             row.get("AboutMe", ""))

    def posts(self, post_type: int) -> Iterator[SePost]:
        for row in self.rows("Posts.xml"):
            if row.get("PostTypeId") == str(post_type):
                post = _post(row)
                if post is not None:
                    yield post

    def tag_names(self) -> list[str]:
        return [row["TagName"].lower() for row in self.rows("Tags.xml") if row.get("TagName")]

    def votes(self) -> VoteTally:
        tally = VoteTally()
        if not self.has("Votes.xml"):
            return tally
        for row in self.rows("Votes.xml"):
            post_id, kind = _int(row.get("PostId")), row.get("VoteTypeId")
            if post_id is None:
                continue
            if kind == "2":
                tally.scores[post_id] += 1
            elif kind == "3":
                tally.scores[post_id] -= 1
            elif kind == "1":
                tally.accepted[post_id] = 1
        return tally

    def link_count(self) -> int:
        return self.count("PostLinks.xml") if self.has("PostLinks.xml") else 0
