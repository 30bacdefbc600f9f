"""Account operations: registration, log-in with throttling, password reset."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from portal.accounts.models import Role, User
from portal.accounts.signals import password_reset
from portal.extensions import db
from portal.model_mixins import utcnow
from portal.organizations import service as organizations
from portal.organizations.models import Organization, OrgKind
from portal.organizations.service import OrganizationDetails

SELF_SERVICE_ROLES = (Role.RESEARCHER, Role.ENTERPRISE)
LOGIN_FAILED = "邮箱或密码不正确"
ORG_KINDS_FOR_ROLE = {
    Role.RESEARCHER: (OrgKind.UNIVERSITY, OrgKind.INSTITUTE),
    Role.ENTERPRISE: (OrgKind.ENTERPRISE,),
}


class AccountError(Exception):
    """A request the account rules refuse; the message is shown to the user."""


@dataclass(frozen=True)
class NewOrganization:
    name: str
    kind: OrgKind
    credit_code: str | None = None
    district: str | None = None


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def register_user(
    email: str,
    password: str,
    name: str,
    role: Role,
    organization_id: int | None = None,
    new_organization: NewOrganization | None = None,
) -> User:
    """Create a researcher or enterprise account that joins or creates an organization."""
    if role not in SELF_SERVICE_ROLES:
        raise AccountError("只能注册为科研人员或企业用户")
    if find_user_by_email(email) is not None:
        raise AccountError("该邮箱已注册")
    allowed_kinds = ORG_KINDS_FOR_ROLE[role]
    if new_organization is not None:
        if new_organization.kind not in allowed_kinds:
            raise AccountError("机构类型与账户角色不符")
        # The organization rules (unique name and credit code, district) are the service's.
        organization = organizations.create_organization(
            None,
            name=new_organization.name,
            kind=new_organization.kind,
            details=OrganizationDetails(
                credit_code=new_organization.credit_code, district=new_organization.district
            ),
        )
    elif organization_id is not None:
        organization = db.session.get(Organization, organization_id)
        if organization is None or organization.kind not in allowed_kinds:
            raise AccountError("请选择与账户角色相符的机构")
    else:
        raise AccountError("请选择加入已有机构或新建机构")
    user = User(email=normalize_email(email), name=name.strip(), role=role)
    user.set_password(password)
    user.organization = organization
    db.session.add(user)
    db.session.commit()
    return user


def create_user(
    email: str, password: str, role: Role, organization: Organization | None = None, name: str = ""
) -> User:
    """Create any account (staff included): for the CLI and seeding, not for self-service."""
    if find_user_by_email(email) is not None:
        raise AccountError("该邮箱已注册")
    user = User(email=normalize_email(email), name=name, role=role, organization=organization)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


# Checked against when the e-mail has no account, so that an unknown address costs the same
# hashing work as a known one and timing does not reveal which addresses have accounts.
_NO_ACCOUNT_HASH = generate_password_hash("no account has this password")


def authenticate(email: str, password: str) -> User:
    """The user for valid credentials. Every failure (unknown e-mail, wrong password,
    deactivated account) gives one message; repeated attempts are slowed by the rate limits
    on the log-in route (portal/rate_limits.py), not by locking the account, which would let
    anyone lock anyone out."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_NO_ACCOUNT_HASH, password)
        raise AccountError(LOGIN_FAILED)
    if not user.check_password(password) or not user.active:
        raise AccountError(LOGIN_FAILED)
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def make_reset_token(user: User) -> str:
    # The hash fragment makes a token single-use: it stops matching once the password changes.
    return _reset_serializer().dumps({"uid": user.id, "ph": user.password_hash[-16:]})


def user_for_reset_token(token: str) -> User:
    try:
        data = _reset_serializer().loads(
            token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"]
        )
    except SignatureExpired as exc:
        raise AccountError("重置链接已过期，请重新申请") from exc
    except BadSignature as exc:
        raise AccountError("重置链接无效") from exc
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or user.password_hash[-16:] != data.get("ph"):
        raise AccountError("重置链接无效或已使用")
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    user.set_password(new_password)  # ends every other session and remember-me cookie
    password_reset.send(user)  # API tokens are revoked by their package
    db.session.commit()
    return user


def update_profile(user: User, name: str, phone: str | None, locale: str) -> None:
    user.name = name.strip()
    user.phone = (phone or "").strip() or None
    user.locale = locale
    db.session.commit()
