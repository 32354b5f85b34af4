"""Reading numbers from HTML forms (community/web/forms.py): a plain whole number becomes an int,
anything else goes to the action as typed, to be refused there with its own message."""

from __future__ import annotations

import pytest

from community.web.forms import whole_number, whole_number_or_none


@pytest.mark.parametrize("raw, expected", [("7", 7), ("007", 7), ("", ""), ("²", "²"), ("٣", "٣"),
                                           ("-3", "-3"), (" 7", " 7"), ("7.5", "7.5"), ("seven", "seven")])
def test_whole_number(raw, expected):
    assert whole_number(raw) == expected


def test_signed_and_optional_whole_numbers():
    assert whole_number("-3", signed=True) == -3 and whole_number("--3", signed=True) == "--3"
    assert whole_number_or_none("12") == 12 and whole_number_or_none("²") is None
    assert whole_number_or_none("") is None
