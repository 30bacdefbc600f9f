"""Security headers on every response, with Flask-Talisman (the maintained Flask extension
for them): a Content-Security-Policy that allows scripts only from the portal's own static
files (no inline script, so injected markup cannot run), no framing (the one-click publish and
archive buttons cannot be clicked through a framing page), nosniff and a referrer policy.

HTTPS is one setting (``HTTPS=true`` behind TLS): it turns on the redirect to https, HSTS and
secure session and remember-me cookies together.
"""

from __future__ import annotations

from flask import Flask
from flask_talisman import Talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    # Bootstrap's own styles and a few style attributes; styles cannot run code.
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def configure_security_headers(app: Flask) -> None:
    https = app.config["HTTPS"]
    app.config["REMEMBER_COOKIE_SECURE"] = https  # the session cookie: Talisman, below
    Talisman(
        app,
        force_https=https,
        strict_transport_security=https,
        session_cookie_secure=https,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="strict-origin-when-cross-origin",
    )
