"""/api/v1/organizations: read by anyone; created by staff, edited by members, deleted by admins."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from flask import request

from portal.api import org_operations
from portal.api.auth import caller, require
from portal.api.errors import ApiError, invalid, not_found
from portal.api.fields import TIMESTAMP_FIELDS, Field, checked_payload, json_body
from portal.api.pagination import paginated
from portal.api.routing import ApiSection, QueryParam, resource_routes, resource_schemas
from portal.extensions import db
from portal.organizations import service
from portal.organizations.models import XIAMEN_DISTRICTS, Organization, OrgKind
from portal.security import Action

ORGANIZATION_FIELDS: dict[str, Field] = {
    "id": Field("integer", "编号", nullable=False, read_only=True),
    "name": Field("string", "机构名称", nullable=False, create_only=True, max_length=200),
    "kind": Field(
        "string", "机构类型", nullable=False, create_only=True, enum=tuple(k.value for k in OrgKind)
    ),
    "credit_code": Field("string", "统一社会信用代码（GB 32100-2015，含校验位）", max_length=18),
    "district": Field("string", "所在区（厦门）", enum=XIAMEN_DISTRICTS),
    "industry": Field("string", "行业", max_length=200),
    "website": Field("string", "网站", format="uri", max_length=300),
    "description": Field("string", "机构简介", max_length=5000),
    "carbon_type": Field("string", "低碳 / 零碳 / 负碳分类", read_only=True),
    "verified": Field("boolean", "已由平台认证", nullable=False, read_only=True),
    "is_demo": Field("boolean", "演示数据", nullable=False, read_only=True),
    **TIMESTAMP_FIELDS,
}


def serialize_organization(org: Organization) -> dict[str, Any]:
    return {
        "id": org.id,
        "name": org.name,
        "kind": org.kind.value,
        "credit_code": org.credit_code,
        "district": org.district,
        "industry": org.industry,
        "website": org.website,
        "description": org.description,
        "carbon_type": org.carbon_type.value if org.carbon_type else None,
        "verified": org.verified,
        "is_demo": org.is_demo,
        "created_at": org.created_at.isoformat(),
        "updated_at": org.updated_at.isoformat(),
    }


def _organization(org_id: int) -> Organization:
    org = db.session.get(Organization, org_id)
    if org is None:
        raise not_found("机构")
    return org


def _check_website(data: dict[str, Any]) -> None:
    website = data.get("website")
    if website and urlparse(website).scheme not in ("http", "https"):
        raise invalid({"website": "网址应以 http:// 或 https:// 开头"})


def _refused(exc: service.OrganizationError) -> ApiError:
    """Service refusals: a clash with existing data is 409, anything else bad input."""
    if isinstance(exc, org_operations.OrganizationConflict):
        return ApiError(409, "conflict", str(exc))
    return invalid({}, str(exc))


def list_items() -> dict[str, Any]:
    kind_arg = request.args.get("kind") or None
    district = request.args.get("district") or None
    if kind_arg is not None and kind_arg not in ORGANIZATION_FIELDS["kind"].enum:
        raise invalid({"kind": "应为以下之一：" + "、".join(OrgKind)})
    if district is not None and district not in XIAMEN_DISTRICTS:
        raise invalid({"district": "应为厦门市的区"})
    filters = service.OrganizationFilter(
        kind=OrgKind(kind_arg) if kind_arg else None,
        district=district,
        verified_only=request.args.get("verified") in ("1", "true"),
    )
    return paginated(service.organizations_query(filters), serialize_organization)


def get_item(item_id: int) -> dict[str, Any]:
    return serialize_organization(_organization(item_id))


def create_item() -> tuple[dict[str, Any], int]:
    require(Action.CREATE_ORGANIZATION)
    data = checked_payload(json_body(), ORGANIZATION_FIELDS, creating=True)
    missing = {name: "必填" for name in ("name", "kind") if not data.get(name)}
    if missing:
        raise invalid(missing)
    _check_website(data)
    try:
        org = org_operations.create_organization(
            caller(),
            name=data["name"],
            kind=OrgKind(data["kind"]),
            credit_code=data.get("credit_code"),
            district=data.get("district"),
            industry=data.get("industry"),
            website=data.get("website"),
            description=data.get("description") or "",
        )
    except service.OrganizationError as exc:
        db.session.rollback()
        raise _refused(exc) from exc
    return serialize_organization(org), 201


def update_item(item_id: int) -> dict[str, Any]:
    org = _organization(item_id)
    require(Action.EDIT_ORGANIZATION, org)
    data = checked_payload(json_body(), ORGANIZATION_FIELDS, creating=False)
    _check_website(data)
    try:
        org_operations.check_district(data.get("district"))
        credit_code = (
            org_operations.checked_credit_code(data["credit_code"], org.id)
            if "credit_code" in data
            else org.credit_code
        )
        service.update_organization(
            org,
            credit_code=credit_code,
            district=data.get("district", org.district),
            website=data.get("website", org.website),
            description=data.get("description", org.description) or "",
            industry=data.get("industry", org.industry),
        )
    except service.OrganizationError as exc:
        db.session.rollback()
        raise _refused(exc) from exc
    return serialize_organization(org)


def delete_item(item_id: int) -> tuple[str, int]:
    org = _organization(item_id)
    require(Action.DELETE_ORGANIZATION, org)
    try:
        org_operations.delete_organization(caller(), org)
    except service.OrganizationError as exc:
        db.session.rollback()
        raise _refused(exc) from exc
    return "", 204


class _Resource:
    """The module's five handlers, as `resource_routes` expects them."""

    list_items = staticmethod(list_items)
    create_item = staticmethod(create_item)
    get_item = staticmethod(get_item)
    update_item = staticmethod(update_item)
    delete_item = staticmethod(delete_item)


ORGANIZATION_QUERY = (
    QueryParam("kind", "string", "机构类型", tuple(OrgKind)),
    QueryParam("district", "string", "所在区", XIAMEN_DISTRICTS),
    QueryParam("verified", "boolean", "只看已认证机构"),
)

API = ApiSection(
    routes=resource_routes(
        "organizations", "organizations", _Resource, "Organization", ORGANIZATION_QUERY, "机构"
    ),
    schemas=resource_schemas("Organization", ORGANIZATION_FIELDS),
)
