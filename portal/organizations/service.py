"""The organization rules, each written once; the pages, the API, registration and bulk
imports all call them.

Names are required and unique; a credit code is normalised, checked (GB 32100-2015 check
digit) and unique; a district is one of Xiamen's; a website is an http(s) address; any change
to a verified organization's public fields sends it back to verification. Membership (joining,
approval, removal) is in ``membership``. Refusals are domain errors
naming the field (``ValidationFailed``) or the clash (``Conflict``). Like every service here,
these flush and leave the commit to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from portal.accounts.models import User
from portal.audit.service import record_change
from portal.domain_errors import Conflict, ValidationFailed
from portal.extensions import db
from portal.listings.models import Need, Technology
from portal.model_mixins import utcnow
from portal.organizations.credit_code import credit_code_error, normalize_credit_code
from portal.organizations.models import XIAMEN_DISTRICTS, Organization, OrgKind


@dataclass(frozen=True)
class OrganizationFilter:
    kind: OrgKind | None = None
    district: str | None = None
    verified_only: bool = False


@dataclass(frozen=True)
class OrganizationDetails:
    """The fields a member may edit (and a creator may give)."""

    credit_code: str | None = None
    district: str | None = None
    industry: str | None = None
    website: str | None = None
    description: str = ""


def organizations_query(filters: OrganizationFilter) -> Select[tuple[Organization]]:
    query = select(Organization).order_by(Organization.verified.desc(), Organization.name)
    if filters.kind is not None:
        query = query.where(Organization.kind == filters.kind)
    if filters.district:
        query = query.where(Organization.district == filters.district)
    if filters.verified_only:
        query = query.where(Organization.verified.is_(True))
    return query


def organization_by_name(name: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.name == name.strip()))


def _checked_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": _l("请填写机构名称")})
    if organization_by_name(name) is not None:
        raise Conflict(_l("机构“%(name)s”已存在", name=name[:60]), code="name_taken")
    return name


def _checked_credit_code(raw: str | None, org_id: int | None) -> str | None:
    if not raw:
        return None
    code = normalize_credit_code(raw)
    if error := credit_code_error(code):
        raise ValidationFailed({"credit_code": error})
    clash = select(Organization.id).where(Organization.credit_code == code)
    if org_id is not None:
        clash = clash.where(Organization.id != org_id)
    if db.session.scalar(clash) is not None:
        raise Conflict(_l("该统一社会信用代码已被其他机构使用"), code="credit_code_taken")
    return code


def _checked_details(details: OrganizationDetails, org_id: int | None) -> OrganizationDetails:
    if details.district and details.district not in XIAMEN_DISTRICTS:
        raise ValidationFailed(
            {
                "district": _l(
                    "所在区应为厦门市的区：%(districts)s", districts="、".join(XIAMEN_DISTRICTS)
                )
            }
        )
    website = (details.website or "").strip() or None
    if website is not None:
        parsed = urlparse(website)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValidationFailed({"website": _l("网址应以 http:// 或 https:// 开头")})
    return OrganizationDetails(
        credit_code=_checked_credit_code(details.credit_code, org_id),
        district=details.district or None,
        industry=(details.industry or "").strip() or None,
        website=website,
        description=details.description or "",
    )


def create_organization(
    actor: User | None,
    *,
    name: str,
    kind: OrgKind,
    details: OrganizationDetails | None = None,
    source: str | None = None,
) -> Organization:
    """A new organization, by staff, an import or a registering member (``actor`` None)."""
    name = _checked_name(name)
    checked = _checked_details(details or OrganizationDetails(), None)
    org = Organization(
        name=name,
        kind=kind,
        credit_code=checked.credit_code,
        district=checked.district,
        industry=checked.industry,
        website=checked.website,
        description=checked.description,
        source=source,
    )
    db.session.add(org)
    db.session.flush()
    if actor is not None:
        record_change(actor, "organization.create", "organization", org.id, None, {"name": name})
    return org


def update_organization(
    org: Organization, details: OrganizationDetails, actor: User | None = None
) -> None:
    """Change the editable fields. They are all public (the organization's page shows them
    under the verified badge), so changing any of them on a verified organization sends it
    back to verification; that is audited."""
    checked = _checked_details(details, org.id)
    changed = {
        name: getattr(checked, name)
        for name in ("credit_code", "district", "industry", "website", "description")
        if getattr(checked, name) != getattr(org, name)
    }
    if changed and org.verified:
        org.verified = False
        org.verified_at = None
        record_change(
            actor,
            "organization.unverify",
            "organization",
            org.id,
            {"verified": True},
            {"verified": False, "edited": sorted(changed)},
        )
    for name, value in changed.items():
        setattr(org, name, value)
    db.session.flush()


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
    db.session.flush()


def delete_organization(actor: User, org: Organization) -> None:
    """Delete an organization that owns no listings; its members stay, without one.

    Refusing (rather than cascading) keeps SQLite, which does not enforce foreign keys here,
    from keeping orphaned listings, and keeps a broker from losing published content at once.
    """
    owned = sum(
        db.session.scalar(select(func.count()).where(model.owner_org_id == org.id)) or 0
        for model in (Technology, Need)
    )
    if owned:
        raise Conflict(
            _l("该机构仍有 %(count)d 条成果或需求，请先删除或转移", count=owned),
            code="has_listings",
        )
    record_change(actor, "organization.delete", "organization", org.id, {"name": org.name}, None)
    db.session.delete(org)
    db.session.flush()
