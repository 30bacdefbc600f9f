"""Micro-caching of the public pages visitors read most (home, catalogue and needs lists and
details), for anonymous requests only.

A page rendered for a visitor is kept for PAGE_CACHE_SECONDS (default 10) under its full URL
and locale, so a burst of visitors costs one render, and a change shows up within that
time. Signed-in users never see or fill the cache: their pages carry their own menus,
drafts and permissions. A page is not kept when its rendering touched the session (a flash
message, a CSRF token for a form) or did not answer 200. Flask-Caching holds the pages:
its SimpleCache in each process by default, Redis or another of its backends through the
CACHE_* settings.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_caching import Cache
from flask_login import current_user

page_cache = Cache()

View = TypeVar("View", bound=Callable[..., Any])


def configure_page_cache(app: Flask) -> None:
    app.config.setdefault("CACHE_TYPE", "SimpleCache")
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", app.config.get("PAGE_CACHE_SECONDS", 10))
    page_cache.init_app(app)


def _cacheable_request() -> bool:
    return (
        current_app.config.get("PAGE_CACHE_SECONDS", 0) > 0
        and request.method == "GET"
        and not current_user.is_authenticated
        and "_flashes" not in session
    )


def _key() -> str:
    return f"page:{get_locale()}:{request.full_path}"


def cached_public_page(on_hit: Callable[..., None] | None = None) -> Callable[[View], View]:
    """Serve the view from the cache to visitors; `on_hit(**view_args)` runs for a page served
    from the cache (a detail page still counts its view)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(**view_args: Any) -> Any:
            if not _cacheable_request():
                return view(**view_args)
            key = _key()
            kept = page_cache.get(key)
            if kept is not None:
                if on_hit is not None:
                    on_hit(**view_args)
                body, status, headers = kept
                return Response(body, status=status, headers=headers)
            response = make_response(view(**view_args))
            if response.status_code == 200 and not session.modified and "csrf_token" not in g:
                # A cookie belongs to one response, never to a copy served to someone else.
                headers = [(k, v) for k, v in response.headers if k != "Set-Cookie"]
                page_cache.set(
                    key,
                    (response.get_data(), response.status_code, headers),
                    timeout=current_app.config["PAGE_CACHE_SECONDS"],
                )
            return response

        return wrapper  # type: ignore[return-value]

    return decorate
