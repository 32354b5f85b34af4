"""Reading what people type into the search box: words, "phrases", -exclusions and operators.

Parsing never fails on odd input: unbalanced quotes, stray symbols and unknown ``word:`` prefixes
are read as plain words. Only a bad value for a known operator (``score:abc``, ``before:notadate``)
or an over-long query is refused, with a ValidationFailed naming it (a 422 at the edges).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from ..errors import ValidationFailed
from ..text.validation import TAG_NAME, text_problem

MAX_QUERY_CHARS = 1000
MAX_CLAUSES = 32  # words and phrases beyond this are ignored
IS_VALUES = ("solved", "unsolved", "question", "answer", "resource", "room")
OPERATORS = ("tag", "user", "is", "score", "before", "after")
# Filters a kind of document has no value for: a query using one leaves that kind out (a chat
# message has no tags, no accepted answer and no vote score; a resource has tags, but neither an
# accepted answer nor votes). Exclusions (-tag:) keep it.
UNFILTERABLE: dict[str, frozenset[str]] = {"room": frozenset({"tag", "solved", "score"}),
                                           "resource": frozenset({"solved", "score"})}

_TOKEN = re.compile(r'''
    (?P<neg>-)?
    (?: (?P<op>[A-Za-z]+):(?: "(?P<quoted>[^"]*)" | (?P<value>[^\s"]*) )
      | "(?P<phrase>[^"]*)"
      | (?P<word>[^\s"]+)
    )''', re.VERBOSE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_USERNAME = re.compile(r"^[A-Za-z0-9_.-]{1,30}$")
_WHOLE_NUMBER = re.compile(r"^[+-]?\d{1,9}$")


@dataclass(frozen=True)
class Clause:
    """A word (``phrase`` False) or an exact phrase, maybe excluded, maybe a ``prefix*``."""

    text: str
    phrase: bool = False
    negated: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class SearchQuery:
    text: str
    clauses: tuple[Clause, ...] = ()
    tags: tuple[str, ...] = ()
    excluded_tags: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    excluded_users: tuple[str, ...] = ()
    kinds: frozenset[str] = field(default_factory=frozenset)  # from is:question/answer/resource
    solved: bool | None = None
    min_votes: int | None = None
    after: date | None = None
    before: date | None = None

    @property
    def words(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.negated)

    @property
    def filters_used(self) -> frozenset[str]:
        """The restricting filters this query uses: "tag", "solved", "score"."""
        used = {"tag": bool(self.tags), "solved": self.solved is not None,
                "score": self.min_votes is not None}
        return frozenset(name for name, on in used.items() if on)

    def searchable_kinds(self, kinds: frozenset[str]) -> frozenset[str]:
        """``kinds`` without those this query's filters cannot apply to."""
        used = self.filters_used
        return frozenset(kind for kind in kinds if not UNFILTERABLE.get(kind, frozenset()) & used)

    @property
    def has_filters(self) -> bool:
        return bool(self.tags or self.excluded_tags or self.users or self.excluded_users
                    or self.kinds or self.solved is not None or self.min_votes is not None
                    or self.after or self.before)


class _Builder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.clauses: list[Clause] = []
        self.values: dict[str, object] = {}

    def add_clause(self, clause: Clause) -> None:
        if clause.text.strip() and len(self.clauses) < MAX_CLAUSES:
            self.clauses.append(clause)

    def append(self, key: str, value: object) -> None:
        self.values[key] = (*self.values.get(key, ()), value)

    def build(self) -> SearchQuery:
        query = SearchQuery(text=self.text, clauses=tuple(self.clauses))
        return replace(query, **self.values)


def query_error(reason: str) -> ValidationFailed:
    return ValidationFailed({"q": reason}, f"Search query: {reason}.")


def _refuse(token: str, reason: str) -> ValidationFailed:
    shown = token if len(token) <= 60 else token[:57] + "..."
    return query_error(f"{shown} — {reason}")


def _date(op: str, token: str, value: str) -> date:
    try:
        if _DATE.match(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise _refuse(token, f"{op} must be a date like 2026-01-01")


def _is(builder: _Builder, token: str, value: str, negated: bool) -> None:
    value = value.lower()
    if value not in IS_VALUES:
        raise _refuse(token, "is must be one of " + ", ".join(IS_VALUES))
    if value in ("solved", "unsolved"):
        builder.values["solved"] = (value == "solved") != negated
    elif not negated:
        builder.values["kinds"] = builder.values.get("kinds", frozenset()) | {value}


def _operator(builder: _Builder, op: str, value: str, negated: bool, token: str) -> None:
    if op == "tag":
        if not TAG_NAME.match(value.lower()):
            raise _refuse(token, "not a valid tag name")
        builder.append("excluded_tags" if negated else "tags", value.lower())
    elif op == "user":
        if not _USERNAME.match(value):
            raise _refuse(token, "not a valid username")
        builder.append("excluded_users" if negated else "users", value.lower())
    elif op == "is":
        _is(builder, token, value, negated)
    elif op == "score":
        if not _WHOLE_NUMBER.match(value):
            raise _refuse(token, "score must be a whole number")
        builder.values["min_votes"] = int(value)
    else:
        builder.values[op] = _date(op, token, value)


def _word(builder: _Builder, raw: str, negated: bool) -> None:
    prefix = raw.endswith("*") and len(raw.rstrip("*")) >= 3 and "*" not in raw.rstrip("*")
    text = raw.rstrip("*") if prefix else raw
    builder.add_clause(Clause(text=text, negated=negated, prefix=prefix))


def parse_query(text: object) -> SearchQuery:
    """The structured query; raises ValidationFailed({"q": ...}) for what can't be searched."""
    if not isinstance(text, str):
        raise query_error("must be a string")
    if len(text) > MAX_QUERY_CHARS:
        raise query_error(f"must be at most {MAX_QUERY_CHARS:,} characters")
    problem = text_problem(text)
    if problem:
        raise query_error(problem)
    builder = _Builder(" ".join(text.split()))
    for match in _TOKEN.finditer(text):
        negated = bool(match["neg"])
        op = (match["op"] or "").lower()
        if op in OPERATORS:
            value = match["quoted"] if match["quoted"] is not None else match["value"]
            if value:
                _operator(builder, op, value.strip(), negated, match.group(0).lstrip("-"))
            else:
                builder.add_clause(Clause(text=op, negated=negated))  # a lone "tag:" is a word
        elif match["op"]:
            rest = match["quoted"] if match["quoted"] is not None else match["value"]
            _word(builder, match["op"], negated)
            for piece in (rest or "").split():
                _word(builder, piece, negated)
        elif match["phrase"] is not None:
            builder.add_clause(Clause(text=match["phrase"], phrase=True, negated=negated))
        else:
            _word(builder, match["word"], negated)
    return builder.build()


def plain_query(text: str) -> SearchQuery:
    """Every word of ``text`` as a plain word, no operators (titles for similar questions)."""
    clauses = tuple(Clause(text=word) for word in text.split()[:MAX_CLAUSES])
    return SearchQuery(text=" ".join(text.split()), clauses=clauses)
