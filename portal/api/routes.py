"""The API's route table: the one list both the URL map and the OpenAPI document read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint

from portal.api import organizations
from portal.api.fields import Fields
from portal.api.listing_fields import MODES, NEED_FIELDS, STATUSES, TECHNOLOGY_FIELDS
from portal.api.listings import needs, technologies
from portal.classification import api as classification_api
from portal.matches.api import MATCH_LIST_FIELDS, need_matches, technology_matches
from portal.search_index.api import SEARCH_RESULT_FIELDS, search_items


@dataclass(frozen=True)
class QueryParam:
    name: str
    type: str
    description: str
    enum: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ApiRoute:
    method: str
    rule: str  # Flask rule relative to /api/v1, e.g. "/needs/<int:item_id>"
    view: Callable[..., Any]
    summary: str
    tag: str
    auth: str  # "none": public; "optional": more with a token; "required"
    request_schema: str | None = None
    response_schema: str | None = None
    is_list: bool = False
    query: tuple[QueryParam, ...] = ()
    success: int = 200
    errors: tuple[int, ...] = ()

    @property
    def endpoint(self) -> str:
        return f"{self.tag}_{self.view.__name__}"


@dataclass(frozen=True)
class Schema:
    """A component schema: the resource's fields, shown whole or as a request body."""

    fields: Fields
    writable_only: bool = False
    creating: bool = False


API_PREFIX = "/api/v1"

PAGING = (
    QueryParam("page", "integer", "页码，从 1 开始"),
    QueryParam("per_page", "integer", "每页条数，默认 20，最多 100"),
)
WRITE_ERRORS = (400, 401, 403, 413, 415, 422)


def resource_routes(
    tag: str,
    collection: str,
    resource: Any,
    name: str,
    list_query: tuple[QueryParam, ...],
    noun: str,
) -> list[ApiRoute]:
    """The five routes of a resource module (list_items, create_item, get_item,
    update_item, delete_item): list, create, get, update (PATCH), delete."""
    item = f"/{collection}/<int:item_id>"
    return [
        ApiRoute(
            "GET",
            f"/{collection}",
            resource.list_items,
            f"{noun}列表",
            tag,
            "optional",
            response_schema=name,
            is_list=True,
            query=PAGING + list_query,
            errors=(422,),
        ),
        ApiRoute(
            "POST",
            f"/{collection}",
            resource.create_item,
            f"新建{noun}",
            tag,
            "required",
            request_schema=f"{name}Create",
            response_schema=name,
            success=201,
            errors=(*WRITE_ERRORS, 409),
        ),
        ApiRoute(
            "GET",
            item,
            resource.get_item,
            f"{noun}详情",
            tag,
            "optional",
            response_schema=name,
            errors=(401, 404),
        ),
        ApiRoute(
            "PATCH",
            item,
            resource.update_item,
            f"修改{noun}",
            tag,
            "required",
            request_schema=f"{name}Update",
            response_schema=name,
            errors=(*WRITE_ERRORS, 404, 409),
        ),
        ApiRoute(
            "DELETE",
            item,
            resource.delete_item,
            f"删除{noun}",
            tag,
            "required",
            success=204,
            errors=(401, 403, 404, 409),
        ),
    ]


def resource_schemas(name: str, fields: Fields) -> dict[str, Schema]:
    return {
        name: Schema(fields),
        f"{name}Create": Schema(fields, writable_only=True, creating=True),
        f"{name}Update": Schema(fields, writable_only=True),
    }


