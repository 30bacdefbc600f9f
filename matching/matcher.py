"""Rank technologies for a need and needs for a technology, with explanations.

Score = weighted sum of four parts, each in [0, 1]:

- semantic: embedding cosine, rescaled so that the candidate set's typical similarity is 0;
- lexical: BM25 on jieba words and on Chinese character n-grams (``search.tokenize``), each divided
  by its best value among the candidates, but never by less than ``MatchWeights.lexical_floor``
  times the query's BM25 against itself, mixed by ``MatchWeights.char_share``;
- taxonomy: same plan field 1, same action 0.5, fields that share a key term 0.25, else 0;
- fit: the four fit checks (TRL, price within budget, a shared transfer mode, not expired),
  passed 1, unknown 0.5, failed 0, averaged. With ``require_fit`` a failed check excludes.

Everything over the candidates is vectorised (one matrix product, sparse column sums, array
comparisons); explanations are built only for the ``limit`` results returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np

from embeddings.protocol import TextEmbedder
from matching.candidate_index import (
    CandidateIndex,
    Side,
    action_of,
    build_index,
    character_tokens,
    day_ordinal,
    mode_mask,
)
from matching.catalogue_stopwords import catalogue_stopwords
from matching.expansion import QueryExpansion, problem_vocabulary
from matching.explain import (
    CHECK_LABELS,
    FitCheck,
    MatchExplanation,
    ScoreParts,
    describe_area,
    fit_checks,
)
from matching.lexical import BM25Matrix
from matching.profiles import NeedProfile, TechnologyProfile, profile_text
from matching.taxonomy import plan_areas
from search.tokenize import normalize, tokenize

_SHOWN_TERMS = 8
_FULL_CONFIDENCE_TOKENS = 12  # texts with fewer words than this match with reduced confidence
_TAXONOMY_SAME_FIELD, _TAXONOMY_SAME_ACTION, _TAXONOMY_RELATED = 1.0, 0.5, 0.25


@dataclass(frozen=True)
class MatchWeights:
    """Weights of the score parts.

    semantic, lexical, char_share, expand_query, lexical_floor and recommend_min were chosen by
    ``matching.calibrate`` (grid of 540 weightings, mean nDCG@10 over the two labeled sets) on the
    calibration halves of seed_data/matching/labeled_pairs.csv and problem_pairs.csv with
    multilingual-e5-small; the test halves were not looked at. Taxonomy and fit cannot be fitted
    on those sets (no terms of trade) and keep a tenth each. See matching/README.md.
    """

    semantic: float = 0.35
    lexical: float = 0.45
    taxonomy: float = 0.1
    fit: float = 0.1
    char_share: float = 0.8  # share of character BM25 within the lexical part
    # Each BM25 is divided by the best candidate's, but by no less than this share of the query's
    # BM25 against itself: when the best candidate shares only a word or two (碳足迹, 产品) it
    # does not get the full lexical part.
    lexical_floor: float = 0.5
    expand_query: bool = True  # append problem-vocabulary terms to the lexical query
    # below this text score (semantic and lexical parts) a match is not offered as a
    # recommendation (F1 on grade >= 1 among the calibration needs' top 10)
    recommend_min: float = 0.252

    def text_score(
        self, semantic: float | np.ndarray, lexical: float | np.ndarray
    ) -> float | np.ndarray:
        """The part of the score that says the texts match (what ``recommend_min`` bounds)."""
        return self.semantic * semantic + self.lexical * lexical


DEFAULT_WEIGHTS = MatchWeights()
CALIBRATED_EMBEDDER = "multilingual-e5-small"  # the model DEFAULT_WEIGHTS were calibrated with


@dataclass(frozen=True)
class MatchResult:
    technology_id: int | str
    technology_title: str
    need_id: int | str
    need_title: str
    score: float
    parts: ScoreParts
    explanation: MatchExplanation
    confidence: float
    recommended: bool = True  # text score at least MatchWeights.recommend_min

    def to_api(self, counterpart: Side) -> dict:
        """The API item: ``{"technology"|"need": {...}, "score", "parts", "explanation"}``."""
        if counterpart == "technology":
            other = {"id": self.technology_id, "title": self.technology_title}
        else:
            other = {"id": self.need_id, "title": self.need_title}
        return {
            counterpart: other,
            "score": self.score,
            "confidence": self.confidence,
            "recommended": self.recommended,
            "parts": {
                k: getattr(self.parts, k) for k in ("semantic", "lexical", "taxonomy", "fit")
            },
            "explanation": self.explanation.to_dict(),
        }


@cache
def _related_fields() -> frozenset[tuple[str, str]]:
    """Pairs of plan fields that share a key term (储能: A01.03 and A05.04)."""
    fields = [a for a in plan_areas() if a.level == "field"]
    terms = {a.code: {normalize(t) for t in a.terms} for a in fields}
    return frozenset(
        (a.code, b.code)
        for a in fields
        for b in fields
        if a.code != b.code and terms[a.code] & terms[b.code]
    )


@dataclass(frozen=True)
class _FitArrays:
    values: np.ndarray  # (n,) fit part
    failed: np.ndarray  # (n,) bool: at least one check failed
    failed_by_check: dict[str, np.ndarray]


def _check_values(known: np.ndarray, passed: np.ndarray) -> np.ndarray:
    return np.where(known, np.where(passed, 1.0, 0.0), 0.5)


def _fit_arrays(
    query: TechnologyProfile | NeedProfile, index: CandidateIndex, today: date
) -> _FitArrays:
    n = len(index)
    unknown = np.zeros(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        if isinstance(query, NeedProfile):  # candidates are technologies
            trl_known = ~np.isnan(index.trl) if query.min_trl is not None else unknown
            trl_pass = index.trl >= (query.min_trl or 0)
            price_known = ~np.isnan(index.money_low) if query.budget_max is not None else unknown
            price_pass = index.money_low <= (query.budget_max or 0)
            query_end = day_ordinal(query.deadline)
        else:  # candidates are needs
            trl_known = ~np.isnan(index.trl) if query.trl is not None else unknown
            trl_pass = (query.trl or 0) >= index.trl
            price_known = ~np.isnan(index.money_high) if query.price_min is not None else unknown
            price_pass = (query.price_min or 0) <= index.money_high
            query_end = day_ordinal(query.expires_at)
    query_modes = mode_mask(query.transfer_modes)
    modes_known = (index.modes != 0) & (query_modes != 0)
    modes_pass = (index.modes & query_modes) != 0
    expired = (index.end < today.toordinal()) | (query_end < today.toordinal())
    checks = {
        "trl": (trl_known, trl_pass),
        "price": (price_known, price_pass),
        "transfer_mode": (modes_known, modes_pass),
        "expiry": (np.ones(n, dtype=bool), ~expired),
    }
    values = sum(_check_values(k, p) for k, p in checks.values()) / len(checks)
    failed_by_check = {name: k & ~p for name, (k, p) in checks.items()}
    failed = np.logical_or.reduce(list(failed_by_check.values()))
    return _FitArrays(np.asarray(values, dtype=np.float32), failed, failed_by_check)


def _taxonomy_part(
    query_area: str | None, query_action: str | None, index: CandidateIndex
) -> np.ndarray:
    part = np.zeros(len(index), dtype=np.float32)
    if query_action:
        part[index.actions == index.codes.get(query_action, -2)] = _TAXONOMY_SAME_ACTION
    if query_area:
        related = [
            index.codes[b] for a, b in _related_fields() if a == query_area and b in index.codes
        ]
        if related:
            part[np.isin(index.areas, related) & (part == 0)] = _TAXONOMY_RELATED
        part[index.areas == index.codes.get(query_area, -2)] = _TAXONOMY_SAME_FIELD
    return part


@dataclass(frozen=True)
class BM25Part:
    """One BM25 side of the lexical part: every candidate's raw score and the two scales."""

    raw: np.ndarray
    best: float  # the best candidate's score
    own: float  # the query's score against itself (``BM25Matrix.self_score``)

    @classmethod
    def of(cls, matrix: BM25Matrix, tokens: list[str]) -> BM25Part:
        raw = matrix.scores(tokens)
        best = float(raw.max()) if len(raw) else 0.0
        return cls(raw, best, matrix.self_score(tokens))

    def scaled(self, floor: float) -> np.ndarray:
        """Scores in [0, 1]: divided by the best, or by ``floor`` x the query's own score when
        that is larger (then even the best candidate gets less than 1)."""
        scale = max(self.best, floor * self.own)
        return self.raw / scale if scale > 0 else self.raw


