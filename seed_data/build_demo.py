"""Build the seed files that are derived from the shared source data.

A one-off generator, not part of the application: it reads the copied source data
(CSL abstracts, the NDRC/MIIT green lists) and writes

  seed_data/green_industry_2019/catalogue.csv
  seed_data/orgs/organizations.json, seed_data/orgs/product_firms.json
  seed_data/demo/technologies.jsonl, seed_data/demo/products.jsonl

Every choice is deterministic, so running it twice gives the same files. The
hand-written files (taxonomy/plan.json, green_industry_2019/mapping.csv,
demo/needs.jsonl, demo/paraphrase_pairs.csv) are not touched.

    python seed_data/build_demo.py [SOURCE_DATA_DIR]
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent
DEFAULT_SOURCE_DIR = Path("/work/shared/data")

# ---------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------

# Sentence ends: Chinese stops, and an ASCII full stop that is not a decimal point
# (the CSL abstracts use "." as their sentence separator).
SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=[^\d.]\.)(?=\D|$)")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]


def clean_list_text(text: str) -> str:
    """Undo the source CSV's parsing artefacts: a literal 'nan' glued to cell ends."""
    return re.sub(r"(nan)+$", "", text.strip()).strip()


def sentences_with(text: str, cues: Iterable[str], limit: int = 2) -> str:
    cue_list = tuple(cues)
    picked = [s for s in split_sentences(text) if any(c in s for c in cue_list)]
    return "".join(picked[:limit])


# ---------------------------------------------------------------------------
# Taxonomy matching (plan fields against free text)
# ---------------------------------------------------------------------------

# Plan terms too generic to decide a field on their own (they occur in many fields
# or in nearly every engineering abstract).
GENERIC_TERMS = frozenset({
    "模型", "平台", "数据库", "评价", "检测", "计量", "标准", "认证", "核查", "核算", "评估",
    "监管", "低成本", "长寿命", "高安全", "能效", "节能", "数字化", "大数据", "园区", "重点行业",
    "芯片", "高分子", "纤维", "能源利用", "能源系统", "智能运维", "绿色建造", "路面", "道路",
    "电网", "二氧化碳", "CO2", "生物质", "催化", "多功能材料", "定量观测", "能量效率", "集成应用",
    "耦合优化", "碳排放", "电能替代", "专业模型", "计量规范", "数据链条", "碳监测", "排放预测",
    "储能技术", "测试检测", "计量测试", "评估评价", "膜材料", "催化剂", "清洁制备", "蓄冷",
    "码头", "船舶", "新能源汽车", "吸附",
})


@dataclass(frozen=True)
class PlanField:
    code: str
    terms: tuple[str, ...]


def load_plan_fields(taxonomy_path: Path) -> list[PlanField]:
    areas = json.loads(taxonomy_path.read_text(encoding="utf-8"))
    fields = []
    for area in areas:
        if area["level"] != "field":
            continue
        terms = [t for t in area["terms"] + area.get("related_terms", []) if t not in GENERIC_TERMS]
        fields.append(PlanField(area["code"], tuple(terms)))
    return sorted(fields, key=lambda f: f.code)


def best_field(fields: list[PlanField], head: str, body: str) -> tuple[str | None, int]:
    """Field whose terms occur most, with its score: 3 per term in the head, 1 in the body.

    Ties go to the lowest code, so the result is deterministic.
    """
    best_code, best_score = None, 0
    for field in fields:
        score = sum(3 if t in head else 1 if t in body else 0 for t in field.terms)
        if score > best_score:
            best_code, best_score = field.code, score
    return best_code, best_score


# ---------------------------------------------------------------------------
# 绿色产业指导目录（2019年版）
# ---------------------------------------------------------------------------

CODE_PREFIX = re.compile(r"^(\d+(?:\.\d+)*)\.?\s*")


