"""Shared links: which URLs may be shared, and the normalized form that tells duplicates apart.

Two links are the same resource when they differ only in scheme or host case, a default port, a
``www.`` prefix, a trailing slash, percent-encoding case, the fragment, tracking parameters
(``utm_*``, ``fbclid``, ...) or the order of the remaining query parameters. ``http`` and
``https`` stay different: nothing says a site serves the same page on both.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from ..errors import ValidationFailed
from .validation import text_problem

URL_MAX = 2000
SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
# Query parameters that only say where a click came from (analytics, ad and mail campaigns).
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "ttclid", "li_fat_id", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi",
    "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "rb_clickid", "s_cid", "ref_src", "ref_url",
    "si", "spm",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
_HOST = re.compile(r"^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$"
                   r"|^\[[0-9a-f:.]+\]$")
# Characters that never need percent-encoding in a path or query value (RFC 3986 unreserved
# plus the sub-delimiters and separators a path may carry as they are).
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_QUERY_SAFE = ":@!$'()*,;/?-._~"


def check_share_url(field: str, value: object) -> str:
    """The URL as given (surrounding spaces removed) when it may be shared; a clear 422 if not."""
    if not isinstance(value, str):
        raise ValidationFailed({field: "must be a string"})
    problem = text_problem(value)
    if problem:
        raise ValidationFailed({field: problem})
    url = value.strip()
    if not url:
        raise ValidationFailed({field: "must be a link (http:// or https://)"})
    if len(url) > URL_MAX:
        raise ValidationFailed({field: f"must be at most {URL_MAX:,} characters"})
    normalize_url(url, field)  # raises with the reason the link can't be shared
    return url


def normalize_url(url: str, field: str = "url") -> str:
    """The canonical form of a shareable URL (see the module doc); ValidationFailed if unusable."""
    if _CONTROL.search(url.strip()):
        raise ValidationFailed({field: "must not contain spaces or control characters"})
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ValidationFailed({field: f"is not a valid link ({exc})"}) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        shown = f"{scheme}: links" if scheme else "Links without http:// or https://"
        raise ValidationFailed({field: "must start with http:// or https://"},
                               f"{shown} can't be shared; use an http:// or https:// address.")
    if parts.username is not None or parts.password is not None:
        raise ValidationFailed({field: "must not contain a user name or password"},
                               "Links with a user name or password in them can't be shared.")
    host = _normalize_host(parts.hostname or "", field)
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, _normalize_path(parts.path), _normalize_query(parts.query), ""))


def _normalize_host(hostname: str, field: str) -> str:
    host = hostname.rstrip(".").lower()
    if ":" in host:  # an IPv6 literal, unbracketed by urlsplit
        host = f"[{host}]"
    else:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValidationFailed({field: "has a host name that is not valid"}) from None
    if host.startswith("www.") and host.count(".") >= 2:
        host = host[4:]
    if not host or not _HOST.match(host):
        raise ValidationFailed({field: "must name a host (like https://example.com/page)"})
    return host


def _normalize_path(path: str) -> str:
    if not path:
        return "/"
    path = _decode_unreserved(path)
    resolved = posixpath.normpath(path)  # "/a/./b/../c" -> "/a/c"; also collapses "//"
    if resolved.startswith("//"):
        resolved = "/" + resolved.lstrip("/")
    if resolved != "/" and path.endswith("/"):
        resolved = resolved.rstrip("/")
    return quote(resolved, safe=_PATH_SAFE + "%")


def _normalize_query(query: str) -> str:
    if not query:
        return ""
    pairs = [(key, value) for key, value in parse_qsl(query, keep_blank_values=True)
             if not _is_tracking(key)]
    pairs.sort(key=lambda pair: pair[0])  # stable: repeated keys keep their order
    return urlencode(pairs, quote_via=quote, safe=_QUERY_SAFE)


def _is_tracking(key: str) -> bool:
    lowered = key.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _decode_unreserved(text: str) -> str:
    """Upper-case percent escapes, and decode the ones that stand for an unreserved character."""
    def fix(match: re.Match[str]) -> str:
        char = unquote(match.group(0))
        if char.isascii() and (char.isalnum() or char in "-._~"):
            return char
        return match.group(0).upper()
    return _PERCENT.sub(fix, text)
