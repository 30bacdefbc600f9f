"""/api/v1/technologies and /api/v1/needs: thin handlers over portal.listings.service."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from portal.accounts.models import User
from portal.api.auth import TOKEN_REQUIRED, caller, require
from portal.api.errors import ApiError, invalid, not_found
from portal.api.fields import Field, checked_payload, json_body
from portal.api.pagination import paginated
from portal.api.routing import ApiSection, QueryParam, resource_routes, resource_schemas
from portal.extensions import db
from portal.listings import service as listings_service
from portal.listings.api_fields import (
    MODES,
    NEED_FIELDS,
    STATUSES,
    TECHNOLOGY_FIELDS,
    WORKFLOW_FIELDS,
    serialize_listing,
)
from portal.listings.kinds import Listing, ListingKind
from portal.listings.models import ListingStatus
from portal.listings.query import ListingFilter, listings_query, parse_listing_filter
from portal.model_mixins import utcnow
from portal.organizations.models import XIAMEN_DISTRICTS, Organization, OrgKind
from portal.security import Action, can


def visible_filter(filters: ListingFilter, user: User | None) -> ListingFilter:
    """Unpublished states are listed for staff, and for everyone else their own only."""
    if filters.status in (None, ListingStatus.PUBLISHED) or can(user, Action.VIEW_UNPUBLISHED):
        return filters
    if user is None:
        raise ApiError(401, "unauthorized", _l("查看未发布的信息需要令牌"))
    if user.organization_id is None:
        raise ApiError(403, "forbidden", _l("您没有权限查看未发布的信息"))
    return replace(filters, owner_org_id=user.organization_id)


def serialized(listing: Listing) -> dict[str, Any]:
    """The listing as the caller may read it: contacts only for those allowed to see them."""
    return serialize_listing(
        listing, utcnow().date(), show_contact=can(caller(), Action.VIEW_CONTACT, listing)
    )


def listing_filter_from_args(args: Any, user: User | None) -> ListingFilter:
    """The list filters of the pages (`org` among them); 422 names bad ones."""
    filters, errors = parse_listing_filter(args)
    if errors:
        raise invalid(errors, _l("筛选条件有误"))
    return visible_filter(filters, user)


class ListingResource:
    """The five handlers of one listing collection (technologies also hold products)."""

    def __init__(self, default_kind: ListingKind, fields: dict[str, Field], noun: Any) -> None:
        self.default_kind = default_kind
        self.fields = fields
        self.noun = noun

    @property
    def model(self) -> Any:
        return self.default_kind.model

    def _get(self, item_id: int) -> Listing:
        """The listing; one that exists unpublished is, to those who may not see it, not found
        (a 401 or 403 would tell outsiders which ids hold drafts)."""
        listing = db.session.get(self.model, item_id)
        if listing is None or (
            listing.status is not ListingStatus.PUBLISHED
            and not can(caller(), Action.VIEW_UNPUBLISHED, listing)
        ):
            raise not_found(self.noun)
        return listing

    def _user(self) -> User:
        user = caller()
        if user is None:
            raise ApiError(401, "unauthorized", TOKEN_REQUIRED)
        return user

    def list_items(self) -> dict[str, Any]:
        filters = listing_filter_from_args(request.args, caller())
        if self.default_kind is ListingKind.NEED and filters.kind is not None:
            raise invalid({"kind": _l("需求没有类别")}, _l("筛选条件有误"))
        today = utcnow().date()
        query = listings_query(self.model, filters, today)
        return paginated(query, serialized)

    def get_item(self, item_id: int) -> dict[str, Any]:
        return serialized(self._get(item_id))

    def create_item(self) -> tuple[dict[str, Any], int]:
        user = self._user()
        data = checked_payload(json_body(), self.fields, creating=True)
        if "status" in data or "review_comment" in data:
            raise invalid({"status": _l("新建的信息总是草稿，请创建后再提交")})
        kind = ListingKind(data.pop("kind", None) or self.default_kind)
        owner = None
        if data.get("owner_org_id") is not None:
            owner = db.session.get(Organization, data["owner_org_id"])
            if owner is None:
                raise invalid({"owner_org_id": _l("机构不存在")})
        data.pop("owner_org_id", None)
        listing = listings_service.create_listing(kind, data, user, owner=owner)
        db.session.commit()
        return serialized(listing), 201

    def update_item(self, item_id: int) -> dict[str, Any]:
        user = self._user()
        listing = self._get(item_id)
        data = checked_payload(json_body(), self.fields, creating=False)
        workflow = {name: data.pop(name) for name in WORKFLOW_FIELDS if name in data}
        if "review_comment" in workflow and workflow.get("status") != ListingStatus.DRAFT:
            raise invalid({"review_comment": _l("只在退回草稿（status: draft）时填写")})
        require(Action.EDIT_LISTING, listing)
        # One commit for the fields and the status change: both apply or neither does.
        if data:
            listings_service.update_listing(listing, data, user)
        if "status" in workflow:
            listings_service.change_status(
                listing, workflow["status"], user, comment=workflow.get("review_comment")
            )
        db.session.commit()
        return serialized(listing)

    def delete_item(self, item_id: int) -> tuple[str, int]:
        user = self._user()
        listing = self._get(item_id)
        require(Action.EDIT_LISTING, listing)
        listings_service.delete_listing(listing, user)
        db.session.commit()
        return "", 204


technologies = ListingResource(ListingKind.TECHNOLOGY, TECHNOLOGY_FIELDS, _l("技术成果"))
needs = ListingResource(ListingKind.NEED, NEED_FIELDS, _l("需求"))


LISTING_QUERY = (
    QueryParam("area", "string", "方案技术领域代码（行动代码包含其下领域）"),
    QueryParam("trl_min", "integer", "最低 TRL（需求：所要求的成熟度）"),
    QueryParam("trl_max", "integer", "最高 TRL"),
    QueryParam("transfer_mode", "string", "转化方式", MODES),
    QueryParam("org_kind", "string", "机构类型", tuple(OrgKind)),
    QueryParam("district", "string", "所在区", XIAMEN_DISTRICTS),
    QueryParam("org", "integer", "所属机构编号"),
    QueryParam(
        "status", "string", "状态；未发布的状态只列出自己机构的（经纪人可见全部）", STATUSES
    ),
    QueryParam("sort", "string", "排序：newest 最新，views 最多浏览", ("newest", "views")),
)
TECHNOLOGY_QUERY = (
    QueryParam("kind", "string", "类别", ("technology", "product")),
    *LISTING_QUERY,
)

API = ApiSection(
    routes=(
        *resource_routes(
            "technologies",
            "technologies",
            technologies,
            "Technology",
            TECHNOLOGY_QUERY,
            "技术成果或产品",
        ),
        *resource_routes("needs", "needs", needs, "Need", LISTING_QUERY, "技术需求"),
    ),
    schemas={
        **resource_schemas("Technology", TECHNOLOGY_FIELDS),
        **resource_schemas("Need", NEED_FIELDS),
    },
)
