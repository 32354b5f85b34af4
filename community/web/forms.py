"""HTML forms: raw fields in, typed inputs for the actions out, refusals back to the page."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request
from flask.typing import ResponseReturnValue

from ..errors import Conflict, DomainError, Forbidden, RateLimited, ValidationFailed

_TAG_SEPARATORS = re.compile(r"[\s,]+")
_WHOLE_NUMBER = re.compile(r"[0-9]+")
_SIGNED_WHOLE_NUMBER = re.compile(r"-?[0-9]+")


def form_text(name: str) -> str:
    return request.form.get(name, "")


def split_tags(raw: str) -> list[str]:
    """'Excel, VBA  macros' -> ['excel', 'vba', 'macros']: space- or comma-separated, lower-cased."""
    return [name.lower() for name in _TAG_SEPARATORS.split(raw) if name]


def form_int(name: str, *, optional: bool = False) -> int | None:
    """An integer form field; '' is None when optional; anything else is a 422."""
    raw = request.form.get(name, "").strip()
    if optional and raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed({name: "must be a whole number"}) from None


def whole_number(raw: str, *, signed: bool = False) -> int | str:
    """A form field as an int when it is a plain whole number, else ``raw`` unchanged for the action
    to refuse with its own message. Not ``str.isdigit``: that also passes digits such as "²",
    which ``int`` then rejects (a 500 for a typo)."""
    return int(raw) if (_SIGNED_WHOLE_NUMBER if signed else _WHOLE_NUMBER).fullmatch(raw) else raw


def whole_number_or_none(raw: str) -> int | None:
    """A plain whole number, or None for anything else (an id that is not one names nothing)."""
    number = whole_number(raw)
    return number if isinstance(number, int) else None


def safe_next_url(target: str | None, default: str) -> str:
    """``target`` only if it is a path on this site (no scheme, host, '//' or backslash tricks)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(char) < 32 for char in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def render_form(template: str, status: int = 200, *, values: Mapping[str, object] | None = None,
                errors: Mapping[str, str] | None = None, message: str | None = None,
                **context: object) -> ResponseReturnValue:
    """A form page showing ``values`` (what the user typed, by default) and any field errors."""
    shown = request.form if values is None else values
    page = render_template(template, values=shown, errors=errors or {}, form_message=message,
                           **context)
    return page, status


def form_refused(template: str, exc: DomainError, **context: object) -> ResponseReturnValue:
    """Re-render a form after the action refused it: its status, message and per-field reasons
    (and, for a rate limit, the Retry-After header), keeping what the user typed."""
    page, status = render_form(template, exc.status, errors=getattr(exc, "fields", None) or {},
                               message=exc.message, **context)
    return page, status, retry_after_header(exc)


def retry_after_header(exc: DomainError) -> dict[str, str]:
    return {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else {}


def refusal_page(exc: DomainError, back_url: str) -> ResponseReturnValue:
    """The error page for a refused button press (vote, accept, delete), with a way back."""
    page = render_template("error.html", status=exc.status, code=exc.code, message=exc.message,
                           fields=getattr(exc, "fields", None) or {}, back_url=back_url)
    return page, exc.status


BUTTON_REFUSALS: tuple[type[DomainError], ...] = (Conflict, Forbidden, ValidationFailed)


def button_press(change: Callable[[], object], back_url: str, done: str, *,
                 refusals: tuple[type[DomainError], ...] = BUTTON_REFUSALS) -> ResponseReturnValue:
    """A form button that runs one action: back to ``back_url`` with ``done`` flashed, or the
    refusal page for the ``refusals`` (any other error, a 404 say, takes the usual error page)."""
    try:
        change()
    except refusals as exc:
        return refusal_page(exc, back_url)
    flash(done, "success")
    return redirect(back_url)
