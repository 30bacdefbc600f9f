"""Province and city of an applicant, from what an export gives: a province column, a
GB/T 2260 code (申请人省市代码, e.g. 350200 or 35), or the address text.

Only what the export says is used; nothing is guessed from applicant names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# GB/T 2260 province-level codes and names as CNIPA writes them.
PROVINCES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}  # fmt: skip
# Fujian's prefecture-level cities (codes 3501..3509), so Xiamen and the rest of Fujian are
# told apart from a code as well as from an address.
FUJIAN_CITIES: dict[str, str] = {
    "3501": "福州市", "3502": "厦门市", "3503": "莆田市", "3504": "三明市", "3505": "泉州市",
    "3506": "漳州市", "3507": "南平市", "3508": "龙岩市", "3509": "宁德市",
}  # fmt: skip
XIAMEN = "厦门市"
FUJIAN = "福建省"
_SHORT = {name.removesuffix("省").removesuffix("市")[:2]: name for name in PROVINCES.values()}
_CITY = re.compile(r"(?:省|自治区)?([\u4e00-\u9fff]{2,6}?市)")


@dataclass(frozen=True)
class Region:
    province: str | None = None
    city: str | None = None


def _province_named(text: str) -> str | None:
    for name in PROVINCES.values():
        if name in text or (text and name.startswith(text)):
            return name
    return _SHORT.get(text[:2]) if text else None


def region_of(*, province: str = "", code: str = "", address: str = "", city: str = "") -> Region:
    """The applicant's province and city as far as the export tells them."""
    digits = re.sub(r"\D", "", code)
    found_province = _province_named(province.strip()) if province.strip() else None
    found_city = city.strip() or None
    if digits[:2] in PROVINCES:
        found_province = found_province or PROVINCES[digits[:2]]
        found_city = found_city or FUJIAN_CITIES.get(digits[:4])
    text = re.sub(r"^\d{6}\s*", "", address.strip())  # Patentics puts the postcode first
    if text:
        head = text[:12]
        found_province = found_province or next(
            (name for name in PROVINCES.values() if head.startswith(name)), None
        )
        if found_city is None:
            rest = (
                text[len(found_province) :]
                if found_province and text.startswith(found_province)
                else text
            )
            match = _CITY.match(rest)
            if match:
                found_city = match.group(1)
    if found_city in FUJIAN_CITIES.values():
        found_province = FUJIAN
    if found_province in ("北京市", "天津市", "上海市", "重庆市"):
        found_city = found_city or found_province
    return Region(found_province, found_city)
