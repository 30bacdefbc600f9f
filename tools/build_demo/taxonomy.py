"""The plan's technology fields, matched against free text."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

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
