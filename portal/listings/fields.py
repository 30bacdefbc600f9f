"""The listing field specification: one row per input field, read by everything that handles one.

Each `ListingField` says what the field is called and stored as, which kinds of listing have it,
how its value is parsed and limited, the label and help text people read, its JSON type for the
API, the form widget, and the column headers spreadsheets use for it. The validator
(`portal.listings.validation`), the API schema (`portal.listings.api_fields`), the posting forms
(`portal.listings.forms`) and the import and export columns (`portal.imports.columns`) are all
built from this table, so a field's length, choices and wording are written once.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.listings import parsers
from portal.listings.kinds import IP_STATUSES, TRANSFER_MODE_LABELS, ListingKind
from portal.taxonomy.models import GREEN_INDUSTRY_TAXONOMY, PLAN_TAXONOMY

CATALOGUE = frozenset({ListingKind.TECHNOLOGY, ListingKind.PRODUCT})
NEEDS = frozenset({ListingKind.NEED})
ALL_KINDS = CATALOGUE | NEEDS


class Widget(enum.StrEnum):
    """How the posting form shows a field."""

    TEXT = "text"
    TEXTAREA = "textarea"
    NUMBER = "number"
    DATE = "date"
    SELECT = "select"  # choices from `choices`, or the taxonomy for area fields
    TRL = "trl"  # the TRL levels with their one-line explanations
    CHECKBOXES = "checkboxes"


@dataclass(frozen=True)
class ListingField:
    name: str  # input name: form field, API field and import column
    kinds: frozenset[ListingKind]
    label: Any  # lazy gettext string
    parse: parsers.Parser
    json_type: str  # JSON Schema type in the API: string, integer, number, array
    widget: Widget = Widget.TEXT
    attr: str | None = None  # model attribute, when it differs from `name`
    required: bool = False
    empty: Any = None  # the stored value when the field is left empty
    help: Any = None  # the form's help text, also in the API description
    max_length: int | None = None
    choices: Mapping[str, Any] | None = None  # stored code -> label
    json_format: str | None = None  # "date", "email"
    rows: int | None = None  # text area height
    headers: tuple[str, ...] = ()  # spreadsheet column names, the first one written by exports

    @property
    def model_attr(self) -> str:
        return self.attr or self.name


def _text_field(
    name: str,
    kinds: frozenset[ListingKind],
    label: Any,
    max_length: int,
    *,
    min_length: int = 0,
    **spec: Any,
) -> ListingField:
    return ListingField(
        name,
        kinds,
        label,
        parsers.text(max_length, min_length),
        "string",
        max_length=max_length,
        **spec,
    )


def _amount_field(
    name: str, kinds: frozenset[ListingKind], label: Any, **spec: Any
) -> ListingField:
    return ListingField(name, kinds, label, parsers.amount, "number", Widget.NUMBER, **spec)


FIELDS: tuple[ListingField, ...] = (
    _text_field(
        "title",
        ALL_KINDS,
        _l("标题"),
        200,
        min_length=2,
        required=True,
        help=_l("一句话说清是什么，200 字以内"),
        headers=("标题", "名称", "成果名称", "技术名称", "产品名称", "需求名称", "项目名称"),
    ),
    _text_field(
        "summary",
        ALL_KINDS,
        _l("摘要"),
        500,
        min_length=10,
        required=True,
        widget=Widget.TEXTAREA,
        rows=3,
        help=_l("10-500 字，列表和搜索结果中显示"),
        headers=("摘要", "简介", "概述", "成果简介", "需求简介", "绿色设计亮点"),
    ),
    _text_field(
        "description",
        ALL_KINDS,
        _l("详细介绍"),
        20000,
        empty="",
        widget=Widget.TEXTAREA,
        rows=8,
        headers=("详细介绍", "详细描述", "描述", "需求描述", "技术说明"),
    ),
    ListingField(
        "area",
        ALL_KINDS,
        _l("技术领域（实施方案）"),
        parsers.area(PLAN_TAXONOMY),
        "string",
        Widget.SELECT,
        attr="area_id",
        max_length=20,
        help=_l("按《厦门市科技支撑碳达峰碳中和实施方案》的重点行动分组"),
        headers=("领域代码", "技术领域", "领域"),
    ),
    ListingField(
        "industry_area",
        ALL_KINDS,
        _l("绿色产业指导目录类别"),
        parsers.area(GREEN_INDUSTRY_TAXONOMY),
        "string",
        Widget.SELECT,
        attr="industry_area_id",
        max_length=20,
        help=_l("《绿色产业指导目录（2019年版）》中的类别，可选"),
        headers=("产业目录代码", "绿色产业目录", "绿色产业指导目录"),
    ),
    ListingField(
        "keywords",
        ALL_KINDS,
        _l("关键词"),
        parsers.keywords,
        "array",
        empty=[],
        help=_l("用逗号或顿号分隔，最多 20 个"),
        headers=("关键词", "关键字"),
    ),
    ListingField(
        "trl",
        CATALOGUE,
        _l("技术成熟度（TRL）"),
        parsers.trl,
        "integer",
        Widget.TRL,
        help=_l("1 为原理发现，9 为规模化应用；请按已有证据选择"),
        headers=("技术成熟度", "成熟度"),
    ),
    ListingField(
        "min_trl",
        NEEDS,
        _l("要求的最低成熟度（TRL）"),
        parsers.trl,
        "integer",
        Widget.TRL,
        help=_l("能接受的最早阶段：6 以上表示需要已完成中试的技术"),
        headers=("最低成熟度", "要求成熟度", "技术成熟度", "成熟度", "trl"),
    ),
    ListingField(
        "ip_status",
        CATALOGUE,
        _l("知识产权状态"),
        parsers.choice(IP_STATUSES),
        "string",
        Widget.SELECT,
        choices=IP_STATUSES,
        headers=("知识产权", "知识产权状态"),
    ),
    ListingField(
        "patent_numbers",
        CATALOGUE,
        _l("关联专利号"),
        parsers.patent_numbers,
        "array",
        Widget.TEXTAREA,
        empty=[],
        rows=2,
        help=_l("每行一个，例：CN115123456A 或 ZL202110123456.7"),
        headers=("专利号", "专利", "相关专利"),
    ),
    ListingField(
        "transfer_modes",
        ALL_KINDS,
        _l("转化方式"),
        parsers.transfer_modes,
        "array",
        Widget.CHECKBOXES,
        empty=[],
        choices=TRANSFER_MODE_LABELS,
        headers=("转化方式", "合作方式", "转让方式"),
    ),
    _amount_field(
        "price_min",
        CATALOGUE,
        _l("参考价格下限（万元）"),
        headers=("价格下限（万元）", "价格下限", "最低价格", "报价下限", "价格最低", "报价最低"),
    ),
    _amount_field(
        "price_max",
        CATALOGUE,
        _l("参考价格上限（万元）"),
        headers=("价格上限（万元）", "价格上限", "最高价格", "报价上限", "价格最高", "报价最高"),
    ),
    _amount_field(
        "budget_min",
        NEEDS,
        _l("预算下限（万元）"),
        headers=("预算下限（万元）", "预算下限", "最低预算", "预算最低"),
    ),
    _amount_field(
        "budget_max",
        NEEDS,
        _l("预算上限（万元）"),
        headers=("预算上限（万元）", "预算上限", "最高预算", "预算最高", "预算"),
    ),
    _amount_field(
        "carbon_reduction_amount",
        CATALOGUE,
        _l("预计减碳量"),
        headers=("预期减碳量", "减碳量"),
    ),
    _text_field(
        "carbon_reduction_unit",
        CATALOGUE,
        _l("减碳量单位"),
        40,
        help=_l("例：吨 CO₂e/年、吨 CO₂e/套"),
        headers=("减碳量单位", "减碳单位"),
    ),
    _text_field(
        "carbon_reduction_basis",
        CATALOGUE,
        _l("减碳量测算依据"),
        2000,
        widget=Widget.TEXTAREA,
        rows=2,
        help=_l("基准情景、测算方法或标准、边界和假设"),
        headers=("减碳量测算依据", "测算依据", "减碳依据"),
    ),
    _text_field(
        "advantages",
        CATALOGUE,
        _l("相比现有方案的优势"),
        5000,
        empty="",
        widget=Widget.TEXTAREA,
        rows=3,
        help=_l("买方最关心的一点：节能、降本、减排或性能上比现有做法好在哪里，尽量给出数字"),
        headers=("技术优势", "优势", "相比现有方案的优势"),
    ),
    _text_field(
        "application_scenarios",
        CATALOGUE,
        _l("应用场景"),
        5000,
        empty="",
        widget=Widget.TEXTAREA,
        rows=3,
        help=_l("适用的行业、工况和规模，例如“年用电 500 万千瓦时以上的工业园区”"),
        headers=("应用场景", "应用领域"),
    ),
    _text_field(
        "maturity_evidence",
        CATALOGUE,
        _l("成熟度证据"),
        5000,
        empty="",
        widget=Widget.TEXTAREA,
        rows=3,
        help=_l("中试、示范工程、检测报告、用户案例或认证，说明时间和规模"),
        headers=("成熟度佐证", "适用评价标准"),
    ),
    ListingField(
        "deadline",
        NEEDS,
        _l("期望解决时间"),
        parsers.day,
        "string",
        Widget.DATE,
        json_format="date",
        headers=("截止日期", "期望完成日期"),
    ),
    _text_field(
        "region",
        NEEDS,
        _l("实施地点"),
        40,
        help=_l("例：厦门、海沧区"),
        headers=("地区", "区域"),
    ),
    _text_field("contact_name", ALL_KINDS, _l("联系人"), 80, headers=("联系人",)),
    ListingField(
        "contact_email",
        ALL_KINDS,
        _l("联系邮箱"),
        parsers.email,
        "string",
        max_length=254,
        json_format="email",
        headers=("联系邮箱", "邮箱", "电子邮箱", "email"),
    ),
    ListingField(
        "contact_phone",
        ALL_KINDS,
        _l("联系电话"),
        parsers.phone,
        "string",
        max_length=32,
        headers=("联系电话", "电话", "手机"),
    ),
    ListingField(
        "expires_at",
        ALL_KINDS,
        _l("有效期至"),
        parsers.expiry,
        "string",
        Widget.DATE,
        json_format="date",
        help=_l("留空则为发布后 12 个月"),
        headers=("到期日", "有效期至"),
    ),
)

# Pairs that must be ordered low <= high, checked after each field is valid on its own.
RANGES = (("price_min", "price_max"), ("budget_min", "budget_max"))


# The owner's contact person: shown only to those allowed to see it (Action.VIEW_CONTACT) on
# pages, in the API and in CSV exports.
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")


def fields_for(kind: ListingKind) -> tuple[ListingField, ...]:
    """The input fields a listing of this kind accepts, in form order."""
    return tuple(spec for spec in FIELDS if kind in spec.kinds)


def field_named(name: str) -> ListingField:
    return next(spec for spec in FIELDS if spec.name == name)
