"""Who is calling: a bearer token, or the browser session (then with CSRF on writes)."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accounts.models import User
from portal.api.errors import ApiError
from portal.api.tokens import user_for_token
from portal.extensions import csrf, db
from portal.security import Action, can

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_REQUIRED = _l("请提供有效的令牌（Authorization: Bearer ...）")


def authenticate_request() -> None:
    """Before every API request: resolve a bearer token, or protect a session write.

    The blueprint is exempt from the app-wide CSRF hook because token requests carry
    no cookie an attacker could ride on; requests authenticated by the session cookie
    are checked here instead, exactly as forms are.
    """
    # Look the caller up afresh: an app context (and its g) can outlive one request,
    # as in the test client, and a token's user must never carry over to the next call.
    g.pop("_login_user", None)
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, secret = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise ApiError(401, "invalid_token", _l("Authorization 请求头应为“Bearer 令牌”"))
        user = user_for_token(secret.strip())
        db.session.commit()  # the token's last use, when user_for_token recorded it
        if user is None:
            raise ApiError(401, "invalid_token", _l("令牌无效或已撤销"))
        # Flask-Login keeps the request's user in g._login_user; setting it makes
        # current_user the token's owner for this request only, with no session cookie.
        g._login_user = user
        g.api_token_authenticated = True
        return
    if (
        request.method not in SAFE_METHODS
        and current_app.config.get("WTF_CSRF_ENABLED", True)
        and current_user.is_authenticated
    ):
        csrf.protect()


def caller() -> User | None:
    return current_user if current_user.is_authenticated else None


def require(action: Action, target: Any = None) -> None:
    """Refuse with 401 (no credentials) or 403 unless portal.security allows the action."""
    if can(current_user, action, target):
        return
    if not current_user.is_authenticated:
        raise ApiError(401, "unauthorized", TOKEN_REQUIRED)
    raise ApiError(403, "forbidden", _l("您没有权限执行此操作"))
