"""/api/v1/organizations: read by anyone; created by staff, edited by members, deleted by admins."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from portal.api.auth import caller, require
from portal.api.errors import invalid, not_found
from portal.api.fields import (
    TIMESTAMP_FIELDS,
    Field,
    checked_payload,
    json_body,
    json_timestamp,
)
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
        "created_at": json_timestamp(org.created_at),
        "updated_at": json_timestamp(org.updated_at),
    }


def _details(data: dict[str, Any], org: Organization | None = None) -> service.OrganizationDetails:
    """The editable fields from the body; on an update, absent fields keep their values."""

    def value(name: str) -> Any:
        return data.get(name) if org is None or name in data else getattr(org, name)

    return service.OrganizationDetails(
        credit_code=value("credit_code"),
        district=value("district"),
        industry=value("industry"),
        website=value("website"),
        description=value("description") or "",
    )


class OrganizationResource:
    """The five handlers of /api/v1/organizations; the rules are the service's."""

    def _get(self, org_id: int) -> Organization:
        org = db.session.get(Organization, org_id)
        if org is None:
            raise not_found(_l("机构"))
        return org

    def list_items(self) -> dict[str, Any]:
        kind_arg = request.args.get("kind") or None
        district = request.args.get("district") or None
        if kind_arg is not None and kind_arg not in ORGANIZATION_FIELDS["kind"].enum:
            raise invalid({"kind": _l("应为以下之一：%(choices)s", choices="、".join(OrgKind))})
        if district is not None and district not in XIAMEN_DISTRICTS:
            raise invalid({"district": _l("应为厦门市的区")})
        filters = service.OrganizationFilter(
            kind=OrgKind(kind_arg) if kind_arg else None,
            district=district,
            verified_only=request.args.get("verified") in ("1", "true"),
        )
        return paginated(service.organizations_query(filters), serialize_organization)

    def get_item(self, item_id: int) -> dict[str, Any]:
        return serialize_organization(self._get(item_id))

    def create_item(self) -> tuple[dict[str, Any], int]:
        require(Action.CREATE_ORGANIZATION)
        data = checked_payload(json_body(), ORGANIZATION_FIELDS, creating=True)
        missing = {name: _l("必填") for name in ("name", "kind") if not data.get(name)}
        if missing:
            raise invalid(missing)
        org = service.create_organization(
            caller(), name=data["name"], kind=OrgKind(data["kind"]), details=_details(data)
        )
        db.session.commit()
        return serialize_organization(org), 201

    def update_item(self, item_id: int) -> dict[str, Any]:
        org = self._get(item_id)
        require(Action.EDIT_ORGANIZATION, org)
        data = checked_payload(json_body(), ORGANIZATION_FIELDS, creating=False)
        service.update_organization(org, _details(data, org), caller())
        db.session.commit()
        return serialize_organization(org)

    def delete_item(self, item_id: int) -> tuple[str, int]:
        org = self._get(item_id)
        require(Action.DELETE_ORGANIZATION, org)
        service.delete_organization(caller(), org)
        db.session.commit()
        return "", 204


ORGANIZATION_QUERY = (
    QueryParam("kind", "string", "机构类型", tuple(OrgKind)),
    QueryParam("district", "string", "所在区", XIAMEN_DISTRICTS),
    QueryParam("verified", "boolean", "只看已认证机构"),
)

API = ApiSection(
    routes=resource_routes(
        "organizations",
        "organizations",
        OrganizationResource(),
        "Organization",
        ORGANIZATION_QUERY,
        "机构",
    ),
    schemas=resource_schemas("Organization", ORGANIZATION_FIELDS),
)
