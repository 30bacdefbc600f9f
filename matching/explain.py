"""Fit checks and explanations of a match, with the values shown, in Chinese."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from matching.profiles import TRANSFER_MODE_LABELS, NeedProfile, TechnologyProfile
from matching.taxonomy import plan_area_by_code

CHECK_LABELS = {
    "trl": "技术成熟度",
    "price": "价格与预算",
    "transfer_mode": "转化方式",
    "expiry": "有效期",
}


@dataclass(frozen=True)
class FitCheck:
    name: str  # "trl" | "price" | "transfer_mode" | "expiry"
    passed: bool | None  # None: a value is missing, so the check cannot be made
    detail: str


@dataclass(frozen=True)
class ScoreParts:
    semantic: float
    lexical: float
    taxonomy: float
    fit: float


@dataclass(frozen=True)
class MatchExplanation:
    terms: list[str]
    area: str
    checks: list[FitCheck]
    parts: ScoreParts
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "terms": self.terms,
            "area": self.area,
            "checks": [asdict(check) for check in self.checks],
            "parts": asdict(self.parts),
            "notes": self.notes,
        }


def _money(value: float | None) -> str:
    return "未填" if value is None else f"{value:g} 万元"


def _modes(modes: frozenset[str]) -> str:
    return "、".join(TRANSFER_MODE_LABELS.get(m, m) for m in sorted(modes)) or "未填"


def trl_check(technology: TechnologyProfile, need: NeedProfile) -> FitCheck:
    if need.min_trl is None:
        return FitCheck("trl", None, f"需求未限定成熟度；技术 TRL {technology.trl or '未填'}")
    if technology.trl is None:
        return FitCheck("trl", None, f"技术未填成熟度；需求要求 TRL ≥ {need.min_trl}")
    passed = technology.trl >= need.min_trl
    relation = "≥" if passed else "<"
    return FitCheck("trl", passed, f"技术 TRL {technology.trl} {relation} 需求要求 {need.min_trl}")


def price_check(technology: TechnologyProfile, need: NeedProfile) -> FitCheck:
    price = f"报价 {_money(technology.price_min)}–{_money(technology.price_max)}"
    budget = f"预算 {_money(need.budget_min)}–{_money(need.budget_max)}"
    if technology.price_min is None or need.budget_max is None:
        return FitCheck("price", None, f"{price}，{budget}：缺少数值，无法比较")
    passed = technology.price_min <= need.budget_max
    verdict = "在预算内" if passed else "最低报价高于预算上限"
    return FitCheck("price", passed, f"{price}，{budget}：{verdict}")


def transfer_mode_check(technology: TechnologyProfile, need: NeedProfile) -> FitCheck:
    offered, wanted = technology.transfer_modes, need.transfer_modes
    text = f"技术可 {_modes(offered)}；需求接受 {_modes(wanted)}"
    if not offered or not wanted:
        return FitCheck("transfer_mode", None, text)
    shared = offered & wanted
    if shared:
        return FitCheck("transfer_mode", True, f"{text}：共同方式 {_modes(frozenset(shared))}")
    return FitCheck("transfer_mode", False, f"{text}：没有共同方式")


def expiry_check(technology: TechnologyProfile, need: NeedProfile, today: date) -> FitCheck:
    expired = []
    if technology.expires_at is not None and technology.expires_at < today:
        expired.append(f"技术已于 {technology.expires_at.isoformat()} 到期")
    if need.deadline is not None and need.deadline < today:
        expired.append(f"需求已于 {need.deadline.isoformat()} 截止")
    if expired:
        return FitCheck("expiry", False, "；".join(expired))
    ends = [
        f"技术有效至 {technology.expires_at.isoformat()}" if technology.expires_at else "",
        f"需求截止 {need.deadline.isoformat()}" if need.deadline else "",
    ]
    return FitCheck("expiry", True, "；".join(e for e in ends if e) or "均未设有效期")


def fit_checks(technology: TechnologyProfile, need: NeedProfile, today: date) -> list[FitCheck]:
    return [
        trl_check(technology, need),
        price_check(technology, need),
        transfer_mode_check(technology, need),
        expiry_check(technology, need, today),
    ]


def fit_score(checks: list[FitCheck]) -> float:
    """Passed counts 1, unknown 0.5, failed 0: a listing that states its terms ranks above one
    that does not."""
    values = [1.0 if c.passed else 0.5 if c.passed is None else 0.0 for c in checks]
    return sum(values) / len(values) if values else 0.0


def _area_label(code: str | None) -> str:
    if not code:
        return "未分类"
    area = plan_area_by_code().get(code)
    return f"{code} {area.name}" if area else code


def describe_area(technology: TechnologyProfile, need: NeedProfile, taxonomy_part: float) -> str:
    tech_area, need_area = _area_label(technology.area), _area_label(need.area)
    if taxonomy_part >= 1.0:
        return f"同一领域：{tech_area}"
    if taxonomy_part >= 0.5:
        return f"同一行动：技术 {tech_area}，需求 {need_area}"
    if taxonomy_part > 0:
        return f"相关领域（有共同关键词）：技术 {tech_area}，需求 {need_area}"
    return f"领域不同：技术 {tech_area}，需求 {need_area}"
