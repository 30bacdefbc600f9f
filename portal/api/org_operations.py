"""Creating and deleting organizations (staff), for the API and bulk imports.

Registration creates organizations in portal.accounts.service; this module is the
path for staff, with the same uniqueness rules and an audit entry.
"""

from __future__ import annotations

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit.service import record_change
from portal.extensions import db
from portal.listings.models import Need, Technology
from portal.organizations.credit_code import credit_code_error, normalize_credit_code
from portal.organizations.models import XIAMEN_DISTRICTS, Organization, OrgKind
from portal.organizations.service import OrganizationError


class OrganizationConflict(OrganizationError):
    """The change clashes with existing data: a taken name or code, owned listings."""


def organization_by_name(name: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.name == name.strip()))


def _credit_code_clash(code: str, org_id: int | None) -> bool:
    query = select(Organization.id).where(Organization.credit_code == code)
    if org_id is not None:
        query = query.where(Organization.id != org_id)
    return db.session.scalar(query) is not None


def checked_credit_code(raw: str | None, org_id: int | None = None) -> str | None:
    """The normalised code, or OrganizationError when it is invalid or taken."""
    if not raw:
        return None
    code = normalize_credit_code(raw)
    error = credit_code_error(code)
    if error:
        raise OrganizationError(error)
    if _credit_code_clash(code, org_id):
        raise OrganizationConflict("该统一社会信用代码已被其他机构使用")
    return code


def check_district(district: str | None) -> None:
    if district and district not in XIAMEN_DISTRICTS:
        raise OrganizationError("所在区应为厦门市的区：" + "、".join(XIAMEN_DISTRICTS))


def create_organization(
    actor: User,
    *,
    name: str,
    kind: OrgKind,
    credit_code: str | None = None,
    district: str | None = None,
    industry: str | None = None,
    website: str | None = None,
    description: str = "",
    source: str | None = None,
    commit: bool = True,
) -> Organization:
    """Add an organization; `commit=False` lets a bulk import commit all rows at once."""
    name = name.strip()
    if not name:
        raise OrganizationError("请填写机构名称")
    if organization_by_name(name) is not None:
        raise OrganizationConflict(f"机构“{name}”已存在")
    check_district(district)
    org = Organization(
        name=name,
        kind=kind,
        credit_code=checked_credit_code(credit_code),
        district=district or None,
        industry=industry or None,
        website=website or None,
        description=description,
        source=source,
    )
    db.session.add(org)
    db.session.flush()
    record_change(actor, "organization.create", "organization", org.id, None, {"name": name})
    if commit:
        db.session.commit()
    return org


def delete_organization(actor: User, org: Organization) -> None:
    """Delete an organization that owns no listings; its members stay, without one.

    Refusing (rather than cascading) keeps SQLite, which does not enforce foreign
    keys here, from keeping orphaned listings, and keeps a broker from losing
    published content with one call.
    """
    owned = sum(
        db.session.scalar(select(func.count()).where(model.owner_org_id == org.id)) or 0
        for model in (Technology, Need)
    )
    if owned:
        raise OrganizationConflict(f"该机构仍有 {owned} 条成果或需求，请先删除或转移")
    record_change(actor, "organization.delete", "organization", org.id, {"name": org.name}, None)
    db.session.delete(org)
    db.session.commit()
