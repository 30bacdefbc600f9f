"""/api/v1/patents: list, one patent, the landscape and import, for brokers and admins."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.api.errors import ApiError, invalid, not_found
from portal.api.fields import Field
from portal.api.pagination import paginated
from portal.api.routing import ApiRoute, ApiSection, QueryParam, Schema
from portal.extensions import db
from portal.organizations.models import CarbonType
from portal.patents.access import ensure_patent_staff
from portal.patents.green import inventory
from portal.patents.landscape import Count
from portal.patents.landscape_cache import cached_landscape
from portal.patents.legal_status import LegalStatus
from portal.patents.models import ClassificationScheme, Patent
from portal.patents.query import PatentFilter, parse_filter, patents_query
from portal.patents.service import FileRejected, import_patents
from portal.transactions import unit_of_work

PATENT_FIELDS: dict[str, Field] = {
    "publication_number": Field(
        "string", "公开（公告）号，规范化形式（CN112345678A）", nullable=False
    ),
    "title": Field("string", "标题", nullable=False),
    "applicants": Field("array", "申请人，按导出文件顺序", nullable=False),
    "ipc": Field("array", "IPC 分类号，主分类在前", nullable=False),
    "cpc": Field("array", "CPC 分类号", nullable=False),
    "application_date": Field("string", "申请日", format="date"),
    "application_year": Field("integer", "申请年"),
    "legal_status": Field(
        "string", "法律状态（规范化）", nullable=False, enum=tuple(s.value for s in LegalStatus)
    ),
    "legal_status_source": Field("string", "导出文件中的法律状态原文", nullable=False),
    "patent_type": Field("string", "专利类型", nullable=False),
    "green": Field("boolean", "是否为绿色专利（分类号命中绿色清单）", nullable=False),
    "green_topics": Field("array", "命中的绿色主题名称", nullable=False),
    "carbon_type": Field(
        "string",
        "低碳类型（按标题与摘要分类）：negative 负碳、zero 零碳、low 低碳、none 非低碳类",
        enum=tuple(t.value for t in CarbonType),
    ),
    "plan_area": Field("string", "规划领域代码（按标题与摘要中的领域关键词），无则为 null"),
}
LANDSCAPE_FIELDS: dict[str, Field] = {
    name: Field("array", description, nullable=False, items="object")
    for name, description in (
        ("by_year", "按申请年的件数；incomplete 表示仍在 18 个月公开滞后期内"),
        ("top_applicants", "主要申请人及件数"),
        ("topics", "绿色主题及件数"),
        ("regions", "厦门 / 福建其他地区 / 中国其他地区 / 境外 / 不详"),
        ("legal_status", "法律状态构成"),
        ("patent_types", "专利类型构成"),
    )
}
LANDSCAPE_FIELDS["network"] = Field(
    "object",
    "共同申请网络：nodes（name、filings）与 edges（source、target、count）",
    nullable=False,
)
LANDSCAPE_FIELDS["total"] = Field("integer", "件数", nullable=False)
LANDSCAPE_FIELDS["life_cycle"] = Field(
    "array",
    "技术生命周期：每个申请年的 year、filings（申请量）、applicants（申请人数）、incomplete",
    nullable=False,
    items="object",
)
LANDSCAPE_FIELDS["growth"] = Field(
    "object",
    "近五个完整年度的申请量复合年增长率：first_year、last_year 与 rows"
    "（topic 为空表示全部所选专利；first、last 为首末年件数；rate 为小数，首年为 0 时为 null）",
    nullable=False,
)
IMPORT_FIELDS: dict[str, Field] = {
    "imported": Field("integer", "新增专利件数；有被拒行时为 0", nullable=False),
    "merged": Field("integer", "并入文件中另一行或已存专利的行数", nullable=False),
    "rejected": Field("array", "被拒的行：row、column、reason", nullable=False, items="object"),
}


def serialize_patent(patent: Patent) -> dict[str, Any]:
    topics = inventory().topics
    return {
        "publication_number": patent.publication_number,
        "title": patent.title,
        "applicants": [a.name for a in patent.applicants],
        "ipc": patent.codes(ClassificationScheme.IPC),
        "cpc": patent.codes(ClassificationScheme.CPC),
        "application_date": patent.application_date.isoformat()
        if patent.application_date
        else None,
        "application_year": patent.application_year,
        "legal_status": patent.legal_status.value,
        "legal_status_source": patent.legal_status_source,
        "patent_type": patent.patent_type.value,
        "green": patent.is_green,
        "green_topics": [topics[k].name_zh for k in patent.green_topics if k in topics],
        "carbon_type": patent.carbon_type.value if patent.carbon_type else None,
        "plan_area": patent.plan_area,
    }


def _filters() -> PatentFilter:
    ensure_patent_staff(current_user)
    try:
        return parse_filter(request.args)
    except ValueError as exc:
        raise invalid({"filter": _l("筛选条件无效：%(reason)s", reason=str(exc))}) from exc


def list_patents() -> dict[str, Any]:
    query = patents_query(_filters()).options(
        selectinload(Patent.applicants), selectinload(Patent.classifications)
    )
    return paginated(query, serialize_patent)


def get_patent(publication_number: str) -> dict[str, Any]:
    ensure_patent_staff(current_user)
    patent = db.session.scalar(
        select(Patent).where(Patent.publication_number == publication_number.upper()[:30])
    )
    if patent is None:
        raise not_found(_l("专利"))
    return serialize_patent(patent)


def _rows(counts: list[Count]) -> list[dict[str, Any]]:
    return [{"key": c.key, "count": c.count, "incomplete": c.incomplete} for c in counts]


def patent_landscape() -> dict[str, Any]:
    result = cached_landscape(_filters())
    return {
        "total": result.total,
        "by_year": _rows(result.by_year),
        "top_applicants": _rows(result.top_applicants),
        "topics": _rows(result.topics),
        "regions": _rows(result.regions),
        "legal_status": _rows(result.legal_status),
        "patent_types": _rows(result.patent_types),
        "ipc_groups": _rows(result.ipc_groups),
        "xiamen_share": result.xiamen_share,
        "life_cycle": [
            {
                "year": y.year,
                "filings": y.filings,
                "applicants": y.applicants,
                "incomplete": y.incomplete,
            }
            for y in result.life_cycle
        ],
        "growth": {
            "first_year": result.growth_years[0],
            "last_year": result.growth_years[1],
            "rows": [
                {"topic": g.key, "first": g.first, "last": g.last, "rate": g.rate}
                for g in result.growth
            ],
        },
        "network": {
            "nodes": [{"name": n.key, "filings": n.count} for n in result.network_nodes],
            "edges": [
                {"source": e.source, "target": e.target, "count": e.count}
                for e in result.network_edges
            ],
        },
    }


def import_file() -> tuple[dict[str, Any], int]:
    ensure_patent_staff(current_user)
    # Raised before anything reads the body: larger uploads get 413.
    request.max_content_length = current_app.config["MAX_UPLOAD_LENGTH"]
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise invalid({"file": _l("请在 file 字段上传 CSV 或 Excel 文件")})
    try:
        with unit_of_work() as session:
            report = import_patents(upload.filename, upload.read())
            if report.rejected:
                session.rollback()
    except FileRejected as exc:
        raise ApiError(422, "invalid_file", str(exc)) from exc
    body = report.as_json()
    return body, 422 if report.rejected else 200


_TAG_PARAMS = (
    QueryParam("carbon_type", "string", "低碳类型", tuple(t.value for t in CarbonType)),
    QueryParam("area", "string", "规划领域代码（如 A01.01）"),
)

API = ApiSection(
    routes=(
        ApiRoute(
            "GET",
            "/patents",
            list_patents,
            "专利列表",
            "patents",
            "required",
            response_schema="Patent",
            is_list=True,
            query=(
                QueryParam("q", "string", "标题、摘要中的词或公开号"),
                QueryParam("topic", "string", "绿色主题"),
                QueryParam("green", "boolean", "只看（或排除）绿色专利"),
                QueryParam("applicant", "string", "申请人"),
                QueryParam("status", "string", "法律状态", tuple(s.value for s in LegalStatus)),
                *_TAG_PARAMS,
            ),
            errors=(401, 403, 422),
        ),
        ApiRoute(
            "GET",
            "/patents/landscape",
            patent_landscape,
            "专利导航统计",
            "patents",
            "required",
            response_schema="PatentLandscape",
            query=(
                QueryParam("q", "string", "标题、摘要中的词或公开号"),
                QueryParam("topic", "string", "绿色主题"),
                QueryParam("applicant", "string", "申请人"),
                *_TAG_PARAMS,
            ),
            errors=(401, 403, 422),
        ),
        ApiRoute(
            "GET",
            "/patents/<publication_number>",
            get_patent,
            "一件专利",
            "patents",
            "required",
            response_schema="Patent",
            errors=(401, 403, 404),
        ),
        ApiRoute(
            "POST",
            "/patents/import",
            import_file,
            "导入专利导出文件（multipart，字段 file）",
            "patents",
            "required",
            response_schema="PatentImport",
            errors=(400, 401, 403, 413, 422),
        ),
    ),  # fmt: skip
    schemas={
        "Patent": Schema(PATENT_FIELDS),
        "PatentLandscape": Schema(LANDSCAPE_FIELDS),
        "PatentImport": Schema(IMPORT_FIELDS),
    },
)