def number_catalogue(rows: list[dict[str, str]]) -> Iterator[dict[str, str]]:
    """Add the official code to each 三级 row and check it against the row order.

    The file holds only 三级 rows; each name carries its official number as a prefix
    ("1.1.1节能锅炉制造"). The prefix must equal the number obtained by counting
    一级/二级/三级 changes in file order, otherwise the copy is corrupt.
    """
    level1_seen: list[str] = []
    level2_seen: dict[str, list[str]] = {}
    level3_count: dict[str, int] = {}
    for row in rows:
        l1, l2 = row["一级目录"], row["二级目录"]
        if l1 not in level1_seen:
            level1_seen.append(l1)
        siblings = level2_seen.setdefault(l1, [])
        if l2 not in siblings:
            siblings.append(l2)
        level3_count[l2] = level3_count.get(l2, 0) + 1
        by_order = f"{len(level1_seen)}.{siblings.index(l2) + 1}.{level3_count[l2]}"
        match = CODE_PREFIX.match(row["目录"])
        if not match or match.group(1) != by_order:
            raise ValueError(f"numbering mismatch at {row['目录']!r} (order says {by_order})")
        standards = "" if row["国标"] == "《）" else row["国标"]
        yield {"code": by_order, **row, "国标": standards}


def build_catalogue(source: Path, out_dir: Path) -> int:
    with (source / "绿色产业指导目录.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    numbered = list(number_catalogue(rows))
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "catalogue.csv").open("w", encoding="utf-8", newline="") as fh:
        columns = ["code", "一级目录", "二级目录", "目录", "说明", "国标"]
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(numbered)
    return len(numbered)


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

MIIT = "工业和信息化部"


def batch_label(batch: str) -> str:
    return f"{batch}年度" if len(batch) == 4 else f"第{batch}批"


def is_xiamen(region: str, name: str) -> bool:
    return region == "厦门" or "厦门" in name


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


# ---------------------------------------------------------------------------
# Catalogue items shared by technologies and products
# ---------------------------------------------------------------------------

def catalogue_item(kind: str, **fields: object) -> dict[str, object]:
    item: dict[str, object] = {"demo": True, "kind": kind}
    item.update(fields)
    return item


# ---------------------------------------------------------------------------
# Technologies from CSL abstracts
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Paper:
    line: int  # 1-based line number in the dev split
    title: str
    abstract: str
    keywords: tuple[str, ...]
    discipline: str
    category: str


def read_tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as fh:
        return [line.rstrip("\n").split("\t") for line in fh]


def read_papers(csl_dir: Path, split: str = "dev") -> Iterator[Paper]:
    """Join the four CSL task files by line index; skip lines whose texts disagree."""
    ts = read_tsv(csl_dir / f"ts_{split}.tsv")
    kg = read_tsv(csl_dir / f"kg_{split}.tsv")
    dcp = read_tsv(csl_dir / f"cls_dcp_{split}.tsv")
    ctg = read_tsv(csl_dir / f"cls_ctg_{split}.tsv")
    for index, (t, k, d, c) in enumerate(zip(ts, kg, dcp, ctg, strict=True)):
        abstract, title = t[1], t[2]
        if d[1] != abstract or not k[1].startswith(abstract) or c[1] != title:
            continue
        keywords = tuple(w.strip() for w in k[2].split("_") if w.strip())
        yield Paper(index + 1, title.strip(), abstract.strip(), keywords, d[2], c[2])


# Disciplines (CSL 一级学科) that count as green engineering fields, each with the
# plan field used when no plan term occurs in the paper.
DISCIPLINE_DEFAULT_AREA = {
    "环境科学与工程": "A02.02",
    "材料科学与工程": "A05.01",
    "化学/化学工程与技术": "A02.01",
    "动力工程及工程热物理": "A01.06",
    "电气工程": "A01.02",
    "电子科学与技术": "A05.05",
    "冶金工程": "A02.02",
    "矿业工程": "A02.02",
    "土木工程": "A03.02",
    "建筑学": "A03.01",
    "交通运输工程": "A03.07",
    "船舶与海洋工程": "A03.05",
    "机械工程": "A01.06",
    "农业工程": "A04.02",
    "农业资源利用": "A04.02",
    "林学/林业工程": "A04.02",
    "海洋科学": "A10.01",
}
# A single plan term met once in the abstract is too weak to beat the discipline's default.
MIN_TERM_SCORE = 2

