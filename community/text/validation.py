"""Checks on plain user-supplied strings, shared by every action that stores text."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from ..errors import ValidationFailed

TAG_NAME = re.compile(r"^[a-z0-9][a-z0-9+#.-]{0,34}$")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why a string can't be stored as text on every database (the reason for a 422), or None.

    U+0000 is refused everywhere (PostgreSQL can't store it); so are lone surrogates, which JSON
    escapes can carry but which are not Unicode text and can't be encoded as UTF-8.
    """
    if "\x00" in value:
        return "must not contain the NUL character (U+0000)"
    if _LONE_SURROGATE.search(value):
        return "must be valid Unicode text (it contains a lone surrogate)"
    return None


def check_text(field: str, value: object, *, min_len: int = 0, max_len: int,
               required: bool = True) -> str:
    """Return value if it is a string of the allowed length without NUL; raise otherwise.

    The text is stored exactly as given; only the emptiness test ignores surrounding spaces.
    """
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed({field: "must be a string"})
    problem = text_problem(value)
    if problem:
        raise ValidationFailed({field: problem})
    length = len(value) if value.strip() else 0
    if length < min_len or len(value) > max_len:
        if min_len == 0:
            raise ValidationFailed({field: f"must be at most {max_len:,} characters"})
        raise ValidationFailed({field: f"must be {min_len}-{max_len:,} characters"})
    return value


def check_tag_names(field: str, value: object, *, max_count: int) -> list[str]:
    """A list of distinct, valid tag names (order kept, repeats dropped)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ValidationFailed({field: "must be a list of tag names"})
    problem = next(filter(None, map(text_problem, value)), None)
    if problem:
        raise ValidationFailed({field: problem})
    names = list(dict.fromkeys(value))
    bad = [name for name in names if not TAG_NAME.match(name)]
    if bad:
        raise ValidationFailed(
            {field: f"invalid tag name {bad[0][:40]!r}: use 1-35 of a-z, 0-9, +, #, . and -, "
                    "starting with a letter or digit"})
    if len(names) > max_count:
        raise ValidationFailed({field: f"must have at most {max_count} tags"})
    return names


def check_moment(field: str, value: object, *, naive_is_utc: bool) -> datetime:
    """An ISO 8601 date and time (``Z`` or an offset) as an aware UTC datetime; a datetime passes.

    Without an offset it is refused, or read as UTC where a form's field is documented as UTC.
    """
    problem = "must be an ISO 8601 date and time like 2026-12-01T09:00:00Z"
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and len(value) <= 40:
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise ValidationFailed({field: problem}) from None
    else:
        raise ValidationFailed({field: problem})
    if moment.tzinfo is None:
        if not naive_is_utc:
            raise ValidationFailed({field: "must include an offset such as Z or +01:00"})
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


_DIGITS = re.compile(r"[0-9]+")


def check_whole_number(field: str, value: object, low: int, high: int, *, from_text: bool = False) -> int:
    """An int from ``low`` to ``high`` (a bool is not one); with ``from_text`` also plain digits,
    as an HTML form sends them (not ``str.isdigit``, which passes "²" that ``int`` rejects)."""
    if from_text and isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationFailed({field: f"must be a whole number from {low:,} to {high:,}"})
    return value


ZONE_MAX = 64
_ZONES: set[str] = set()


def check_zone(value: object, field: str = "timezone") -> str:
    """An IANA time zone name such as Europe/Berlin (or UTC)."""
    if not isinstance(value, str) or not value or len(value) > ZONE_MAX:
        raise ValidationFailed({field: "must be an IANA time zone name such as Europe/Berlin"})
    if value not in _known_zones():  # first: ZoneInfo would open any file it is named, "posixrules" too
        raise ValidationFailed({field: f"is not a known IANA time zone: {value[:64]}"})
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed({field: f"is not a known IANA time zone: {value[:64]}"}) from None
    return value


def _known_zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones() | {"UTC"})
    return _ZONES


def check_local_moment(field: str, value: object) -> datetime:
    """A wall-clock date and time without an offset (a form's datetime-local), to the second."""
    problem = "must be a local date and time like 2026-12-03T15:00"
    if not isinstance(value, str) or len(value) > 40:
        raise ValidationFailed({field: problem})
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed({field: problem}) from None
    if moment.tzinfo is not None:
        raise ValidationFailed({field: "must not carry an offset; give the time zone separately"})
    return moment.replace(microsecond=0)


def local_to_utc(field: str, local: datetime, zone: str) -> datetime:
    """A wall-clock time in ``zone`` as UTC; refused when daylight saving time makes it missing
    or ambiguous there."""
    tz = ZoneInfo(zone)
    first, second = local.replace(tzinfo=tz, fold=0), local.replace(tzinfo=tz, fold=1)
    try:
        first.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 pushed past the calendar by the zone's offset
        raise ValidationFailed({field: "is out of range"}) from None
    if first.utcoffset() != second.utcoffset():
        # Either the hour clocks skip (the round trip lands elsewhere) or the hour they repeat.
        round_trip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if round_trip != local:
            raise ValidationFailed({field: (
                f"does not exist in {zone}: the clocks skip that hour for daylight saving time; "
                "choose a time outside it")})
        raise ValidationFailed({field: (
            f"happens twice in {zone} (the clocks go back that night); choose a time outside that "
            "hour or give the time with an offset")})
    return first.astimezone(UTC)


def name_key(name: str) -> str:
    """How department and job-role names compare: spaces tidied, case ignored."""
    return " ".join(name.split()).casefold()


def check_name_list(field: str, value: object, *, max_count: int, max_len: int) -> list[str]:
    """A list of names such as departments or job roles: spaces tidied, blanks and repeats (by
    name_key) dropped, the first spelling kept."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > max_count:
        raise ValidationFailed({field: f"must be a list of at most {max_count} names"})
    seen: dict[str, str] = {}
    for name in value:
        text = " ".join(check_text(field, name, max_len=max_len).split())
        if text:
            seen.setdefault(name_key(text), text)
    return list(seen.values())
