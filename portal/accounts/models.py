"""Accounts: users and their roles."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db
from portal.model_mixins import TimestampMixin, enum_column

if TYPE_CHECKING:
    from portal.organizations.models import Organization


class Role(enum.StrEnum):
    RESEARCHER = "researcher"
    ENTERPRISE = "enterprise"
    BROKER = "broker"
    ADMIN = "admin"


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(256), nullable=False)
    name: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    phone: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[Role] = mapped_column(enum_column(Role), nullable=False)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    locale: Mapped[str] = mapped_column(String(10), nullable=False, default="zh_CN")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # One of its organization's administrators: decides join requests and removes members.
    org_admin: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    # Set when the owner of the address opened the signed link mailed to it.
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Part of the id kept in session and remember-me cookies: a new password bumps it, so
    # every session and cookie made before stops working.
    session_version: Mapped[int] = mapped_column(
        Integer, nullable=False, default=1, server_default="1"
    )
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    organization: Mapped[Organization | None] = relationship(back_populates="members")

    def set_password(self, password: str) -> None:
        if self.password_hash:
            self.session_version = (self.session_version or 1) + 1
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        )

    def get_id(self) -> str:
        """Flask-Login's alternative id: the account and its session version."""
        return f"{self.id}:{self.session_version}"

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive accounts
        return self.active

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
