"""Organization operations."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select

from portal.accounts.models import User
from portal.audit.service import record_change
from portal.extensions import db
from portal.model_mixins import utcnow
from portal.organizations.models import Organization, OrgKind


class OrganizationError(Exception):
    """A change the organization rules refuse; the message is shown to the user."""


@dataclass(frozen=True)
class OrganizationFilter:
    kind: OrgKind | None = None
    district: str | None = None
    verified_only: bool = False


def organizations_query(filters: OrganizationFilter) -> Select[tuple[Organization]]:
    query = select(Organization).order_by(Organization.verified.desc(), Organization.name)
    if filters.kind is not None:
        query = query.where(Organization.kind == filters.kind)
    if filters.district:
        query = query.where(Organization.district == filters.district)
    if filters.verified_only:
        query = query.where(Organization.verified.is_(True))
    return query


def update_organization(
    org: Organization,
    *,
    credit_code: str | None,
    district: str | None,
    website: str | None,
    description: str,
    industry: str | None,
) -> None:
    if credit_code and credit_code != org.credit_code:
        clash = db.session.scalar(
            select(Organization).where(
                Organization.credit_code == credit_code, Organization.id != org.id
            )
        )
        if clash is not None:
            raise OrganizationError("该统一社会信用代码已被其他机构使用")
        # A new code must be checked again by staff.
        org.verified = False
    org.credit_code = credit_code or None
    org.district = district or None
    org.website = website or None
    org.description = description
    org.industry = industry or None
    db.session.commit()


def set_verified(org: Organization, verified: bool, actor: User) -> None:
    before = {"verified": org.verified}
    org.verified = verified
    org.verified_at = utcnow() if verified else None
    record_change(
        actor,
        "organization.verify" if verified else "organization.unverify",
        "organization",
        org.id,
        before,
        {"verified": verified},
    )
    db.session.commit()