# TRL from the abstract's wording: the first rule whose cue occurs wins.
TRL_RULES: list[tuple[int, tuple[str, ...]]] = [
    (7, ("投产", "投入运行", "工业化应用", "产业化", "推广应用", "示范工程", "工程应用",
         "实际运行")),
    (6, ("中试", "现场试验", "工业试验", "现场应用", "工程实践", "实际工程", "应用效果")),
    (5, ("样机", "原型", "研制", "试制", "系统开发", "装置")),
    (4, ("实验", "试验", "制备", "表征", "测试")),
]
REVIEW_CUES = ("进展", "综述", "概述", "探讨", "浅析", "思考")
DEFAULT_TRL = 3


def estimate_trl(title: str, abstract: str) -> int:
    if any(c in title for c in REVIEW_CUES):
        return 2
    text = title + abstract
    for trl, cues in TRL_RULES:
        if any(c in text for c in cues):
            return trl
    return DEFAULT_TRL


def transfer_terms(trl: int, salt: int) -> tuple[str, list[str], int | None, int | None]:
    """IP status, transfer modes and asking price (万元) for a demo item at this TRL."""
    if trl <= 3:
        return "know_how", ["joint_development"], None, None
    if trl == 4:
        modes, low = ["joint_development", "service"], 10
    elif trl == 5:
        modes, low = ["license", "joint_development"], 20
    elif trl == 6:
        modes, low = ["license", "joint_development", "service"], 50
    else:
        modes, low = ["license", "assignment", "equity"], 100
    ip_status = "patent_granted" if trl >= 6 else "patent_pending"
    price_min = low + 10 * (salt % 4)
    return ip_status, modes, price_min, price_min * 3


ADVANTAGE_CUES = ("提高", "降低", "减少", "优于", "显著", "改善", "提升", "节约", "缩短", "增加了")
SCENARIO_CUES = ("适用于", "应用于", "可用于", "可为", "提供了", "可推广", "参考")
EVIDENCE_CUES = ("示范", "工程应用", "中试", "现场", "实际运行", "投产", "工业试验", "实测")

# Demo owners per area prefix: research organizations the plan names, assigned by
# field so that the demo looks plausible. The papers themselves come from all over China.
OWNERS_BY_AREA: list[tuple[tuple[str, ...], list[str]]] = [
    (("A01.03", "A01.05", "A05.01", "A05.02", "A05.03", "A05.04"),
     ["嘉庚创新实验室", "厦门大学", "中国科学院海西研究院厦门稀土材料研究中心"]),
    (("A05.05",), ["厦门大学", "嘉庚创新实验室"]),
    (("A02.01",), ["厦门大学", "嘉庚创新实验室", "中国科学院海西研究院厦门稀土材料研究中心"]),
    (("A01.04", "A02.02", "A04.03", "A06"), ["中国科学院城市环境研究所", "厦门大学"]),
    (("A04.01", "A04.02"),
     ["中国科学院城市环境研究所", "厦门大学近海海洋环境科学国家实验室",
      "自然资源部海洋-大气化学与全球变化重点实验室"]),
    (("A05.06", "A10"),
     ["厦门大学近海海洋环境科学国家实验室", "福建海洋创新实验室",
      "自然资源部海洋-大气化学与全球变化重点实验室"]),
    (("A03.05",), ["厦门大学", "福建海洋创新实验室", "清华海峡研究院"]),
    (("A",), ["厦门大学", "清华海峡研究院"]),
]


def demo_owner(area: str, salt: int) -> str:
    for prefixes, owners in OWNERS_BY_AREA:
        if area.startswith(prefixes):
            return owners[salt % len(owners)]
    raise ValueError(area)


