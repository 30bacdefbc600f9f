"""GET /api/v1/search: the search page's answer as JSON, readable without a token."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from portal.api.errors import ApiError
from portal.api.fields import Field
from portal.api.routing import PAGING, ApiRoute, ApiSection, QueryParam, Schema
from portal.listings.models import TransferMode
from portal.organizations.models import XIAMEN_DISTRICTS, OrgKind
from portal.search_index.query_args import SearchArgsError, parse_search_args
from portal.search_index.service import run_search

SEARCH_RESULT_FIELDS: dict[str, Field] = {
    "items": Field(
        "array",
        "命中条目：type、id、title、snippet（已转义的 HTML，<mark> 标出命中词）、score",
        nullable=False,
        items="object",
    ),
    "total": Field("integer", "命中总数", nullable=False),
    "page": Field("integer", "页码", nullable=False),
    "per_page": Field("integer", "每页条数", nullable=False),
    "facets": Field(
        "object", "分面计数：字段 -> 取值 -> 条数（doc_type 为各类型条数）", nullable=False
    ),
    "backend": Field(
        "string", "作答的检索后端", nullable=False, enum=("embedded", "elasticsearch")
    ),
    "did_you_mean": Field("string", "无结果时建议的查询词"),
}


def search_items() -> dict[str, Any]:
    try:
        args = parse_search_args(request.args)
    except SearchArgsError as error:
        raise ApiError(400, "invalid_query", _l("搜索参数有误"), error.fields) from error
    answer = run_search(args.query)
    result = answer.result
    return {
        "items": [
            {
                "type": hit.doc_type,
                "id": hit.doc_id,
                "title": hit.title,
                "snippet": hit.snippet,
                "score": hit.score,
            }
            for hit in result.hits
        ],
        "total": result.total,
        "page": args.query.page,
        "per_page": args.query.per_page,
        "facets": result.facets,
        "backend": result.backend,
        "did_you_mean": result.did_you_mean,
    }


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
    QueryParam("transfer_modes", "string", "转化方式（可重复）", tuple(TransferMode)),
    QueryParam("org_kind", "string", "机构类型", tuple(OrgKind)),
    QueryParam("district", "string", "所在区", XIAMEN_DISTRICTS),
    QueryParam("carbon_type", "string", "低碳 / 零碳 / 负碳", ("negative", "zero", "low", "none")),
)

API = ApiSection(
    routes=(
        ApiRoute(
            "GET",
            "/search",
            search_items,
            "全文检索技术、需求和机构",
            "search",
            "none",
            response_schema="SearchResults",
            query=SEARCH_QUERY,
            errors=(400,),
        ),
    ),
    schemas={"SearchResults": Schema(SEARCH_RESULT_FIELDS)},
)
