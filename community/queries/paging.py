"""Page and per_page parsing shared by every list."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ValidationFailed

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Page:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def parse_page(page: object = None, per_page: object = None) -> Page:
    """Page numbers start at 1; per_page is clamped to 1..100; junk is a 422."""
    try:
        number = 1 if page in (None, "") else int(page)
    except (TypeError, ValueError):
        raise ValidationFailed({"page": "must be a whole number"}) from None
    try:
        size = DEFAULT_PER_PAGE if per_page in (None, "") else int(per_page)
    except (TypeError, ValueError):
        raise ValidationFailed({"per_page": "must be a whole number"}) from None
    if number < 1:
        raise ValidationFailed({"page": "must be 1 or more"})
    if number > 100_000:
        raise ValidationFailed({"page": "must be at most 100,000"})
    return Page(number, max(1, min(size, MAX_PER_PAGE)))
