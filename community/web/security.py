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
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
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
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def add_security_headers(response: Response) -> Response:
    for name, value in STATIC_HEADERS.items():
        response.headers.setdefault(name, value)
    if "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
    return response


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
    app.after_request(add_security_headers)
