"""Demo products from the MIIT 绿色设计产品名单."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from .common import MIIT, batch_label, catalogue_item, clean_list_text, is_xiamen

# Product categories (种类) outside Fujian that are taken to widen the energy side of
# the demo catalogue.
ENERGY_CATEGORIES = ("锂离子电池", "光伏", "多晶硅", "铅酸蓄电池", "风力发电", "镍钴锰", "电动机",
                     "钕铁硼", "再制造", "真空热水机组", "新风系统", "不间断电源")
# Plan field for a product category, by a word in the category name.
CATEGORY_AREA: list[tuple[tuple[str, ...], str]] = [
    (("锂离子电池", "铅酸蓄电池"), "A01.03"),
    (("镍钴锰", "钕铁硼", "稀土"), "A05.01"),
    (("光伏", "多晶硅", "风力发电"), "A01.01"),
    (("涂料", "砌块", "板材", "陶瓷", "钢筋", "坐便器", "马桶"), "A03.02"),
    (("再生", "再制造", "纸", "可降解", "鼓粉盒", "阴极铜"), "A02.02"),
    (("电动机", "空气调节器", "冰箱", "热水", "断路器", "继电器", "电源", "机床", "服务器",
      "计算机", "电视", "空气净化器", "新风", "视频会议", "电缆", "印制电路板", "水处理器"),
     "A01.06"),
]
DEFAULT_PRODUCT_AREA = "A02.01"
PRODUCTS_PER_FIRM = 5
PRODUCTS_PER_OTHER_FIRM = 2
PRODUCT_TARGET = 130


def product_category(raw: str) -> str:
    return re.sub(r"^[\d一二三四五六七八九十百]+[、.．]\s*|（\d+种）", "", raw).strip()


def product_area(category: str) -> str:
    for words, area in CATEGORY_AREA:
        if any(w in category for w in words):
            return area
    return DEFAULT_PRODUCT_AREA


DECLARED_COUNT = re.compile(r"（(\d+)种）")


def trusted_product_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Drop rows the source's PDF parsing put under the wrong 种类.

    In batch 3 two blocks ("电视机（4种）", "烧结钕铁硼永磁材料（12种）") swallowed the
    following sections, whose header lines and rows then carry the wrong category and
    highlights. A block keeps only as many rows as its header declares; header lines
    (地区 "na") are dropped.
    """
    kept, seen = [], {}
    for row in rows:
        block = (row["批次"], row["种类"])
        seen[block] = seen.get(block, 0) + 1
        declared = DECLARED_COUNT.search(row["种类"])
        if row["地区"] == "na" or (declared and seen[block] > int(declared.group(1))):
            continue
        kept.append(row)
    return kept


def select_product_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Xiamen rows first, then Fujian, then energy categories elsewhere.

    One row per (firm, product name) and a cap per firm keep the demo varied.
    """
    def tier(row: dict[str, str]) -> int:
        if is_xiamen(row["地区"], row["企业名称"]):
            return 0
        if row["地区"] == "福建":
            return 1
        if any(c in row["种类"] for c in ENERGY_CATEGORIES):
            return 2
        return 3

    ranked = sorted((r for r in rows if tier(r) < 3), key=tier)  # sort is stable: list order kept
    chosen, seen, per_firm = [], set(), {}
    for row in ranked:
        firm, name = row["企业名称"].strip(), row["产品名称"].strip()
        cap = PRODUCTS_PER_FIRM if tier(row) < 2 else PRODUCTS_PER_OTHER_FIRM
        if (firm, name) in seen or per_firm.get(firm, 0) >= cap:
            continue
        if tier(row) == 2 and len(chosen) >= PRODUCT_TARGET:
            break
        seen.add((firm, name))
        per_firm[firm] = per_firm.get(firm, 0) + 1
        chosen.append(row)
    return chosen


def product_source(row: dict[str, str]) -> str:
    return f"{MIIT}绿色设计产品名单（{batch_label(row['批次'])}）序号{row['序号']}"


def product_summary(title: str, model: str, category: str, row: dict[str, str]) -> str:
    """The product's own name, model and listing: what tells one product from its neighbours."""
    named = f"{title}（型号 {model}）" if model and model != "-" else title
    batch = batch_label(row["批次"])
    return f"{named}，{category}类绿色设计产品，列入{MIIT}绿色设计产品名单（{batch}）。"


def product_from_row(row: dict[str, str]) -> dict[str, object]:
    highlights = clean_list_text(row["绿色设计亮点"])
    category = product_category(row["种类"])
    model = row["产品型号"].strip()
    title = row["产品名称"].strip()
    return catalogue_item(
        "product",
        title=title,
        summary=product_summary(title, model, category, row),
        description=highlights,
        keywords=[category] + ([f"型号 {model}"] if model and model != "-" else []),
        owner=row["企业名称"].strip(),
        area=product_area(category),
        trl=9,
        ip_status=None,
        transfer_modes=["service"],
        price_min=None,
        price_max=None,
        advantages="",
        application_scenarios="",
        # The highlights are the category's evaluation criteria, shared by every product of
        # the category, so they are evidence of maturity rather than this product's summary.
        maturity_evidence="。".join(
            part for part in (clean_list_text(row["适用评价标准"]), highlights) if part),
        source=product_source(row),
    )


ProductRows = list[dict[str, str]]


def build_products(source: Path) -> tuple[list[dict[str, object]], ProductRows, ProductRows]:
    product_list = source / "green-industry-catalogue-2019" / "绿色设计产品名单.csv"
    with product_list.open(encoding="utf-8") as fh:
        all_rows = trusted_product_rows(list(csv.DictReader(fh)))
    rows = select_product_rows(all_rows)
    return [product_from_row(r) for r in rows], rows, all_rows
