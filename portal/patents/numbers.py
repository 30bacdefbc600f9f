"""Publication numbers, classification codes, dates and applicant names in one form each.

Plain functions without Flask or the database: each returns the normalized value or raises
`FormatError` with a message people can read, and the importer turns that into a rejected row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from flask_babel import lazy_gettext as _l


class FormatError(ValueError):
    """A cell that does not hold what its column promises; str() is the reason."""


# Country, serial, optional kind code. Lens writes US publications as "2011/0185700"; serials
# may carry letters (JP S63201358, TW I324218, BR PI0620970, IN 2851DE2013); a correction
# date after the kind ("EP 1357170 B9 20061018") is not part of the number.
_PUBLICATION = re.compile(
    r"^(?P<country>[A-Z]{2})?(?P<serial>[A-Z]{0,2}\d[0-9A-Z]*?\d)(?P<kind>[A-Z]\d?)?$"
)
_CORRECTION_DATE = re.compile(r"(?<=[A-Z]\d)\s+\d{8}$|(?<=[A-Z])\s+\d{8}$")
_NUMBER_NOISE = re.compile(r"[\s\-/.,]")


@dataclass(frozen=True)
class PublicationNumber:
    country: str
    serial: str
    kind: str  # "" when the export gives none

    @property
    def text(self) -> str:
        return f"{self.country}{self.serial}{self.kind}"


def parse_publication_number(value: str, country: str = "") -> PublicationNumber:
    """'CN 112345678 A', 'CN-112345678-A' and '112345678A' with country CN -> CN112345678A."""
    text = _CORRECTION_DATE.sub("", unicodedata.normalize("NFKC", value).strip().upper())
    compact = _NUMBER_NOISE.sub("", text)
    match = _PUBLICATION.match(compact)
    if match is None or len(re.sub(r"\D", "", match["serial"])) < 4:
        raise FormatError(_l("公开号格式不正确：%(value)s", value=value[:40]))
    found_country = match["country"] or country.upper()
    if not re.fullmatch(r"[A-Z]{2}", found_country):
        raise FormatError(_l("公开号缺少国别代码：%(value)s", value=value[:40]))
    return PublicationNumber(found_country, match["serial"], match["kind"] or "")


# Section, class, subclass; main group; subgroup. Fixed-width forms pad with spaces
# ("H04W  4/40"), Lens and CPC write none ("C12N9/22", "C12N2501/515").
_CLASSIFICATION = re.compile(
    r"^(?P<subclass>[A-HY]\d{2}[A-Z])(?:(?P<group>\d{1,4})/(?P<subgroup>\d{1,6}))?$"
)
_PARENTHESES = re.compile(r"\(.*?\)")
_SPACES = re.compile(r"\s+")
_IPC8_FLAG = re.compile(r"(?<=\d)[IN]$")
_BARE_SLASH = re.compile(r"^([A-HY]\d{2}[A-Z])/$")
# An export repeats the same codes, dates and applicants across thousands of rows, and these
# are pure functions: caching them removes most of the per-row parsing of a large import.
_CACHE = 65536


@lru_cache(maxsize=_CACHE)
def normalize_classification(value: str) -> str:
    """'H01M10/0525', 'H01M  10/0525', 'h01m 10/0525' -> 'H01M 10/0525'; a subclass stays 'H01M'.

    The subgroup digits are kept as written: in the IPC they are decimals, so 10/0525 and
    10/525 are different groups; only the main group loses leading zeros ('0010' -> '10').
    A trailing date or version in parentheses, as some exports append, is dropped, and so is
    IPC 8's inventive/additional flag ("B60W 30/188I", "F16H 59/70N"); a subclass with a bare
    slash ("B60R/", seen in incoPat data) is that subclass.
    """
    text = unicodedata.normalize("NFKC", value).upper()
    text = _PARENTHESES.sub("", text)
    compact = _SPACES.sub("", text)
    if "/" in compact:
        compact = _IPC8_FLAG.sub("", compact)
    compact = _BARE_SLASH.sub(r"\1", compact)
    match = _CLASSIFICATION.match(compact)
    if match is None:
        raise FormatError(_l("分类号格式不正确：%(value)s", value=value[:40]))
    if match["group"] is None:
        return match["subclass"]
    subgroup = match["subgroup"]
    if len(subgroup) == 1:
        subgroup += "0"
    return f"{match['subclass']} {int(match['group'])}/{subgroup}"


def ipc_subclass(code: str) -> str:
    return code[:4]


def ipc_main_group(code: str) -> str:
    """'H01M 10/0525' -> 'H01M 10/00', the group a landscape counts by."""
    head, _, rest = code.partition(" ")
    return f"{head} {rest.split('/')[0]}/00" if rest else head


# Excel stores dates as days since 1899-12-30 (the 1900 leap-year bug included).
_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_FORMS = (
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
)


_MIDNIGHT = re.compile(r"[ T]00:00(:00)?$")
_EXCEL_SERIAL = re.compile(r"\d{5}(\.0)?")


@lru_cache(maxsize=_CACHE)
def parse_date(value: str) -> date:
    """2021-03-05, 2021/3/5, 20210305, 2021.03.05, 2021年3月5日, an Excel serial (44260)."""
    text = unicodedata.normalize("NFKC", value).strip()
    text = _MIDNIGHT.sub("", text)
    if _EXCEL_SERIAL.fullmatch(text):
        serial = int(float(text))
        if 10000 <= serial <= 80000:  # 1927 .. 2119: a date, not a stray number
            return _EXCEL_EPOCH + timedelta(days=serial)
    for form in _DATE_FORMS:
        match = form.match(text)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError as exc:
                raise FormatError(_l("日期不存在：%(value)s", value=value[:20])) from exc
    raise FormatError(_l("日期格式不正确：%(value)s", value=value[:20]))


_NAME_NOISE = re.compile(r"[\s()\[\]{}<>.,;:'\"“”‘’·、]")


@lru_cache(maxsize=_CACHE)
def normalize_name(name: str) -> str:
    """An applicant name for matching: full-width folded, case, spaces, brackets and dots gone.

    '阿波罗智行科技（广州）有限公司' and '阿波罗智行科技广州有限公司' are one applicant;
    'Zhidou Electric Vehicle Co., Ltd.' and 'ZHIDOU ELECTRIC VEHICLE CO LTD' too.
    """
    return _NAME_NOISE.sub("", unicodedata.normalize("NFKC", name)).casefold()