def paper_area(paper: Paper, fields: list[PlanField]) -> str | None:
    """Plan field of a paper in a green discipline; None for other disciplines."""
    default = DISCIPLINE_DEFAULT_AREA.get(paper.discipline)
    if default is None:
        return None
    head = paper.title + " " + " ".join(paper.keywords)
    matched, score = best_field(fields, head, paper.abstract)
    return matched if matched and score >= MIN_TERM_SCORE else default


def technology_from_paper(paper: Paper, area: str, split: str) -> dict[str, object]:
    trl = estimate_trl(paper.title, paper.abstract)
    ip_status, modes, price_min, price_max = transfer_terms(trl, paper.line)
    sentences = split_sentences(paper.abstract)
    return catalogue_item(
        "technology",
        title=paper.title,
        summary=sentences[0] if sentences else paper.abstract,
        description=paper.abstract,
        keywords=list(paper.keywords),
        owner=demo_owner(area, paper.line),
        area=area,
        trl=trl,
        ip_status=ip_status,
        transfer_modes=modes,
        price_min=price_min,
        price_max=price_max,
        advantages=sentences_with(paper.abstract, ADVANTAGE_CUES),
        application_scenarios=sentences_with(paper.abstract, SCENARIO_CUES, limit=1),
        maturity_evidence=sentences_with(paper.abstract, EVIDENCE_CUES, limit=1),
        source=f"CSL {split} line {paper.line}",
        discipline=paper.discipline,
    )


def build_technologies(source: Path, fields: list[PlanField]) -> list[dict[str, object]]:
    items = []
    for paper in read_papers(source / "csl-abstracts"):
        area = paper_area(paper, fields)
        if area:
            items.append(technology_from_paper(paper, area, "dev"))
    return items


# ---------------------------------------------------------------------------
# Products from the MIIT 绿色设计产品名单
# ---------------------------------------------------------------------------

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


def product_from_row(row: dict[str, str]) -> dict[str, object]:
    highlights = clean_list_text(row["绿色设计亮点"])
    category = product_category(row["种类"])
    model = row["产品型号"].strip()
    sentences = split_sentences(highlights)
    return catalogue_item(
        "product",
        title=row["产品名称"].strip(),
        summary=sentences[0] if sentences else highlights,
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
        maturity_evidence=clean_list_text(row["适用评价标准"]),
        source=product_source(row),
    )


ProductRows = list[dict[str, str]]


def build_products(source: Path) -> tuple[list[dict[str, object]], ProductRows, ProductRows]:
    product_list = source / "green-industry-catalogue-2019" / "绿色设计产品名单.csv"
    with product_list.open(encoding="utf-8") as fh:
        all_rows = trusted_product_rows(list(csv.DictReader(fh)))
    rows = select_product_rows(all_rows)
    return [product_from_row(r) for r in rows], rows, all_rows


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


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_jsonl(path: Path, items: Iterable[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for item in items:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")


def main(source: Path) -> None:
    catalogue_rows = build_catalogue(source / "green-industry-catalogue-2019",
                                     SEED_DIR / "green_industry_2019")
    orgs = build_organizations(source)
    fields = load_plan_fields(SEED_DIR / "taxonomy" / "plan.json")
    technologies = build_technologies(source, fields)
    products, product_rows, all_product_rows = build_products(source)
    add_product_industries(orgs, all_product_rows)
    product_firms = build_product_firms(product_rows, {str(o["name"]) for o in orgs})
    write_json(SEED_DIR / "orgs" / "organizations.json", orgs)
    write_json(SEED_DIR / "orgs" / "product_firms.json", product_firms)
    write_jsonl(SEED_DIR / "demo" / "technologies.jsonl", technologies)
    write_jsonl(SEED_DIR / "demo" / "products.jsonl", products)
    print(f"catalogue rows {catalogue_rows}, organizations {len(orgs)}, "
          f"product firms {len(product_firms)}, technologies {len(technologies)}, "
          f"products {len(products)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE_DIR)
