"""Quality measured on labeled data: ranking metrics for matching, classification metrics for
carbon type and area. Functions take labeled data and a ranker or classifier and return tables
(lists of rows) that the CLI prints with ``format_table``.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from matching.carbon_data import LabeledText

RELEVANT = 1  # grades: 0 not relevant, 1 related, 2 the technology the need asks for


# --- ranking -----------------------------------------------------------------------------------


@dataclass
class LabeledPairs:
    """Needs, the technology pool, and graded relevance per (need, technology).

    Rows with an empty need only add their technology to the pool: every technology a need is
    ranked against, judged or not, counts as not relevant unless graded."""

    needs: dict[str, str] = field(default_factory=dict)
    technologies: dict[str, str] = field(default_factory=dict)
    relevance: dict[str, dict[str, int]] = field(default_factory=dict)
    splits: dict[str, str] = field(default_factory=dict)  # need id -> "calibration" | "test"

    def half(self, split: str | None) -> LabeledPairs:
        """The needs of one split ranked against the whole pool (``None``: every need)."""
        if split is None:
            return self
        keep = {n for n in self.needs if self.splits.get(n) == split}
        return LabeledPairs(
            {n: t for n, t in self.needs.items() if n in keep},
            self.technologies,
            {n: g for n, g in self.relevance.items() if n in keep},
            {n: s for n, s in self.splits.items() if n in keep},
        )


def read_labeled_pairs(path: Path) -> LabeledPairs:
    """Columns ``need_id, need_text, technology_id, technology_text, relevance`` (0-2) and,
    optionally, ``split`` (calibration / test, fixed per need)."""
    pairs = LabeledPairs()
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            tech_id = (row.get("technology_id") or "").strip()
            if tech_id:
                pairs.technologies.setdefault(tech_id, row.get("technology_text") or "")
            need_id = (row.get("need_id") or "").strip()
            if not need_id:
                continue
            pairs.needs.setdefault(need_id, row.get("need_text") or "")
            if (row.get("split") or "").strip():
                pairs.splits.setdefault(need_id, row["split"].strip())
            if tech_id and (row.get("relevance") or "").strip():
                grade = int(row["relevance"])
                if not 0 <= grade <= 2:
                    raise ValueError(
                        f"relevance must be 0, 1 or 2, got {grade} ({need_id}, {tech_id})"
                    )
                pairs.relevance.setdefault(need_id, {})[tech_id] = grade
    return pairs


def recall_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    relevant = {item for item, grade in grades.items() if grade >= RELEVANT}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)


def reciprocal_rank(ranked: Sequence[str], grades: Mapping[str, int]) -> float:
    for position, item in enumerate(ranked, start=1):
        if grades.get(item, 0) >= RELEVANT:
            return 1.0 / position
    return 0.0


def ndcg_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """nDCG with gain 2^grade - 1 over graded relevance 0-2."""

    def dcg(values: Sequence[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(values[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(item, 0) for item in ranked]) / ideal if ideal > 0 else 0.0


def top1_hit(ranked: Sequence[str], grades: Mapping[str, int]) -> float:
    """1 when the first result is the technology the need asks for (grade 2)."""
    return 1.0 if ranked and grades.get(ranked[0], 0) == 2 else 0.0


@dataclass(frozen=True)
class RankingMetrics:
    method: str
    queries: int
    recall_at_10: float
    mrr: float
    ndcg_at_10: float
    top1: float

    def row(self) -> list[str]:
        return [
            self.method,
            str(self.queries),
            f"{self.recall_at_10:.3f}",
            f"{self.mrr:.3f}",
            f"{self.ndcg_at_10:.3f}",
            f"{self.top1:.3f}",
        ]


RANKING_HEADER = ["method", "needs", "Recall@10", "MRR", "nDCG@10", "Top1"]

Ranker = Callable[[str, str], Sequence[str]]  # (need id, need text) -> technology ids, best first


def evaluate_ranker(method: str, pairs: LabeledPairs, ranker: Ranker) -> RankingMetrics:
    """Mean metrics over the needs that have at least one relevant technology."""
    judged = [
        n for n, grades in pairs.relevance.items() if any(g >= RELEVANT for g in grades.values())
    ]
    totals = [0.0, 0.0, 0.0, 0.0]
    for need_id in judged:
        ranked = list(ranker(need_id, pairs.needs[need_id]))
        grades = pairs.relevance[need_id]
        for i, value in enumerate(
            (
                recall_at_k(ranked, grades),
                reciprocal_rank(ranked, grades),
                ndcg_at_k(ranked, grades),
                top1_hit(ranked, grades),
            )
        ):
            totals[i] += value
    n = max(len(judged), 1)
    return RankingMetrics(method, len(judged), *(t / n for t in totals))


# --- classification ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassificationReport:
    name: str
    accuracy: float
    macro_f1: float
    labels: list[str]
    confusion: list[list[int]]  # rows: true label, columns: predicted label
    count: int

    def recall(self) -> dict[str, float]:
        """Share of each true label's texts classified as that label."""
        return {
            label: row[i] / max(sum(row), 1)
            for i, (label, row) in enumerate(zip(self.labels, self.confusion, strict=True))
        }

    def table(self) -> list[list[str]]:
        """The confusion matrix as printable rows (first column: true label)."""
        return [
            [label, *map(str, row)] for label, row in zip(self.labels, self.confusion, strict=True)
        ]


def confusion_matrix(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> list[list[int]]:
    position = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for t, p in zip(truth, predicted, strict=True):
        matrix[position[t]][position[p]] += 1
    return matrix


def macro_f1(confusion: Sequence[Sequence[int]]) -> float:
    """Mean F1 over the labels that occur in the truth."""
    scores = []
    for i, row in enumerate(confusion):
        support = sum(row)
        if support == 0:
            continue
        predicted = sum(r[i] for r in confusion)
        tp = row[i]
        precision = tp / predicted if predicted else 0.0
        recall = tp / support
        scores.append(2 * precision * recall / (precision + recall) if tp else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def evaluate_classifier(
    name: str, items: Sequence[LabeledText], classify: Callable[[str], str]
) -> ClassificationReport:
    return classification_report(name, items, [classify(item.text) for item in items])


def classification_report(
    name: str, items: Sequence[LabeledText], predicted: Sequence[str]
) -> ClassificationReport:
    """Scores of ``predicted`` (one label per item, in order) against the items' labels."""
    truth = [item.label for item in items]
    labels = sorted(set(truth) | set(predicted))
    matrix = confusion_matrix(truth, predicted, labels)
    correct = sum(matrix[i][i] for i in range(len(labels)))
    return ClassificationReport(
        name, correct / max(len(items), 1), macro_f1(matrix), labels, matrix, len(items)
    )


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table, columns padded (East Asian characters count double)."""

    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    widths = [max(width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for r in [header, *rows]:
        lines.append(
            "  ".join(str(c) + " " * (w - width(str(c))) for c, w in zip(r, widths, strict=True))
        )
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)
