"""Demo technologies from the CSL abstracts (dev split), with demo owners and terms."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .common import catalogue_item, sentences_with, split_sentences
from .taxonomy import PlanField, best_field


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