@dataclass(frozen=True)
class CandidateParts:
    """Every score part of every candidate for one query, before weighting."""

    semantic: np.ndarray
    word: BM25Part  # word BM25
    char: BM25Part  # character n-gram BM25
    taxonomy: np.ndarray
    fit: _FitArrays
    query_words: list[str]

    def lexical(self, weights: MatchWeights) -> np.ndarray:
        floor = weights.lexical_floor
        return (1 - weights.char_share) * self.word.scaled(floor) + weights.char_share * (
            self.char.scaled(floor)
        )

    def unrelated(self, weights: MatchWeights) -> np.ndarray:
        """Candidates that share nothing with the query but their terms of trade: no semantic
        similarity above the catalogue's baseline, no lexical score and no related area."""
        return (self.semantic <= 0) & (self.lexical(weights) <= 0) & (self.taxonomy <= 0)

    def combine(self, weights: MatchWeights) -> np.ndarray:
        """Weighted score of every candidate (failed fit checks not excluded here)."""
        return (
            weights.semantic * self.semantic
            + weights.lexical * self.lexical(weights)
            + weights.taxonomy * self.taxonomy
            + weights.fit * self.fit.values
        )


def candidate_parts(
    query: TechnologyProfile | NeedProfile,
    index: CandidateIndex,
    *,
    embedder: TextEmbedder | None = None,
    today: date | None = None,
    expansion: QueryExpansion | None = None,
) -> CandidateParts:
    """Score parts of all candidates in ``index`` for ``query`` (for ranking and calibration).
    ``expansion`` adds technology terms to the lexical query only (never to the embedded text)."""
    text = profile_text(query)
    query_words = tokenize(text)
    lexical_text = expansion.expand(text) if expansion is not None else text
    lexical_words = tokenize(lexical_text) if lexical_text != text else query_words
    semantic = np.zeros(len(index), dtype=np.float32)
    query_vector = query.vector
    if query_vector is None and embedder is not None and index.vectors is not None:
        query_vector = embedder.embed_query(text)
    if query_vector is not None and index.vectors is not None:
        cosine = index.vectors @ np.asarray(query_vector, dtype=np.float32)
        floor = index.semantic_baseline
        semantic = np.clip((cosine - floor) / (1 - floor), 0, 1).astype(np.float32)
    word = BM25Part.of(index.word_bm25, lexical_words)
    char = BM25Part.of(index.char_bm25, character_tokens(lexical_text, lexical_words))
    action = query.action or action_of(query.area)
    taxonomy = _taxonomy_part(query.area, action, index)
    fit = _fit_arrays(query, index, today or date.today())
    return CandidateParts(semantic, word, char, taxonomy, fit, query_words)