LISTING_QUERY = (
    QueryParam("area", "string", "方案技术领域代码（行动代码包含其下领域）"),
    QueryParam("trl_min", "integer", "最低 TRL（需求：所要求的成熟度）"),
    QueryParam("trl_max", "integer", "最高 TRL"),
    QueryParam("transfer_mode", "string", "转化方式", MODES),
    QueryParam("org_kind", "string", "机构类型", tuple(organizations.OrgKind)),
    QueryParam("district", "string", "所在区", organizations.XIAMEN_DISTRICTS),
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

ORGANIZATION_QUERY = (
    QueryParam("kind", "string", "机构类型", tuple(organizations.OrgKind)),
    QueryParam("district", "string", "所在区", organizations.XIAMEN_DISTRICTS),
    QueryParam("verified", "boolean", "只看已认证机构"),
)

SEARCH_QUERY = (
    QueryParam("q", "string", "查询词（超过 200 字截断；为空时按最新浏览）"),
    QueryParam("type", "string", "类型", ("technology", "need", "organization")),
    *PAGING,
    QueryParam("mode", "string", "排序方式", ("hybrid", "lexical", "vector")),
    QueryParam("area", "string", "方案技术领域代码（可重复）"),
    QueryParam("area_action", "string", "方案行动代码（可重复）"),
    QueryParam("kind", "string", "技术或产品", ("technology", "product")),
    QueryParam("trl", "integer", "成熟度（可重复）"),
    QueryParam("trl_min", "integer", "最低 TRL"),
    QueryParam("trl_max", "integer", "最高 TRL"),
    QueryParam("transfer_modes", "string", "转化方式（可重复）", MODES),
    QueryParam("org_kind", "string", "机构类型", tuple(organizations.OrgKind)),
    QueryParam("district", "string", "所在区", organizations.XIAMEN_DISTRICTS),
    QueryParam("carbon_type", "string", "低碳 / 零碳 / 负碳", ("negative", "zero", "low", "none")),
)

MATCH_QUERY = (QueryParam("limit", "integer", "返回条数，默认 10，最多 50"),)


def openapi_json() -> dict[str, Any]:
    from portal.api.openapi import openapi_document

    return openapi_document(ROUTES, SCHEMAS, server_url=API_PREFIX)


ROUTES: list[ApiRoute] = [
    *resource_routes(
        "technologies",
        "technologies",
        technologies,
        "Technology",
        TECHNOLOGY_QUERY,
        "技术成果或产品",
    ),
    *resource_routes("needs", "needs", needs, "Need", LISTING_QUERY, "技术需求"),
    *resource_routes(
        "organizations", "organizations", organizations, "Organization", ORGANIZATION_QUERY, "机构"
    ),
    ApiRoute(
        "GET", "/search", search_items, "全文检索技术、需求和机构", "search", "none",
        response_schema="SearchResults", query=SEARCH_QUERY, errors=(400,),
    ),
    *(
        ApiRoute(
            "POST",
            f"/classify/{name}",
            view,
            summary,
            "classification",
            "none",
            request_schema="ClassifyText",
            response_schema=schema,
            errors=(400, 413, 415, 422),
        )
        for name, view, summary, schema in (
            ("carbon", classification_api.classify_carbon, "文本的低碳类型", "CarbonType"),
            ("area", classification_api.classify_area, "为文本推荐技术领域", "AreaCandidates"),
        )
    ),
    ApiRoute(
        "GET", "/needs/<int:item_id>/matches", need_matches, "需求的匹配技术（附解释）", "matches",
        "optional", response_schema="MatchList", query=MATCH_QUERY, errors=(404, 422),
    ),
    ApiRoute(
        "GET", "/technologies/<int:item_id>/matches", technology_matches,
        "技术的匹配需求（发布方和经纪人可见）", "matches", "required",
        response_schema="MatchList", query=MATCH_QUERY, errors=(401, 403, 404, 422),
    ),
    ApiRoute("GET", "/openapi.json", openapi_json, "本接口的 OpenAPI 3 文档", "meta", "none"),
]

SCHEMAS: dict[str, Schema] = {
    **resource_schemas("Technology", TECHNOLOGY_FIELDS),
    **resource_schemas("Need", NEED_FIELDS),
    **resource_schemas("Organization", organizations.ORGANIZATION_FIELDS),
    "ClassifyText": Schema(classification_api.TEXT_REQUEST_FIELDS, writable_only=True),
    "CarbonType": Schema(classification_api.CARBON_RESULT_FIELDS),
    "AreaCandidates": Schema(classification_api.AREA_RESULT_FIELDS),
    "SearchResults": Schema(SEARCH_RESULT_FIELDS),
    "MatchList": Schema(MATCH_LIST_FIELDS),
}


def register_routes(bp: Blueprint) -> None:
    for route in ROUTES:
        bp.add_url_rule(route.rule, route.endpoint, route.view, methods=[route.method])
