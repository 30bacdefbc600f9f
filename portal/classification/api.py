"""JSON API: carbon type and taxonomy areas of a text (POST /api/v1/classify/carbon|area)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal.api.errors import ApiError, invalid
from portal.api.fields import Field, checked_payload, json_body
from portal.api.routing import ApiRoute, ApiSection, Schema
from portal.classification.classifiers import (
    MAX_TEXT_CHARS,
    classify_carbon_text,
    suggest_areas,
)

TEXT_REQUEST_FIELDS: dict[str, Field] = {
    "text": Field(
        "string",
        f"待分类的文本（标题、简介或详细介绍），1-{MAX_TEXT_CHARS} 字",
        nullable=False,
        max_length=MAX_TEXT_CHARS,
    ),
}
CARBON_RESULT_FIELDS: dict[str, Field] = {
    "carbon_type": Field(
        "string",
        "negative 负碳、zero 零碳、low 低碳、none 非低碳类",
        nullable=False,
        enum=("negative", "zero", "low", "none"),
    ),
    "confidence": Field("number", "置信度 0-1：胜出类型所占的份额", nullable=False),
    "reasons": Field("array", "判定依据：命中的关键词、领域、最相近的已标注示例", nullable=False),
}
AREA_RESULT_FIELDS: dict[str, Field] = {
    "candidates": Field(
        "array",
        "候选领域：先为实施方案技术领域（taxonomy=plan）前 3 个，"
        "再为《绿色产业指导目录（2019年版）》二级目录（taxonomy=green-industry-2019）"
        "前 3 个；每项含 taxonomy、code、name、score",
        nullable=False,
        items="object",
    ),
}


def _text_from_request() -> str:
    data = json_body()
    text = data.get("text") if isinstance(data, dict) else None
    if isinstance(text, str) and len(text) > MAX_TEXT_CHARS:
        raise ApiError(
            413, "payload_too_large", _l("text 不超过 %(limit)d 字", limit=MAX_TEXT_CHARS)
        )
    checked = checked_payload(data, TEXT_REQUEST_FIELDS, creating=True)
    text = checked.get("text")
    if not isinstance(text, str) or not text.strip():
        raise invalid({"text": _l("不能为空")})
    return text


def classify_carbon() -> dict[str, Any]:
    result = classify_carbon_text(_text_from_request())
    return {
        "carbon_type": result.carbon_type,
        "confidence": result.confidence,
        "reasons": list(result.reasons),
    }


def classify_area() -> dict[str, Any]:
    return {
        "candidates": [
            {
                "taxonomy": candidate.taxonomy,
                "code": candidate.code,
                "name": candidate.name,
                "score": candidate.score,
            }
            for candidate in suggest_areas(_text_from_request())
        ]
    }


API = ApiSection(
    routes=tuple(
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
            ("carbon", classify_carbon, "文本的低碳类型", "CarbonType"),
            ("area", classify_area, "为文本推荐技术领域", "AreaCandidates"),
        )
    ),
    schemas={
        "ClassifyText": Schema(TEXT_REQUEST_FIELDS, writable_only=True),
        "CarbonType": Schema(CARBON_RESULT_FIELDS),
        "AreaCandidates": Schema(AREA_RESULT_FIELDS),
    },
)
