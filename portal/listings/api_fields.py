"""Fields of technologies, products and needs as the API reads and writes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from portal.api.fields import TIMESTAMP_FIELDS, Field
from portal.listings.kinds import IP_STATUSES, Listing, kind_of
from portal.listings.models import ListingStatus, TechnologyKind, TransferMode

MODES = tuple(mode.value for mode in TransferMode)
STATUSES = tuple(status.value for status in ListingStatus)

COMMON_FIELDS: dict[str, Field] = {
    "id": Field("integer", "编号", nullable=False, read_only=True),
    "title": Field("string", "标题（2-200 字，必填）", nullable=False, max_length=200),
    "summary": Field("string", "摘要（10-500 字，必填）", nullable=False, max_length=500),
    "description": Field("string", "详细介绍", max_length=20000),
    "area": Field("string", "技术领域：方案分类代码（创建时可省略）", max_length=20),
    "industry_area": Field("string", "《绿色产业指导目录（2019年版）》分类代码", max_length=20),
    "keywords": Field("array", "关键词（最多 20 个）"),
    "transfer_modes": Field("array", "转化方式", enum=MODES),
    "contact_name": Field("string", "联系人", max_length=80),
    "contact_email": Field("string", "联系邮箱", format="email", max_length=254),
    "contact_phone": Field("string", "联系电话", max_length=32),
    "expires_at": Field("string", "到期日（留空则发布后 12 个月）", format="date"),
    "status": Field(
        "string",
        "流程状态；PATCH 改变状态：提交 submitted，经纪人发布 published、下架 archived，"
        "或连同 review_comment 退回 draft",
        nullable=False,
        enum=STATUSES,
    ),
    "review_comment": Field("string", "经纪人的修改意见（退回 draft 时填写）", max_length=2000),
    "owner_org_id": Field(
        "integer", "所属机构；默认为调用者的机构，经纪人可代其他机构发布", create_only=True
    ),
    "owner_org_name": Field("string", "所属机构名称", read_only=True),
    "view_count": Field("integer", "浏览次数", nullable=False, read_only=True),
    "published_at": Field("string", "发布时间（UTC）", read_only=True, format="date-time"),
    "is_expired": Field("boolean", "已过期（不再出现在列表中）", nullable=False, read_only=True),
    "is_demo": Field("boolean", "演示数据", nullable=False, read_only=True),
    **TIMESTAMP_FIELDS,
}

TECHNOLOGY_FIELDS: dict[str, Field] = {
    **COMMON_FIELDS,
    "kind": Field(
        "string",
        "类别：技术成果或绿色产品",
        nullable=False,
        create_only=True,
        enum=tuple(kind.value for kind in TechnologyKind),
    ),
    "trl": Field("integer", "技术成熟度 TRL 1-9"),
    "ip_status": Field("string", "知识产权状态", enum=tuple(IP_STATUSES)),
    "patent_numbers": Field("array", "专利号，如 CN115123456A"),
    "price_min": Field("number", "报价下限（万元）"),
    "price_max": Field("number", "报价上限（万元）"),
    "carbon_reduction_amount": Field("number", "预期减碳量"),
    "carbon_reduction_unit": Field("string", "减碳量单位，如 吨CO2/年", max_length=40),
    "carbon_reduction_basis": Field("string", "减碳量测算依据", max_length=2000),
    "advantages": Field("string", "相比现有方案的优势", max_length=5000),
    "application_scenarios": Field("string", "应用场景", max_length=5000),
    "maturity_evidence": Field("string", "成熟度佐证（中试、示范工程、用户）", max_length=5000),
}

NEED_FIELDS: dict[str, Field] = {
    **COMMON_FIELDS,
    "min_trl": Field("integer", "要求的最低技术成熟度 TRL 1-9"),
    "budget_min": Field("number", "预算下限（万元）"),
    "budget_max": Field("number", "预算上限（万元）"),
    "deadline": Field("string", "期望完成日期", format="date"),
    "region": Field("string", "地区", max_length=40),
}

# Fields a PATCH hands to the workflow; the rest go to the shared listing validator.
WORKFLOW_FIELDS = ("status", "review_comment")


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def serialize_listing(listing: Listing, today: date) -> dict[str, Any]:
    """Every declared field of the listing's kind, as JSON values."""
    fields = NEED_FIELDS if kind_of(listing).value == "need" else TECHNOLOGY_FIELDS
    computed = {
        "area": listing.area.code if listing.area else None,
        "industry_area": listing.industry_area.code if listing.industry_area else None,
        "owner_org_name": listing.owner_org.name,
        "is_expired": listing.is_expired(today),
    }
    return {
        name: _json_value(computed[name] if name in computed else getattr(listing, name))
        for name in fields
    }
