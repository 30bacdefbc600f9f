"""Every response carries the security headers; pages run no inline script, so the CSP can
forbid it."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.config import TestConfig

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_pages_and_api_carry_the_security_headers(app: Flask, client: FlaskClient) -> None:
    for path in ("/", "/catalogue/", "/api/v1/technologies"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers  # plain http: no HSTS


def test_https_turns_on_redirect_hsts_and_secure_cookies() -> None:
    class Https(TestConfig):
        HTTPS = True

    app = create_app(Https)
    client = app.test_client()
    assert client.get("/", base_url="http://portal.example").status_code in (301, 302)
    secure = client.get("/", base_url="https://portal.example")
    assert "max-age" in secure.headers["Strict-Transport-Security"]
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert not create_app(TestConfig).config["REMEMBER_COOKIE_SECURE"]


def test_templates_hold_no_inline_script() -> None:
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=", re.IGNORECASE)
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in inline.finditer(path.read_text())
    ]
    assert offenders == []
