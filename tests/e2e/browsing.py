"""Helpers for the browser tests: signing in, one browser context per person."""

from __future__ import annotations

from typing import Any

DEMO_PASSWORD = "Demo@2026"


def log_in(page: Any, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base_url}/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("input[type=submit], button[type=submit] >> nth=-1")
    page.wait_for_load_state()


def signed_in(
    browser: Any,
    base_url: str,
    email: str,
    password: str = DEMO_PASSWORD,
    width: int = 1280,
    height: int = 900,
) -> Any:
    """A page in its own browser context (own cookies), signed in as `email`; forms that
    ask for confirmation are confirmed."""
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, base_url, email, password)
    return page
