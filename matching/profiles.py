"""What the matcher reads about a technology or a need (plain data, built by the portal)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

TRANSFER_MODES = ("license", "assignment", "joint_development", "equity", "service")
TRANSFER_MODE_LABELS = {
    "license": "许可",
    "assignment": "转让",
    "joint_development": "合作开发",
    "equity": "作价入股",
    "service": "技术服务",
}


@dataclass
class TechnologyProfile:
    id: int | str
    title: str
    text: str
    area: str | None = None  # plan field code, e.g. "A01.01"
    action: str | None = None  # plan action code, e.g. "A01"
    terms: list[str] = field(default_factory=list)  # keywords given by the poster
    trl: int | None = None
    price_min: float | None = None  # 万元
    price_max: float | None = None
    transfer_modes: frozenset[str] = frozenset()
    expires_at: date | None = None
    vector: np.ndarray | None = None


@dataclass
class NeedProfile:
    id: int | str
    title: str
    text: str
    area: str | None = None
    action: str | None = None
    min_trl: int | None = None
    budget_min: float | None = None  # 万元
    budget_max: float | None = None
    transfer_modes: frozenset[str] = frozenset()
    deadline: date | None = None
    vector: np.ndarray | None = None


def profile_text(profile: TechnologyProfile | NeedProfile) -> str:
    """The text that is embedded and tokenized: title, body and (for technologies) keywords."""
    terms = " ".join(getattr(profile, "terms", []) or [])
    return " ".join(part for part in (profile.title, profile.text, terms) if part)
