"""Issuing, checking and revoking API tokens. Functions flush; the caller commits."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from portal.accounts.models import User
from portal.accounts.signals import password_reset
from portal.api.models import ApiToken
from portal.extensions import db
from portal.model_mixins import utcnow

TOKEN_PREFIX = "xmlc_"
# Writing last_used_at on every request would turn each API read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


class TokenError(Exception):
    """A token operation the rules refuse; the message is shown to the user."""


@dataclass(frozen=True)
class IssuedToken:
    """A new token: `secret` is shown once and never stored."""

    record: ApiToken
    secret: str


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_token(user: User, name: str = "") -> IssuedToken:
    if not user.active:
        raise TokenError("停用的账户不能创建令牌")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        user=user,
        name=name.replace("\x00", "").strip()[:80],  # a label; PostgreSQL stores no NUL
        token_hash=hash_token(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
    )
    db.session.add(record)
    db.session.flush()
    return IssuedToken(record=record, secret=secret)


def user_for_token(secret: str) -> User | None:
    """The active user a live token belongs to, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if record is None or not record.is_active or not record.user.active:
        return None
    now = utcnow()
    if record.last_used_at is None or now - record.last_used_at > LAST_USED_RESOLUTION:
        record.last_used_at = now
        db.session.flush()
    return record.user


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens."""
    record = db.session.get(ApiToken, token_id)
    if record is None or record.user_id != user.id or not record.is_active:
        raise TokenError("令牌不存在或已撤销")
    record.revoked_at = utcnow()
    db.session.flush()
    return record


@password_reset.connect
def revoke_tokens_on_password_reset(user: User) -> None:
    """A reset means the password may have leaked: tokens made with it end too."""
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
