"""Account operations: registration, log-in, e-mail verification, password reset, profile,
deactivation.

Refusals are domain errors (``ValidationFailed`` naming the field, ``Conflict`` for a taken
address, ``Refusal`` for a failed log-in or a bad link); like every service here these flush and
leave the commit to the caller (a view, or a command through ``unit_of_work()``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from portal.accounts.models import Role, User
from portal.accounts.signals import password_reset
from portal.audit.service import record_change
from portal.domain_errors import Conflict, InvalidTransition, Refusal, ValidationFailed
from portal.extensions import db
from portal.model_mixins import utcnow
from portal.organizations import membership
from portal.organizations import service as organizations
from portal.organizations.models import Organization, OrgKind
from portal.organizations.service import OrganizationDetails
from portal.security import Action, can, ensure

SELF_SERVICE_ROLES = (Role.RESEARCHER, Role.ENTERPRISE)
LOGIN_FAILED = _l("邮箱或密码不正确")


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


def _refused(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed({field: message}, message)


def _new_account(email: str, password: str, role: Role, name: str) -> User:
    if find_user_by_email(email) is not None:
        raise Conflict(_l("该邮箱已注册"), code="email_taken")
    user = User(email=normalize_email(email), name=name.strip(), role=role)
    user.set_password(password)
    db.session.add(user)
    return user


def register_user(
    email: str,
    password: str,
    name: str,
    role: Role,
    organization_id: int | None = None,
    new_organization: NewOrganization | None = None,
) -> User:
    """A researcher or enterprise account, its address not yet verified, that creates an
    organization (and becomes its administrator) or asks to join one (the request waits for
    the address to be verified and then for the organization's decision)."""
    if role not in SELF_SERVICE_ROLES:
        raise _refused("role", _l("只能注册为科研人员或企业用户"))
    allowed_kinds = membership.ORG_KINDS_FOR_ROLE[role]
    joining: Organization | None = None
    if new_organization is not None:
        if new_organization.kind not in allowed_kinds:
            raise _refused("org_kind", _l("机构类型与账户角色不符"))
    elif organization_id is not None:
        joining = db.session.get(Organization, organization_id)
        if joining is None or joining.kind not in allowed_kinds:
            raise _refused("organization_id", _l("请选择与账户角色相符的机构"))
    else:
        raise _refused("org_mode", _l("请选择加入已有机构或新建机构"))
    user = _new_account(email, password, role, name)
    if new_organization is not None:
        # The organization rules (unique name and credit code, district) are the service's.
        organization = organizations.create_organization(
            None,
            name=new_organization.name,
            kind=new_organization.kind,
            details=OrganizationDetails(
                credit_code=new_organization.credit_code, district=new_organization.district
            ),
        )
        membership.admit(user, organization)
    else:
        assert joining is not None
        db.session.flush()
        membership.open_join_request(user, joining)
    db.session.flush()
    return user


def create_user(
    email: str, password: str, role: Role, organization: Organization | None = None, name: str = ""
) -> User:
    """Any account (staff included), its address taken as verified and its membership as
    granted: for the CLI and seeding, where an administrator vouches for both."""
    user = _new_account(email, password, role, name)
    user.email_verified_at = utcnow()
    if organization is not None:
        membership.admit(user, organization)
    db.session.flush()
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
        raise Refusal(LOGIN_FAILED, code="login_failed")
    if not user.check_password(password) or not user.active:
        raise Refusal(LOGIN_FAILED, code="login_failed")
    user.last_login_at = utcnow()
    db.session.flush()
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
        raise Refusal(_l("重置链接已过期，请重新申请"), code="link_expired") from exc
    except BadSignature as exc:
        raise Refusal(_l("重置链接无效"), code="link_invalid") from exc
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or user.password_hash[-16:] != data.get("ph"):
        raise Refusal(_l("重置链接无效或已使用"), code="link_invalid")
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    user.set_password(new_password)  # ends every other session and remember-me cookie
    password_reset.send(user)  # API tokens are revoked by their package
    db.session.flush()
    return user


def update_profile(user: User, name: str, phone: str | None, locale: str) -> None:
    user.name = name.strip()
    user.phone = (phone or "").strip() or None
    user.locale = locale
    db.session.flush()


def _verification_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="email-verification")


def make_verification_token(user: User) -> str:
    # The address is part of the token: a link made for one address verifies only that one.
    return _verification_serializer().dumps({"uid": user.id, "em": user.email})


def verify_email(token: str) -> User:
    """Mark the address of the link's account verified; requests it made to join an
    organization are then shown to their deciders."""
    try:
        data = _verification_serializer().loads(
            token, max_age=current_app.config["EMAIL_VERIFICATION_MAX_AGE"]
        )
    except SignatureExpired as exc:
        raise Refusal(_l("验证链接已过期，请重新发送"), code="link_expired") from exc
    except BadSignature as exc:
        raise Refusal(_l("验证链接无效"), code="link_invalid") from exc
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or user.email != data.get("em") or not user.active:
        raise Refusal(_l("验证链接无效"), code="link_invalid")
    if not user.email_verified:
        user.email_verified_at = utcnow()
        membership.announce_pending_requests(user)
    db.session.flush()
    return user


def may_deactivate(actor: User, user: User) -> bool:
    """Whether deactivate_account would change anything: what a page offers."""
    return user.active and actor.id != user.id and can(actor, Action.DEACTIVATE_ACCOUNT, user)


def deactivate_account(actor: User, user: User) -> None:
    """Staff end an account: it cannot log in, and its sessions and API tokens stop working."""
    ensure(actor, Action.DEACTIVATE_ACCOUNT, user)
    if actor.id == user.id:
        raise InvalidTransition(_l("不能停用自己的账户"), code="own_account")
    if not user.active:
        return
    user.active = False
    user.session_version = (user.session_version or 1) + 1  # ends its sessions and cookies
    record_change(actor, "account.deactivate", "user", user.id, {"active": True}, {"active": False})
    db.session.flush()
