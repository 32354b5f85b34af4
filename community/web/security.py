"""Security headers on every response, the per-request CSP nonce, and the session cookie's flags.

Pages load scripts only as external modules from this site, each tag carrying the request's nonce
(``nonce="{{ csp_nonce() }}"``); there are no inline scripts, inline event handlers or inline
styles, so the policy needs no 'unsafe-inline'. Socket.IO is same-origin, and CSP Level 3 lets
'self' match the ws:/wss: address of this host, so connect-src stays 'self'. Images may come from
any https: address because Markdown posts may show pictures hosted elsewhere (they are fetched by
the reader's browser; the referrer sent with them is only this site's origin).

A response that sets its own Content-Security-Policy (the avatar SVGs) keeps it.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, g
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix

_NONCE = "csp_nonce"

PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
                      "microphone=(), payment=(), usb=()")

STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


def csp_nonce() -> str:
    """This request's script nonce (made on first use; the header and the tags share it)."""
    nonce = g.get(_NONCE)
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return nonce


def content_security_policy(nonce: str) -> str:
    return _CSP_BEFORE_NONCE + nonce + _CSP_AFTER_NONCE


def _policy_template() -> tuple[str, str]:
    """The policy around its nonce, joined once per process: it is the same on every response."""
    marker = "\x00"
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{marker}'",
        "style-src": "'self'",
        "img-src": "'self' data: https:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "media-src": "'self'",
        "object-src": "'none'",
        "frame-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    before, _, after = "; ".join(f"{name} {value}" for name, value in directives.items()).partition(marker)
    return before, after


_CSP_BEFORE_NONCE, _CSP_AFTER_NONCE = _policy_template()


def add_security_headers(response: Response) -> Response:
    # One pass over the few headers already set: werkzeug's `name in headers` and setdefault raise
    # and catch a KeyError for every absent name, which cost more than the rest of this hook.
    present = {name.lower() for name, _ in response.headers}
    missing = [(name, value) for name, value in STATIC_HEADERS.items() if name.lower() not in present]
    if "content-security-policy" not in present:
        missing.append(("Content-Security-Policy", content_security_policy(csp_nonce())))
    response.headers.extend(missing)
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer built once per secret instead of on every
    request (building it costs as much as the rest of opening a session). Same cookies."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = getattr(self, "_serializer", None)
        if cached is None or cached[0] != key:
            cached = self._serializer = (key, super().get_signing_serializer(app))
        return cached[1]


def secure_cookies(config: dict) -> bool:
    """COMMUNITY_SECURE_COOKIES when set; otherwise on exactly when COMMUNITY_BASE_URL is https."""
    explicit = config.get("SECURE_COOKIES")
    if explicit is not None:
        return bool(explicit)
    return str(config.get("BASE_URL") or "").lower().startswith("https://")


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:  # the client's address (login throttling) and scheme come from the proxy's headers
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    secure = secure_cookies(app.config)
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config["REMEMBER_COOKIE_SECURE"] = secure
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.session_interface = SessionInterface()
    app.after_request(add_security_headers)