def _shared_terms(query_words: list[str], candidate_text: str, index: CandidateIndex) -> list[str]:
    candidate_words = set(tokenize(candidate_text))
    uninformative = catalogue_stopwords()
    shared = [
        w
        for w in dict.fromkeys(query_words)
        if w in candidate_words and len(w) >= 2 and w not in uninformative
    ]
    shared.sort(key=lambda w: -index.word_bm25.term_idf(w))
    return shared[:_SHOWN_TERMS]


def _rank(
    query: TechnologyProfile | NeedProfile,
    candidates: CandidateIndex | Sequence[TechnologyProfile] | Sequence[NeedProfile],
    weights: MatchWeights,
    limit: int,
    today: date | None,
    require_fit: bool,
    embedder: TextEmbedder | None,
) -> list[MatchResult]:
    index = (
        candidates
        if isinstance(candidates, CandidateIndex)
        else build_index(candidates, embedder=embedder)
    )
    if len(index) == 0 or limit <= 0:
        return []
    today = today or date.today()
    expansion = problem_vocabulary() if weights.expand_query else None
    parts = candidate_parts(query, index, embedder=embedder, today=today, expansion=expansion)
    total = parts.combine(weights)
    lexical = parts.lexical(weights)
    total = np.where(parts.unrelated(weights), -np.inf, total)
    if require_fit:
        total = np.where(parts.fit.failed, -np.inf, total)
    top = _top_indices(total, limit)
    return [
        _result(query, index, int(i), float(total[i]), parts, lexical, weights, today) for i in top
    ]


