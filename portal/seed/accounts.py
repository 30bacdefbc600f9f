"""Demo accounts, one per role, so that every part of the portal can be tried at once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from portal.accounts.models import Role, User
from portal.accounts.service import find_user_by_email
from portal.extensions import db
from portal.model_mixins import utcnow
from portal.organizations.membership import admit
from portal.organizations.models import Organization, OrgKind


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: Role
    name: str
    org_kind: OrgKind | None
    preferred_org: str | None


DEMO_ACCOUNTS = (
    DemoAccount(
        "researcher@demo.xm", Role.RESEARCHER, "演示科研人员", OrgKind.UNIVERSITY, "厦门大学"
    ),
    DemoAccount("enterprise@demo.xm", Role.ENTERPRISE, "演示企业用户", OrgKind.ENTERPRISE, None),
    DemoAccount("broker@demo.xm", Role.BROKER, "演示技术经纪人", None, None),
    DemoAccount("admin@demo.xm", Role.ADMIN, "演示管理员", None, None),
)


def _organization_for(account: DemoAccount) -> Organization | None:
    if account.org_kind is None:
        return None
    if account.preferred_org:
        org = db.session.scalar(
            select(Organization).where(Organization.name == account.preferred_org)
        )
        if org is not None:
            return org
    return db.session.scalar(
        select(Organization).where(Organization.kind == account.org_kind).order_by(Organization.id)
    )


def ensure_demo_accounts(password: str) -> list[tuple[DemoAccount, bool]]:
    """Create missing demo accounts; returns each account and whether it was created now."""
    results = []
    for account in DEMO_ACCOUNTS:
        if find_user_by_email(account.email) is not None:
            results.append((account, False))
            continue
        user = User(
            email=account.email,
            name=account.name,
            role=account.role,
            is_demo=True,
            email_verified_at=utcnow(),  # demo addresses receive no mail
        )
        user.set_password(password)
        db.session.add(user)
        if (organization := _organization_for(account)) is not None:
            admit(user, organization)  # the first member is the organization's administrator
        results.append((account, True))
    db.session.flush()
    return results


def real_account_count() -> int:
    """Accounts not made by the demo seed: people of a real installation."""
    return db.session.scalar(select(func.count()).where(User.is_demo.is_(False))) or 0
