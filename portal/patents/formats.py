"""Patent export formats as column mappings: which header holds which field, how lists split.

A file is matched to the format whose headers it shares most, after `normalize_header`
(full-width and half-width brackets, spaces and case made alike). The formats are those of
the real exports in the shared data set plus the CNIPA/PatSnap headers the issue lists.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

# Fields a row may fill; `publication_number` and `title` are required of every format.
REQUIRED_FIELDS = ("publication_number", "title")


def normalize_header(name: str) -> str:
    """'公开（公告）号' and '公开(公告)号 ', 'Title' and 'TITLE' are one header."""
    text = unicodedata.normalize("NFKC", name).replace("【", "[").replace("】", "]")
    return re.sub(r"\s+", "", text).casefold()


@dataclass(frozen=True)
class ExportFormat:
    key: str
    label: str
    headers: dict[str, tuple[str, ...]]  # field -> headers, the preferred one first
    separator: str  # regex between the values of a list cell
    inventor_separator: str = ""  # when inventors split otherwise ("姓, 名" must stay whole)
    default_country: str = ""  # for numbers written without a country code
    preamble: str = ""  # a line before the header ("search URL:"), normalized

    lookup: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        for name, headers in self.headers.items():
            for header in headers:
                lookup.setdefault(normalize_header(header), name)
        object.__setattr__(self, "lookup", lookup)


_CN_SEPARATOR = r"\s*[;；|]\s*"

CNIPA = ExportFormat(
    "cnipa",
    "CNIPA / incoPat",
    {
        "publication_number": ("公开（公告）号", "公开号", "公告号"),
        "application_number": ("申请号",),
        "application_date": ("申请日",),
        "publication_date": ("公开（公告）日", "公开日", "公开/公告日", "申请公开日"),
        "grant_date": ("授权公告日", "授权日"),
        "priority_date": ("优先权日", "最早优先权日"),
        "title": ("标题 (中文)", "标题", "名称", "发明名称"),
        "title_en": ("标题 (英文)",),
        "abstract": ("摘要 (中文)", "摘要"),
        "abstract_en": ("摘要 (英文)",),
        "applicants": ("申请（专利权）人", "申请人", "专利权人"),
        "inventors": ("发明人", "发明（设计）人"),
        "ipc": ("IPC", "IPC分类号", "国际分类", "分类号"),
        "ipc_main": ("IPC主分类", "国际主分类", "主分类号"),
        "cpc": ("CPC", "CPC分类"),
        "legal_status": ("当前法律状态", "法律状态"),
        "legal_validity": ("专利有效性",),
        "patent_type": ("专利类型",),
        "country": ("公开国别", "专利局"),
        "applicant_address": ("申请人地址", "通信地址"),
        "province_code": ("申请人省市代码",),
        "province": ("省市", "申请人省份"),
        "city": ("申请人城市",),
        "cited_by_count": ("被引证次数", "被引用数", "引用本文专利数"),
        "family_size": ("简单同族个数", "同族数", "同族专利数"),
    },
    _CN_SEPARATOR,
    default_country="CN",
)

PATSNAP = ExportFormat(
    "patsnap",
    "PatSnap 智慧芽",
    {
        "publication_number": ("公开(公告)号",),
        "application_number": ("申请号",),
        "application_date": ("申请日",),
        "application_year": ("申请年",),
        "publication_date": ("公开(公告)日",),
        "grant_date": ("授权日",),
        "priority_date": ("最早优先权日",),
        "title": ("标题", "标题(中文)"),
        "abstract": ("摘要", "摘要(中文)"),
        "applicants": ("[标]当前申请(专利权)人", "[标]原始申请(专利权)人", "当前申请(专利权)人"),
        "inventors": ("发明人",),
        "ipc": ("IPC分类号",),
        "ipc_main": ("IPC主分类号(小类)", "IPC主分类号"),
        "cpc": ("CPC分类号",),
        "legal_status": ("简单法律状态", "法律状态/事件"),
        "patent_type": ("专利类型",),
        "applicant_address": ("[标]当前申请(专利权)人地址", "申请人地址"),
        "province": ("申请人省份", "当前申请(专利权)人州/省"),
        "city": ("申请人城市",),
        "cited_by_count": ("被引用专利数量", "被引用次数"),
        "family_size": ("简单同族数量", "简单同族"),
    },
    r"\s*[|;；]\s*",
    inventor_separator=r"\s*\|\s*",  # "Smith, John | 王, 小明": the comma is inside a name
    default_country="CN",
)

LENS = ExportFormat(
    "lens",
    "Lens.org",
    {
        "publication_number": ("Display Key", "Publication Number"),
        "country": ("Jurisdiction",),
        "kind_code": ("Kind",),
        "application_number": ("Application Number",),
        "application_date": ("Application Date",),
        "priority_date": ("Earliest Priority Date",),
        "publication_date": ("Publication Date",),
        "title": ("Title",),
        "abstract": ("Abstract",),
        "applicants": ("Applicants", "Owners", "Owners (US)"),
        "inventors": ("Inventors",),
        "document_type": ("Document Type", "Type"),
        "cited_by_count": ("Cited by Patent Count",),
        "family_size": ("Simple Family Size",),
        "cpc": ("CPC Classifications",),
        "ipc": ("IPCR Classifications",),
        "legal_status": ("Legal Status",),
        "lens_id": ("Lens ID",),
    },
    r"\s*;;\s*",
)

GOOGLE = ExportFormat(
    "google",
    "Google Patents",
    {
        "publication_number": ("id",),
        "title": ("title",),
        "applicants": ("assignee",),
        "inventors": ("inventor/author",),
        "priority_date": ("priority date",),
        "application_date": ("filing/creation date",),
        "publication_date": ("publication date",),
        "grant_date": ("grant date",),
    },
    r"\s*,\s*",
    preamble="searchurl:",
)

DERWENT = ExportFormat(
    "derwent",
    "Derwent (WIPO landscape data)",
    {
        "publication_number": ("Basic Patent Number in EspaceNet Format linked to EspaceNet",),
        "publication_number_alt": ("Basic Patent Number",),  # where the first one is empty
        "title": ("DWPI Title",),
        "applicants": ("Standardized Assignee",),
        "inventors": ("Inventors",),
        "priority_year": ("Priority Year (earliest)",),
        "family_size": ("Filing Breadth (Family Size, Patent Authorities, excl PCT)",),
        "cited_by_count": ("Count of Citing Patents - DPCI",),
    },
    r"\s*;\s*",
)

FORMATS = (CNIPA, PATSNAP, LENS, GOOGLE, DERWENT)
# What each field is, for the import preview's column mapping.
FIELD_LABELS = {
    "publication_number": _l("公开（公告）号"),
    "publication_number_alt": _l("公开号（备用列）"),
    "application_number": _l("申请号"),
    "application_date": _l("申请日"),
    "application_year": _l("申请年"),
    "publication_date": _l("公开（公告）日"),
    "grant_date": _l("授权日"),
    "priority_date": _l("优先权日"),
    "priority_year": _l("最早优先权年"),
    "title": _l("标题"),
    "title_en": _l("英文标题"),
    "abstract": _l("摘要"),
    "abstract_en": _l("英文摘要"),
    "applicants": _l("申请人"),
    "inventors": _l("发明人"),
    "ipc": _l("IPC 分类号"),
    "ipc_main": _l("IPC 主分类"),
    "cpc": _l("CPC 分类号"),
    "legal_status": _l("法律状态"),
    "legal_validity": _l("专利有效性"),
    "patent_type": _l("专利类型"),
    "document_type": _l("文献类型"),
    "country": _l("国别"),
    "kind_code": _l("文献种类代码"),
    "applicant_address": _l("申请人地址"),
    "province_code": _l("申请人省市代码"),
    "province": _l("省份"),
    "city": _l("城市"),
    "cited_by_count": _l("被引证次数"),
    "family_size": _l("简单同族个数"),
    "lens_id": _l("Lens ID"),
}
FORMAT_LABELS = {fmt.key: fmt.label for fmt in FORMATS}


@dataclass(frozen=True)
class ColumnMapping:
    export_format: ExportFormat
    columns: dict[str, int]  # field -> column index (the first column that names it)
    headers: list[str]  # as written in the file, for messages
    ignored: list[str]  # headers of no field

    def header_of(self, name: str) -> str:
        return self.headers[self.columns[name]]


class UnknownLayout(ValueError):
    """No format fits the headers; str() says which columns are missing and which were found."""


def _map(export_format: ExportFormat, headers: list[str]) -> ColumnMapping:
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        name = export_format.lookup.get(normalize_header(header))
        if name is None:
            if header.strip():
                ignored.append(header)
            continue
        # A format lists its preferred header first: keep the column of the better header.
        current = columns.get(name)
        if current is None or _rank(export_format, name, header) < _rank(
            export_format, name, headers[current]
        ):
            columns[name] = index
        elif header.strip():
            ignored.append(header)
    return ColumnMapping(export_format, columns, headers, ignored)


def _rank(export_format: ExportFormat, name: str, header: str) -> int:
    normalized = [normalize_header(h) for h in export_format.headers[name]]
    return normalized.index(normalize_header(header))


def detect_format(headers: list[str]) -> ColumnMapping:
    """The mapping of the format that fits `headers` best; UnknownLayout when none has the
    required columns."""
    mappings = [_map(fmt, headers) for fmt in FORMATS]
    fitting = [m for m in mappings if all(f in m.columns for f in REQUIRED_FIELDS)]
    if fitting:
        return max(fitting, key=lambda m: len(m.columns))
    best = max(mappings, key=lambda m: len(m.columns))
    missing = [
        best.export_format.headers[name][0] for name in REQUIRED_FIELDS if name not in best.columns
    ]
    found = [h for h in headers if h.strip()][:30]
    raise UnknownLayout(
        _l(
            "无法识别的专利导出格式：缺少必需的列 %(missing)s；文件中的列：%(found)s",
            missing="、".join(missing),
            found="、".join(found) or "-",
        )
    )
