"""Organizations: the institutions the plan names, Xiamen firms and parks on the MIIT
lists, and the firms that own the demo products.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .common import MIIT, batch_label, is_xiamen
from .products import product_category

# ---------------------------------------------------------------------------
# Organizations
# ---------------------------------------------------------------------------

PLAN_TITLE = "《厦门市科技支撑碳达峰碳中和实施方案》（厦门市科学技术局，2023年12月4日）"

# Institutions and firms the plan names, with the plan's own wording as description.
PLAN_ORGANIZATIONS: list[tuple[str, str, str, str]] = [
    ("厦门大学", "university", "高等院校",
     "方案专栏8支持厦门大学等高校和科研院所组建碳达峰碳中和智库。"),
    ("厦门大学近海海洋环境科学国家实验室", "institute", "海洋科学",
     "方案专栏8将其列为推进提质升级的重点低碳实验室。"),
    ("嘉庚创新实验室", "institute", "能源材料",
     "方案专栏8将嘉庚创新实验室列为推进提质升级的重点低碳实验室。"),
    ("福建海洋创新实验室", "institute", "海洋科学",
     "方案专栏8将福建海洋创新实验室列为推进提质升级的重点低碳实验室。"),
    ("自然资源部海洋-大气化学与全球变化重点实验室", "institute", "海洋与大气化学",
     "方案专栏8将其列为推进提质升级的重点低碳实验室。"),
    ("中国科学院城市环境研究所", "institute", "城市环境",
     "方案专栏8支持中国科学院城市环境研究所等科研院所组建碳达峰碳中和智库。"),
    ("清华海峡研究院", "institute", "新型研发机构",
     "方案专栏8支持其组建碳达峰碳中和智库，并引导其作为新型研发机构提质升级。"),
    ("中国科学院海西研究院厦门稀土材料研究中心", "institute", "稀土材料",
     "方案专栏8引导该新型研发机构提质升级。"),
    ("厦门市科学技术局", "agency", "科技管理",
     "方案的印发单位，多项重点行动的责任单位。"),
    ("国家技术转移海峡中心", "agency", "技术转移",
     "方案第六项行动提出充分利用该创新服务平台推动绿色低碳科技成果落地转化。"),
    ("中国科学院科技服务网络计划（STS）福建中心", "agency", "技术转移",
     "方案第六项行动提出充分利用该创新服务平台推动绿色低碳科技成果落地转化。"),
    ("厦门市产权交易中心", "agency", "产权交易",
     "方案第六项行动提出结合该平台完善绿色技术信息汇集与需求对接。"),
    ("厦门两岸股权交易中心", "agency", "股权交易",
     "方案专栏6提出依托该中心建立低碳科技成果常态化路演机制。"),
    ("国家技术转移人才培养（厦门）基地", "agency", "技术转移人才培养",
     "方案专栏6提出依托该基地完善低碳技术转移交易、服务和从业标准。"),
    ("中航锂电", "enterprise", "新能源电池",
     "方案专栏5列为发展新能源电池正极相关材料所依托的重点企业。"),
    ("海辰新能源", "enterprise", "新能源电池",
     "方案专栏5列为发展新能源电池正极相关材料所依托的重点企业。"),
    ("厦门时代", "enterprise", "新能源电池",
     "方案专栏5列为发展新能源电池正极相关材料所依托的重点企业。"),
]


@dataclass
class ListedFirm:
    name: str
    industry: str | None
    facts: list[str]
    sources: list[str]


def collect_xiamen_listed_firms(source: Path) -> dict[str, ListedFirm]:
    """Xiamen firms on the MIIT 绿色工厂 and 绿色供应链管理示范企业 lists, merged by name."""
    firms: dict[str, ListedFirm] = {}
    lists = [("绿色工厂名单.csv", "工厂名称", "绿色工厂名单"),
             ("绿色供应链管理示范企业名单.csv", "企业名称", "绿色供应链管理示范企业名单")]
    for file_name, name_col, list_name in lists:
        with (source / file_name).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                name = row[name_col].strip()
                if not is_xiamen(row["地区"], name):
                    continue
                label = f"{MIIT}{list_name}（{batch_label(row['批次'])}）"
                firm = firms.setdefault(name, ListedFirm(name, None, [], []))
                firm.industry = firm.industry or (row.get("行业") or "").strip() or None
                auditor = row["第三方评价机构"].strip()
                by_auditor = f"，第三方评价机构为{auditor}" if auditor else ""
                firm.facts.append(f"列入{label}{by_auditor}")
                firm.sources.append(label)
    return firms


def organization(name: str, kind: str, industry: str | None, description: str,
                 source: str) -> dict[str, object]:
    return {"name": name, "kind": kind, "district": None, "industry": industry,
            "description": description, "website": None, "credit_code": None, "source": source}


def build_organizations(source: Path) -> list[dict[str, object]]:
    orgs = [organization(name, kind, industry, description, PLAN_TITLE)
            for name, kind, industry, description in PLAN_ORGANIZATIONS]
    firms = collect_xiamen_listed_firms(source / "green-industry-catalogue-2019")
    for firm in sorted(firms.values(), key=lambda f: f.name):
        orgs.append(organization(firm.name, "enterprise", firm.industry,
                                 "；".join(firm.facts) + "。", "；".join(firm.sources)))
    parks = source / "green-industry-catalogue-2019" / "绿色工业园区名单.csv"
    with parks.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if is_xiamen(row["地区"], row["园区"]):
                label = f"{MIIT}绿色工业园区名单（{batch_label(row['批次'])}）"
                orgs.append(organization(row["园区"], "agency", "工业园区",
                                         f"列入{label}。方案第九项行动提出依托火炬高新区打造低碳科技企业聚集区。",
                                         f"{label}；{PLAN_TITLE}"))
    return orgs


def add_product_industries(orgs: list[dict[str, object]], rows: list[dict[str, str]]) -> None:
    """Fill a listed firm's missing industry with its first 绿色设计产品 category.

    The 绿色工厂 lists after batch 2 carry no 行业 column, so this is the only
    industry the sources give for most Xiamen firms.
    """
    first_category: dict[str, dict[str, str]] = {}
    for row in rows:
        first_category.setdefault(row["企业名称"].strip(), row)
    for org in orgs:
        row = first_category.get(str(org["name"]))
        if org["kind"] != "enterprise" or org["industry"] or row is None:
            continue
        label = f"{MIIT}绿色设计产品名单（{batch_label(row['批次'])}）"
        org["industry"] = product_category(row["种类"])
        org["description"] = f"{org['description']}有产品（{row['产品名称'].strip()}）列入{label}。"
        org["source"] = f"{org['source']}；{label}"


def build_product_firms(rows: list[dict[str, str]], known: set[str]) -> list[dict[str, object]]:
    firms: dict[str, dict[str, object]] = {}
    for row in rows:
        name = row["企业名称"].strip()
        if name in known:
            continue
        label = f"{MIIT}绿色设计产品名单（{batch_label(row['批次'])}）"
        if name not in firms:
            firms[name] = organization(
                name, "enterprise", product_category(row["种类"]),
                f"有产品列入{label}，推荐单位为{row['推荐单位'].strip()}，地区：{row['地区'].strip()}。",
                label)
    return sorted(firms.values(), key=lambda f: str(f["name"]))
