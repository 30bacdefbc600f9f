"""The project's standard evaluations, wired to the real components (used by the CLI and tests).

- ``evaluate_matching``: the labeled offer/need set ranked by word BM25, character BM25, the
  embedder alone and the hybrid (``MatchWeights``), as ``RankingMetrics`` rows;
- ``evaluate_carbon``: the carbon classifier on the test split of a labeled set, its examples
  being the set's train split (seed_data/classification/carbon_labeled.csv by default);
- ``evaluate_carbon_leave_one_out``: the same classifier on the train split itself, each text
  classified with its group left out of the examples (the figures that choices are made on);
- ``evaluate_area_on_labeled``: top-1 / top-3 plan-field suggestions on the texts of a labeled set
  that carry a plan field;
- ``evaluate_area_on_catalogue``: the catalogue's own rows (说明 -> 一级目录 / 二级目录), each
  row left out of the index while it is classified.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from embeddings.protocol import TextEmbedder
from matching.area import AreaClassifier
from matching.candidate_index import CandidateIndex, build_index
from matching.carbon import CarbonClassifier
from matching.carbon_data import (
    LABELED_FILE,
    TEST,
    TRAIN,
    LabeledText,
    labeled_set,
    read_labeled_texts,
)
from matching.evaluate import (
    ClassificationReport,
    LabeledPairs,
    RankingMetrics,
    classification_report,
    evaluate_classifier,
    evaluate_ranker,
    read_labeled_pairs,
)
from matching.expansion import problem_vocabulary
from matching.matcher import (
    DEFAULT_WEIGHTS,
    CandidateParts,
    MatchWeights,
    candidate_parts,
)
from matching.profiles import NeedProfile, TechnologyProfile
from matching.taxonomy import GreenCatalogueRow, green_catalogue_rows


def single_part_weights(part: str, *, expand_query: bool = False) -> MatchWeights:
    """Weights that rank by one part alone: "word", "char" or "semantic"."""
    if part == "semantic":
        return MatchWeights(semantic=1.0, lexical=0.0, taxonomy=0.0, fit=0.0)
    char_share = 1.0 if part == "char" else 0.0
    return MatchWeights(
        semantic=0.0,
        lexical=1.0,
        taxonomy=0.0,
        fit=0.0,
        char_share=char_share,
        expand_query=expand_query,
    )


class PairsRanker:
    """Ranks the labeled needs against the labeled technology pool, parts computed once per need
    (with and without query expansion)."""

    def __init__(self, pairs: LabeledPairs, embedder: TextEmbedder | None):
        self.pairs = pairs
        self.embedder = embedder
        technologies = [
            TechnologyProfile(tid, "", text) for tid, text in pairs.technologies.items()
        ]
        self.ids = [t.id for t in technologies]
        self.index: CandidateIndex = build_index(technologies, embedder=embedder)
        self._parts = {
            expand: {
                need_id: candidate_parts(
                    NeedProfile(need_id, "", text),
                    self.index,
                    embedder=embedder,
                    expansion=problem_vocabulary() if expand else None,
                )
                for need_id, text in pairs.needs.items()
            }
            for expand in (False, True)
        }

    def parts(self, need_id: str, weights: MatchWeights) -> CandidateParts:
        return self._parts[weights.expand_query][need_id]

    def ranked(self, need_id: str, weights: MatchWeights) -> list[str]:
        scores = self.parts(need_id, weights).combine(weights)
        order = np.lexsort((np.arange(len(scores)), -scores))
        return [self.ids[i] for i in order[:100]]

    def metrics(
        self, method: str, weights: MatchWeights, split: str | None = None
    ) -> RankingMetrics:
        return evaluate_ranker(
            method, self.pairs.half(split), lambda need_id, _text: self.ranked(need_id, weights)
        )

    def pruned_targets(self, weights: MatchWeights) -> tuple[int, int]:
        """(grade-2 targets the "shares nothing" rule would drop, grade-2 targets in all)."""
        position = {tid: i for i, tid in enumerate(self.ids)}
        dropped = total = 0
        for need_id, grades in self.pairs.relevance.items():
            unrelated = self.parts(need_id, weights).unrelated(weights)
            for tid, grade in grades.items():
                if grade == 2:
                    total += 1
                    dropped += int(unrelated[position[tid]])
        return dropped, total


def evaluate_matching(
    path: Path | PairsRanker,
    embedder: TextEmbedder | None,
    weights: MatchWeights = DEFAULT_WEIGHTS,
    split: str | None = None,
) -> list[RankingMetrics]:
    """Every method on one half (``split``) of a labeled set: each lexical part alone with and
    without query expansion, the embedder alone, and the hybrid with and without expansion."""
    ranker = (
        path if isinstance(path, PairsRanker) else PairsRanker(read_labeled_pairs(path), embedder)
    )
    rows = []
    for part, label in (("word", "word BM25 (jieba)"), ("char", "char BM25")):
        rows.append(ranker.metrics(label, single_part_weights(part), split))
        rows.append(
            ranker.metrics(
                f"{label} + expansion", single_part_weights(part, expand_query=True), split
            )
        )
    if embedder is not None:
        rows.append(
            ranker.metrics(f"semantic ({embedder.name})", single_part_weights("semantic"), split)
        )
    rows.append(ranker.metrics("hybrid", replace(weights, expand_query=False), split))
    rows.append(ranker.metrics("hybrid + expansion", replace(weights, expand_query=True), split))
    return rows


def evaluate_carbon(
    embedder: TextEmbedder | None, path: Path | None = None
) -> ClassificationReport:
    """The classifier built on the train rows of ``path``, measured on its test rows.

    A file without a ``split`` column is measured whole, against the default examples.
    """
    rows = labeled_set() if path is None else read_labeled_texts(path)
    train = [row for row in rows if row.split == TRAIN]
    test = [row for row in rows if row.split == TEST]
    if not test:
        train, test = [], list(rows)
    classifier = CarbonClassifier(embedder, examples=train or None)
    return evaluate_classifier(
        "carbon type", test, lambda text: classifier.classify(text).carbon_type
    )


def evaluate_carbon_leave_one_out(
    embedder: TextEmbedder | None, path: Path | None = None
) -> ClassificationReport:
    """The classifier built on the train rows of ``path``, measured on those rows: each text is
    classified with the examples of its group (itself, or the plan sentence, clauses and field
    that share its wording) left out, as the split keeps a group on one side. Each train text is
    embedded once, as an example; the test rows are not read."""
    rows = labeled_set() if path is None else read_labeled_texts(path)
    train = [row for row in rows if row.split == TRAIN]
    if not train:
        raise ValueError("no row has split = train")
    classifier = CarbonClassifier(embedder, examples=train)
    folds: dict[str, list[int]] = {}
    for i, row in enumerate(train):
        folds.setdefault(row.group or f"#{i}", []).append(i)
    predicted = [""] * len(train)
    for fold in folds.values():
        held_out = classifier.without(fold)
        for i in fold:
            predicted[i] = held_out.classify(train[i].text).carbon_type
    return classification_report("carbon type, train leave-one-out", train, predicted)


@dataclass(frozen=True)
class AreaReport:
    name: str
    count: int
    top1: float
    top3: float
    # Per script of the text ("Chinese", "English"): (texts, top-1, top-3). English texts only
    # match through the fields' English terms, so they are reported apart.
    by_script: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    action_top1: float = 0.0  # the first field's plan action (A01, ...) is the right one


def _script(text: str) -> str:
    return "Chinese" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "English"


def evaluate_area_on_labeled(
    embedder: TextEmbedder | None, path: Path = LABELED_FILE
) -> AreaReport:
    """Plan-field suggestions (``AreaClassifier.suggest_plan``) on every labeled text with a field.

    Nothing is tuned on these texts, so all of them (both splits) are test texts.
    """
    items = [row for row in read_labeled_texts(path) if row.area]
    classifier = AreaClassifier(embedder, green_rows=())
    hits: dict[str, list[tuple[bool, bool]]] = {}
    action_hits = 0
    for item in items:
        query = embedder.embed_query(item.text) if embedder else None
        codes = [c.code for c in classifier.suggest_plan(item.text, query, 3)]
        hits.setdefault(_script(item.text), []).append(
            (codes[:1] == [item.area], item.area in codes)
        )
        action_hits += bool(codes) and codes[0].split(".")[0] == item.area.split(".")[0]

    def rates(pairs: list[tuple[bool, bool]]) -> tuple[int, float, float]:
        count = len(pairs)
        return (
            count,
            sum(a for a, _ in pairs) / max(count, 1),
            sum(b for _, b in pairs) / max(count, 1),
        )

    count, top1, top3 = rates([pair for pairs in hits.values() for pair in pairs])
    return AreaReport(
        "plan field",
        count,
        top1,
        top3,
        by_script={script: rates(pairs) for script, pairs in sorted(hits.items())},
        action_top1=action_hits / max(count, 1),
    )


def evaluate_area_on_catalogue(
    embedder: TextEmbedder | None, rows: Sequence[GreenCatalogueRow] | None = None
) -> list[ClassificationReport]:
    """Classify each catalogue row's 说明 with that row left out; score 一级 and 二级 目录."""
    rows = list(rows if rows is not None else green_catalogue_rows())
    classifier = AreaClassifier(embedder, plan=(), green_rows=rows)
    level2: list[LabeledText] = []
    predicted_level2: dict[str, str] = {}
    for row in rows:
        query = embedder.embed_query(row.description) if embedder else None
        candidates = classifier.suggest_green(row.description, query, 1, exclude_codes={row.code})
        predicted_level2[row.description] = candidates[0].code if candidates else ""
        level2.append(
            LabeledText(row.description, row.level2_code, "green-industry-2019", row.code)
        )
    level1 = [replace(item, label=item.label.split(".")[0]) for item in level2]
    return [
        evaluate_classifier("catalogue 二级目录", level2, lambda text: predicted_level2[text]),
        evaluate_classifier(
            "catalogue 一级目录", level1, lambda text: predicted_level2[text].split(".")[0]
        ),
    ]