def _top_indices(scores: np.ndarray, limit: int) -> np.ndarray:
    finite = np.isfinite(scores)
    count = min(limit, int(finite.sum()))
    if count == 0:
        return np.array([], dtype=np.int64)
    candidates = (
        np.argpartition(-scores, count - 1)[:count]
        if count < len(scores)
        else np.arange(len(scores))
    )
    candidates = candidates[np.isfinite(scores[candidates])]
    # ties (identical duplicates) keep their input order, so rankings are reproducible
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order][:count]


def _result(
    query: TechnologyProfile | NeedProfile,
    index: CandidateIndex,
    i: int,
    score: float,
    parts: CandidateParts,
    lexical_part: np.ndarray,
    weights: MatchWeights,
    today: date,
) -> MatchResult:
    query_words = parts.query_words
    candidate = index.profiles[i]
    technology, need = (candidate, query) if isinstance(query, NeedProfile) else (query, candidate)
    lexical = float(lexical_part[i])
    part_values = ScoreParts(
        semantic=round(float(parts.semantic[i]), 4),
        lexical=round(lexical, 4),
        taxonomy=round(float(parts.taxonomy[i]), 4),
        fit=round(float(parts.fit.values[i]), 4),
    )
    shortest = min(len(query_words), int(index.token_counts[i]))
    confidence = round(min(1.0, shortest / _FULL_CONFIDENCE_TOKENS), 3)
    notes = []
    if confidence < 1.0:
        notes.append(f"文本较短（{shortest} 个词），匹配置信度低")
    if index.vectors is None:
        notes.append("没有可用的文本向量，语义分为 0")
    explanation = MatchExplanation(
        terms=_shared_terms(query_words, profile_text(candidate), index),
        area=describe_area(technology, need, float(parts.taxonomy[i])),
        checks=fit_checks(technology, need, today),
        parts=part_values,
        notes=notes,
    )
    return MatchResult(
        technology_id=technology.id,
        technology_title=technology.title,
        need_id=need.id,
        need_title=need.title,
        score=round(score, 4),
        parts=part_values,
        explanation=explanation,
        confidence=confidence,
        recommended=bool(
            weights.text_score(float(parts.semantic[i]), lexical) >= weights.recommend_min
        ),
    )


def rank_technologies_for_need(
    need: NeedProfile,
    technologies: CandidateIndex | Sequence[TechnologyProfile],
    *,
    weights: MatchWeights = DEFAULT_WEIGHTS,
    limit: int = 10,
    today: date | None = None,
    require_fit: bool = True,
    embedder: TextEmbedder | None = None,
) -> list[MatchResult]:
    """Best technologies for ``need``. Pass a prebuilt ``CandidateIndex`` to rank many needs
    against the same catalogue; ``embedder`` embeds texts that carry no vector."""
    return _rank(need, technologies, weights, limit, today, require_fit, embedder)


def rank_needs_for_technology(
    technology: TechnologyProfile,
    needs: CandidateIndex | Sequence[NeedProfile],
    *,
    weights: MatchWeights = DEFAULT_WEIGHTS,
    limit: int = 10,
    today: date | None = None,
    require_fit: bool = True,
    embedder: TextEmbedder | None = None,
) -> list[MatchResult]:
    """Best open needs for ``technology`` (the mirror of ``rank_technologies_for_need``)."""
    return _rank(technology, needs, weights, limit, today, require_fit, embedder)


def failed_check_summary(
    query: TechnologyProfile | NeedProfile,
    candidates: CandidateIndex | Sequence[TechnologyProfile] | Sequence[NeedProfile],
    *,
    today: date | None = None,
) -> list[FitCheck]:
    """Why there are no matches: per fit check, how many candidates it excluded.

    Returns only the checks that excluded someone, e.g. 价格与预算：12 / 12 项不满足."""
    index = candidates if isinstance(candidates, CandidateIndex) else build_index(candidates)
    arrays = _fit_arrays(query, index, today or date.today())
    summary = []
    for name, failed in arrays.failed_by_check.items():
        count = int(failed.sum())
        if count:
            detail = f"{CHECK_LABELS[name]}：{count} / {len(index)} 项不满足"
            summary.append(FitCheck(name, False, detail))
    return summary
