"""Column names of import files, in Chinese or English, mapped to listing input fields."""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.imports.cells import LABEL_CODES, unguard_formula
from portal.listings.kinds import ListingKind
from portal.listings.validation import fields_for

OWNER_COLUMN = "owner_org"

# Names people give each field in spreadsheets; matched after normalize_header.
ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("标题", "名称", "成果名称", "技术名称", "产品名称", "需求名称", "项目名称"),
    "summary": ("摘要", "简介", "概述", "成果简介", "需求简介", "绿色设计亮点"),
    "description": ("详细介绍", "详细描述", "描述", "需求描述", "技术说明"),
    "area": ("技术领域", "领域代码", "领域"),
    "industry_area": ("绿色产业目录", "绿色产业指导目录", "产业目录代码"),
    "keywords": ("关键词", "关键字"),
    "trl": ("技术成熟度", "成熟度"),
    "min_trl": ("最低成熟度", "要求成熟度", "技术成熟度", "成熟度", "trl"),
    "ip_status": ("知识产权", "知识产权状态"),
    "patent_numbers": ("专利号", "专利", "相关专利"),
    "transfer_modes": ("转化方式", "合作方式", "转让方式"),
    "price_min": ("价格下限", "最低价格", "报价下限", "价格最低", "报价最低"),
    "price_max": ("价格上限", "最高价格", "报价上限", "价格最高", "报价最高"),
    "budget_min": ("预算下限", "最低预算", "预算最低"),
    "budget_max": ("预算上限", "最高预算", "预算最高", "预算"),
    "carbon_reduction_amount": ("预期减碳量", "减碳量"),
    "carbon_reduction_unit": ("减碳量单位", "减碳单位"),
    "carbon_reduction_basis": ("减碳量测算依据", "测算依据", "减碳依据"),
    "advantages": ("优势", "技术优势", "相比现有方案的优势"),
    "application_scenarios": ("应用场景", "应用领域"),
    "maturity_evidence": ("成熟度佐证", "适用评价标准"),
    "deadline": ("截止日期", "期望完成日期"),
    "region": ("地区", "区域"),
    "contact_name": ("联系人",),
    "contact_email": ("邮箱", "联系邮箱", "电子邮箱", "email"),
    "contact_phone": ("电话", "联系电话", "手机"),
    "expires_at": ("到期日", "有效期至"),
    OWNER_COLUMN: (
        "机构",
        "所属机构",
        "机构名称",
        "单位",
        "单位名称",
        "企业名称",
        "企业",
        "organization",
    ),
}
# The header exports write for each field: one of its aliases, units in brackets.
EXPORT_HEADERS: dict[str, str] = {
    "title": "标题",
    "summary": "摘要",
    OWNER_COLUMN: "所属机构",
    "description": "详细介绍",
    "area": "领域代码",
    "industry_area": "产业目录代码",
    "keywords": "关键词",
    "trl": "技术成熟度",
    "min_trl": "最低成熟度",
    "ip_status": "知识产权",
    "patent_numbers": "专利号",
    "transfer_modes": "转化方式",
    "price_min": "价格下限（万元）",
    "price_max": "价格上限（万元）",
    "budget_min": "预算下限（万元）",
    "budget_max": "预算上限（万元）",
    "carbon_reduction_amount": "预期减碳量",
    "carbon_reduction_unit": "减碳量单位",
    "carbon_reduction_basis": "减碳量测算依据",
    "advantages": "技术优势",
    "application_scenarios": "应用场景",
    "maturity_evidence": "成熟度佐证",
    "deadline": "截止日期",
    "region": "地区",
    "contact_name": "联系人",
    "contact_email": "联系邮箱",
    "contact_phone": "联系电话",
    "expires_at": "到期日",
}
LIST_FIELDS = ("keywords", "patent_numbers", "transfer_modes")
LIST_SEPARATORS = re.compile(r"[,，;；、\n]+")


def normalize_header(name: str) -> str:
    """'价格（万元）最低 *' -> '价格最低': no units in brackets, spaces, marks or case."""
    name = re.sub(r"[（(][^）)]*[）)]", "", name)
    return re.sub(r"[\s*＊:：_\-]", "", name).lower()


@dataclass(frozen=True)
class ColumnMap:
    fields: dict[int, str]  # column index -> input field (or OWNER_COLUMN)
    ignored: list[str]  # headers that match no field of this kind


def map_columns(headers: list[str], kind: ListingKind) -> ColumnMap:
    """Each header to the first field of `kind` it names; the English field name works too."""
    accepted = [spec.name for spec in fields_for(kind)] + [OWNER_COLUMN]
    lookup: dict[str, str] = {}
    for name in accepted:
        lookup.setdefault(normalize_header(name), name)
        for alias in ALIASES.get(name, ()):
            lookup.setdefault(normalize_header(alias), name)
    fields: dict[int, str] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        name = lookup.get(normalize_header(header))
        if name is None or name in fields.values():
            if header:
                ignored.append(header)
            continue
        fields[index] = name
    return ColumnMap(fields, ignored)


def _cell_value(name: str, text: str) -> object:
    codes = LABEL_CODES.get(name, {})
    if name in LIST_FIELDS:
        return [
            codes.get(part.strip(), part.strip())
            for part in LIST_SEPARATORS.split(text)
            if part.strip()
        ]
    return codes.get(text, text)


def row_data(columns: ColumnMap, values: list[str]) -> dict[str, object]:
    """A row as listing input: empty cells left out, lists split, Chinese labels coded."""
    data: dict[str, object] = {}
    for index, name in columns.fields.items():
        text = unguard_formula(values[index].strip()) if index < len(values) else ""
        if text:
            data[name] = _cell_value(name, text)
    return data
