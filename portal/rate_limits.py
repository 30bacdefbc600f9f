"""Rate limits on the routes that cost the server (or a person) something, with Flask-Limiter.

Flask-Limiter is the well-kept choice for Flask: fixed and moving windows, memory storage for
one process (the embedded default) and Redis when several workers must share one count
(``RATELIMIT_STORAGE_URI=redis://host:6379/0``). The limits themselves are settings
(``RATE_LIMITS``: endpoint -> one rule per key, in Flask-Limiter's "5 per minute" notation)
and are attached here, by endpoint, so views carry no limiter code.

Keys: the client's address; the account a log-in or reset is for (so guessing one person's
password is slow from any number of addresses); the caller (token, else session account,
else address) for searches and classification, where anonymous callers get a lower cap.
The address is ``request.remote_addr``: behind a reverse proxy, set ``PROXY_FIX_X_FOR`` to the
number of proxies (portal/proxy.py wraps the app in Werkzeug's ``ProxyFix``) so it is the
client's, not the proxy's, and limits by address count each client apart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user


def submitted_account() -> str:
    """The e-mail a log-in or reset form names (normalised), so limits follow the account."""
    email = (request.form.get("email") or "").strip().lower()
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:24]


def _is_identified() -> bool:
    # The API resolves bearer tokens after the limiter runs, so the header itself is the sign.
    return request.headers.get("Authorization") is not None or current_user.is_authenticated


def caller_key() -> str:
    """One key per API token, else per logged-in account, else per client address."""
    header = request.headers.get("Authorization")
    if header is not None:
        return "token:" + hashlib.sha256(header.encode()).hexdigest()[:24]
    if current_user.is_authenticated:
        return f"user:{current_user.get_id()}"
    return "address:" + get_remote_address()


def _setting(name: str) -> Callable[[], str]:
    """The limit named ``name``, read at each request (settings can change without restart)."""
    return lambda: current_app.config["RATE_LIMITS"][name]


def _by_caller(setting: str) -> Callable[[], str]:
    """The limit named ``setting`` for identified callers, ``setting + "_ANONYMOUS"`` else."""

    def limit() -> str:
        rules = current_app.config["RATE_LIMITS"]
        return rules[setting] if _is_identified() else rules[setting + "_ANONYMOUS"]

    return limit


@dataclass(frozen=True)
class Rule:
    scope: str  # routes with the same scope share one count (the search page and its API)
    limit: Callable[[], str]
    key: Callable[[], str]
    methods: tuple[str, ...] | None = ("POST",)


RULES: dict[str, tuple[Rule, ...]] = {
    "auth.login": (
        Rule("login-address", _setting("LOGIN_PER_ADDRESS"), get_remote_address),
        Rule("login-account", _setting("LOGIN_PER_ACCOUNT"), submitted_account),
    ),
    "auth.register": (Rule("register", _setting("REGISTER_PER_ADDRESS"), get_remote_address),),
    "auth.reset_request": (
        Rule("reset-address", _setting("RESET_PER_ADDRESS"), get_remote_address),
        Rule("reset-account", _setting("RESET_PER_ACCOUNT"), submitted_account),
    ),
    "auth.resend_verification": (
        Rule("verification-address", _setting("RESET_PER_ADDRESS"), get_remote_address),
        Rule("verification-account", _setting("VERIFICATION_PER_ACCOUNT"), caller_key),
    ),
    "api.classification_classify_carbon": (Rule("classify", _by_caller("CLASSIFY"), caller_key),),
    "api.classification_classify_area": (Rule("classify", _by_caller("CLASSIFY"), caller_key),),
    "search.results": (Rule("search", _by_caller("SEARCH"), caller_key, None),),
    "api.search_search_items": (Rule("search", _by_caller("SEARCH"), caller_key, None),),
    "search.suggestions": (Rule("suggest", _by_caller("SUGGEST"), caller_key, None),),
}


def configure_rate_limits(app: Flask) -> Limiter:
    """One limiter per app (its counts are the app's), attached to the endpoints in RULES."""
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        headers_enabled=True,
        enabled=app.config["RATELIMIT_ENABLED"],
    )
    for endpoint, endpoint_rules in RULES.items():
        view = app.view_functions[endpoint]
        for rule in endpoint_rules:
            methods = list(rule.methods) if rule.methods else None
            limit = limiter.shared_limit(rule.limit, rule.scope, key_func=rule.key, methods=methods)
            view = limit(view)
        app.view_functions[endpoint] = view
    # The wrapped views hold the limiter only weakly, and a disabled one does not register
    # itself with the app: keep it alive here, or every limited page fails once it is collected.
    app.extensions["portal.rate_limiter"] = limiter
    return limiter
