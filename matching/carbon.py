"""Carbon type (负碳 / 零碳 / 低碳 / none) of a text, a technology or an organization (DESIGN §7).

Two layers, both explainable:

- rules: key terms and plan fields per type (``seed_data/carbon/rules.json``); each hit is a reason;
- learned: the labeled examples nearest in embedding space
  (the train split of ``seed_data/classification/carbon_labeled.csv``) vote,
  weighted by similarity, beside a logistic regression fitted on all the examples' vectors;
  the nearest example and the regression's verdict are named in the reasons.

The two distributions over types are averaged (``RULE_SHARE``); the type with the highest share
wins and that share is the confidence.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from embeddings.protocol import TextEmbedder
from matching.carbon_data import (
    CARBON_LABELS,
    CARBON_TYPES,
    CarbonRule,
    LabeledText,
    carbon_rules,
    labeled_examples,
)
from matching.taxonomy import plan_area_by_code
from matching.term_finder import TermFinder
from search.tokenize import normalize

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression

# Share of the rule layer in the final distribution; the rest is the learned layer. RULE_SHARE and
# _HIT_GAIN were chosen together, leave-one-out on the train split only, with multilingual-e5-small:
# 0.4 and 1.0 had the best macro-F1 of shares {0.3, ..., 0.7} x gains {0.6, 1.0, 1.5}
# (seed_data/classification/README.md).
RULE_SHARE = 0.4
# 9 had the best leave-one-out macro-F1 on the 591-text train split of {3, 5, 7, 9, 11, 15}
# (0.901, against 0.894 with 7), with the sink terms added to rules.json in the same run.
NEIGHBOURS = 9
# Share of the logistic regression in the learned layer (the rest: the neighbours' votes) and its
# inverse regularization: 0.25 and 100 had the best leave-one-out macro-F1 on the train split of
# the shares and C tried (0.895, against 0.890 for the neighbours alone; the grid is in
# seed_data/classification/README.md).
HEAD_SHARE = 0.25
HEAD_C = 100.0
# Each further term hit adds less: 1 hit -> 0.63, 2 -> 0.86, 3 -> 0.95; one hit must outweigh
# "none" (1 - the strongest type's score).
_HIT_GAIN = 1.0
# A term in the subject (the text before its first "："; a product's name and kind, a paper's
# title) counts this many times more: what a thing is outweighs how it is made (a PV module whose
# green-design highlight is its recyclable glass is still 零碳; CARBON_LABELING.md).
SUBJECT_WEIGHT = 2
SUBJECT_SEPARATOR = "："
# Share of the rule layer when the subject itself names a type's terms: 0.7 had the best
# macro-F1 of {0.4, ..., 0.8} in the same leave-one-out run on the train split.
SUBJECT_RULE_SHARE = 0.7
# When the subject names a type, the other types' hits describe how the thing is made or used and
# count this much (tuned in the same run).
OFF_SUBJECT_FACTOR = 0.5
_PLAN_FIELD_SCORE = 0.8
_SHOWN_TERMS = 5


@dataclass(frozen=True)
class CarbonClassification:
    carbon_type: str  # "negative" | "zero" | "low" | "none"
    confidence: float
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return CARBON_LABELS[self.carbon_type]


@dataclass(frozen=True)
class _RuleEvidence:
    scores: dict[str, float]
    reasons: list[str]
    subject_hits: bool = False


def subject_of(text: str) -> str:
    """The part of ``text`` before its first "：" (empty when there is none)."""
    head, separator, _ = text.partition(SUBJECT_SEPARATOR)
    return head if separator else ""


def _rule_evidence(
    present: set[str], subject: str, plan_area: str | None, rules: Sequence[CarbonRule]
) -> _RuleEvidence:
    """Scores from the rule terms ``present`` in the text, those of them in its ``subject``
    (normalized) and the plan field."""
    scores: dict[str, float] = {}
    reasons: list[str] = []
    subject_types: set[str] = set()
    areas = plan_area_by_code() if plan_area else {}
    for rule in rules:
        hits = [term for term in rule.terms if term and term in present]
        # a term inside a longer hit ("碳汇" in "林业碳汇") is the same piece of evidence
        hits = [t for t in hits if not any(t != other and t in other for other in hits)]
        in_subject = [t for t in hits if t in subject]
        score = 1 - math.exp(-_HIT_GAIN * (len(hits) + SUBJECT_WEIGHT * len(in_subject)))
        if in_subject:
            shown = "、".join(in_subject[:_SHOWN_TERMS])
            reasons.append(f"规则：名称命中{rule.label}关键词 {shown}")
        if hits:
            reasons.append(f"规则：命中{rule.label}关键词 {'、'.join(hits[:_SHOWN_TERMS])}")
        if plan_area and plan_area in rule.plan_fields:
            score = max(score, _PLAN_FIELD_SCORE)
            area_name = areas[plan_area].name if plan_area in areas else plan_area
            reasons.append(f"规则：所属领域 {plan_area}（{area_name}）属于{rule.label}")
        scores[rule.carbon_type] = score
        subject_types.update([rule.carbon_type] if in_subject else [])
    if subject_types:
        scores = {t: v if t in subject_types else v * OFF_SUBJECT_FACTOR for t, v in scores.items()}
    strongest = max(scores.values(), default=0.0)
    scores["none"] = 1 - strongest
    return _RuleEvidence(scores, reasons, bool(subject_types))


def _as_distribution(scores: dict[str, float]) -> np.ndarray:
    values = np.array([max(scores.get(t, 0.0), 0.0) for t in CARBON_TYPES], dtype=np.float64)
    total = values.sum()
    return values / total if total > 0 else np.full(len(CARBON_TYPES), 1 / len(CARBON_TYPES))


class CarbonClassifier:
    """Classifies texts; build once (it embeds the labeled examples) and reuse."""

    def __init__(
        self,
        embedder: TextEmbedder | None = None,
        *,
        examples: Sequence[LabeledText] | None = None,
        rules: Sequence[CarbonRule] | None = None,
        rule_share: float = RULE_SHARE,
    ):
        self.embedder = embedder
        self.examples = list(examples if examples is not None else labeled_examples())
        self.rules = list(rules if rules is not None else carbon_rules())
        self.rule_share = rule_share if embedder is not None else 1.0
        self._example_vectors = (
            embedder.embed_documents([example.text for example in self.examples])
            if embedder is not None and self.examples
            else None
        )
        self._example_types = np.array([CARBON_TYPES.index(e.label) for e in self.examples])
        self._head = self._fit_head()
        self._term_finder = TermFinder(term for rule in self.rules for term in rule.terms)

    def _fit_head(self) -> LogisticRegression | None:
        if self._example_vectors is None or len(set(self._example_types)) < 2:
            return None
        # imported here: scikit-learn takes a second to load, and the rules alone do without it
        from sklearn.linear_model import LogisticRegression
        from threadpoolctl import threadpool_limits

        # one thread: the fit is small, and BLAS threads fighting over a busy machine make it
        # a hundred times slower (leave-one-out refits it once per group)
        with threadpool_limits(1):
            return LogisticRegression(C=HEAD_C, max_iter=3000).fit(
                self._example_vectors, self._example_types
            )

    def without(self, indices: Collection[int]) -> CarbonClassifier:
        """This classifier with the examples at ``indices`` left out, their vectors reused and
        the regression refitted (for leave-one-out evaluation on the examples themselves: a text
        must not vote for itself)."""
        keep = np.setdiff1d(np.arange(len(self.examples)), np.fromiter(indices, int))
        other = copy.copy(self)
        other.examples = [self.examples[i] for i in keep]
        other._example_types = self._example_types[keep]
        if self._example_vectors is not None:
            other._example_vectors = self._example_vectors[keep]
        other._head = other._fit_head()
        return other

    def _learned_evidence(self, text: str) -> tuple[np.ndarray, list[str]]:
        assert self.embedder is not None and self._example_vectors is not None
        query = self.embedder.embed_query(text)
        similarities = self._example_vectors @ query
        order = np.argsort(-similarities)[:NEIGHBOURS]
        votes = np.zeros(len(CARBON_TYPES))
        # softmax over the neighbours' similarities: the nearest count most, ties share evenly
        weights = np.exp((similarities[order] - similarities[order[0]]) / 0.05)
        np.add.at(votes, self._example_types[order], weights)
        nearest = self.examples[order[0]]
        reasons = [
            f"示例：最相近的已标注文本为「{nearest.text[:24]}…」"
            f"（{CARBON_LABELS[nearest.label]}，相似度 {similarities[order[0]]:.2f}）"
        ]
        learned = votes / votes.sum()
        if self._head is not None:
            fitted = np.zeros(len(CARBON_TYPES))
            fitted[self._head.classes_] = self._head.predict_proba(query[None, :])[0]
            learned = (1 - HEAD_SHARE) * learned + HEAD_SHARE * fitted
            best = int(np.argmax(fitted))
            reasons.append(
                f"示例：按全部 {len(self.examples)} 条已标注文本拟合的回归判为"
                f"{CARBON_LABELS[CARBON_TYPES[best]]}（概率 {fitted[best]:.2f}）"
            )
        return learned, reasons

    def classify(self, text: str, *, plan_area: str | None = None) -> CarbonClassification:
        """Type of ``text``; ``plan_area`` (a plan field code) adds the taxonomy rule."""
        if not text or not text.strip():
            if not plan_area:
                return CarbonClassification("none", 0.0, ["文本为空，无法判断"])
            text = ""
        present = self._term_finder.found_in(normalize(text))
        rule = _rule_evidence(present, normalize(subject_of(text)), plan_area, self.rules)
        share = max(self.rule_share, SUBJECT_RULE_SHARE) if rule.subject_hits else self.rule_share
        distribution = share * _as_distribution(rule.scores)
        reasons = list(rule.reasons)
        if share < 1.0 and text:
            learned, learned_reasons = self._learned_evidence(text)
            distribution = distribution + (1 - share) * learned
            reasons.extend(learned_reasons)
        best = int(np.argmax(distribution))
        carbon_type = CARBON_TYPES[best]
        confidence = round(float(distribution[best]), 3)
        reasons.append(f"结论：{CARBON_LABELS[carbon_type]}，置信度 {confidence:.2f}")
        return CarbonClassification(carbon_type, confidence, reasons)

    def classify_by_terms(self, text: str) -> CarbonClassification:
        """The type whose rule terms the text hits most (any hit decides), for bulk tagging
        where no embedder runs: no nearest examples, and a text with no rule term is "none" at
        once."""
        present = self._term_finder.found_in(normalize(text or ""))
        if not present:  # most texts of a large import: no rule to weigh
            return CarbonClassification("none", 1.0, ["规则：未命中关键词"])
        rule = _rule_evidence(present, normalize(subject_of(text or "")), None, self.rules)
        typed = {t: rule.scores.get(t, 0.0) for t in CARBON_TYPES if t != "none"}
        best = max(typed, key=lambda t: typed[t])  # ties: the first of negative, zero, low
        if typed[best] <= 0:
            return CarbonClassification(
                "none", round(rule.scores["none"], 3), ["规则：未命中关键词"]
            )
        confidence = round(typed[best], 3)
        return CarbonClassification(
            best,
            confidence,
            [*rule.reasons, f"结论：{CARBON_LABELS[best]}，置信度 {confidence:.2f}"],
        )


def classify_organization(
    items: Sequence[CarbonClassification], description: CarbonClassification | None = None
) -> CarbonClassification:
    """An organization's type from its published items (and its description, counted as one item).

    Each item votes for its type with its confidence. Items of no carbon type only decide when no
    item has one: a firm with one solar product among unrelated ones is still a 零碳 firm.
    """
    votes = [*items, *([description] if description is not None else [])]
    if not votes:
        return CarbonClassification("none", 0.0, ["没有已发布的成果、产品或简介"])
    totals = {t: 0.0 for t in CARBON_TYPES}
    counts = {t: 0 for t in CARBON_TYPES}
    for vote in votes:
        totals[vote.carbon_type] += vote.confidence
        counts[vote.carbon_type] += 1
    typed = {t: v for t, v in totals.items() if t != "none" and counts[t]}
    winner = max(typed, key=lambda t: typed[t]) if typed else "none"
    confidence = round(totals[winner] / max(sum(totals.values()), 1e-9), 3)
    summary = "，".join(f"{CARBON_LABELS[t]} {counts[t]} 项" for t in CARBON_TYPES if counts[t])
    reasons = [
        f"依据 {len(votes)} 项（成果、产品与简介）：{summary}",
        f"结论：{CARBON_LABELS[winner]}，置信度 {confidence:.2f}",
    ]
    return CarbonClassification(winner, confidence, reasons)
