"""GET /api/v1/search: the search page's answer as JSON, readable without a token."""

from __future__ import annotations

from typing import Any

from flask import request

from portal.api.errors import ApiError
from portal.api.fields import Field
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
        raise ApiError(400, "invalid_query", "搜索参数有误", error.fields) from error
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
