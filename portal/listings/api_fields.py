"""Fields of technologies, products and needs as the API reads and writes them.

The input fields come from the field specification (`portal.listings.fields`), so the API schema
states the same limits, choices and wording as the form, and their values are checked by the
same validator; only identity, workflow and counters are declared here.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import LazyString

from portal.api.fields import TIMESTAMP_FIELDS, Field, json_timestamp
from portal.listings.fields import CONTACT_FIELDS, ListingField, fields_for
from portal.listings.kinds import Listing, ListingKind, kind_of
from portal.listings.models import ListingStatus, TechnologyKind, TransferMode

MODES = tuple(mode.value for mode in TransferMode)
STATUSES = tuple(status.value for status in ListingStatus)


def _description(spec: ListingField) -> str:
    parts = [str(spec.label)]
    if spec.required:
        parts.append("必填")
    if spec.max_length and spec.json_type == "string":
        parts.append(f"最多 {spec.max_length} 字")
    if spec.help:
        parts.append(str(spec.help))
    return "；".join(parts)


def _described(spec: ListingField) -> LazyString:
    """The API's description of a specified field: its label, limits and help text, rendered
    when the OpenAPI document is (the labels are translated strings)."""
    return LazyString(_description, spec)


def _api_field(spec: ListingField) -> Field:
    return Field(
        spec.json_type,
        _described(spec),
        nullable=not spec.required,
        enum=tuple(spec.choices) if spec.choices else None,
        format=spec.json_format,
        max_length=spec.max_length if spec.json_type == "string" else None,
        checked_by_domain=True,
    )


def _specified(kind: ListingKind) -> dict[str, Field]:
    return {spec.name: _api_field(spec) for spec in fields_for(kind)}


# Fields outside the input specification: identity, workflow, ownership and counters.
RECORD_FIELDS: dict[str, Field] = {
    "id": Field("integer", "编号", nullable=False, read_only=True),
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
    **RECORD_FIELDS,
    "kind": Field(
        "string",
        "类别：技术成果或绿色产品",
        nullable=False,
        create_only=True,
        enum=tuple(kind.value for kind in TechnologyKind),
    ),
    **_specified(ListingKind.TECHNOLOGY),
}

NEED_FIELDS: dict[str, Field] = {**RECORD_FIELDS, **_specified(ListingKind.NEED)}

# Fields a PATCH hands to the workflow; the rest go to the shared listing validator.
WORKFLOW_FIELDS = ("status", "review_comment")


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return json_timestamp(value)
    if hasattr(value, "isoformat"):  # dates
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def serialize_listing(listing: Listing, today: date, *, show_contact: bool) -> dict[str, Any]:
    """Every declared field of the listing's kind, as JSON values; the contact fields are null
    unless `show_contact` (the caller may see them: Action.VIEW_CONTACT)."""
    fields = NEED_FIELDS if kind_of(listing).value == "need" else TECHNOLOGY_FIELDS
    computed = {
        "area": listing.area.code if listing.area else None,
        "industry_area": listing.industry_area.code if listing.industry_area else None,
        "owner_org_name": listing.owner_org.name,
        "is_expired": listing.is_expired(today),
    }
    if not show_contact:
        computed.update(dict.fromkeys(CONTACT_FIELDS))
    return {
        name: _json_value(computed[name] if name in computed else getattr(listing, name))
        for name in fields
    }
