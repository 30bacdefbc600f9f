"""Refit the score weights from users' judgements of matches, with a held-out check.

A judgement is one stored match (its score parts when it was shown) and whether it turned out
relevant: the feedback given on it, or where it went in the pipeline (contacted, negotiating,
contracted: relevant; rejected: not). A logistic regression over the four parts, fitted on the
training needs, gives the weights (negative coefficients count as 0, then scaled so semantic,
lexical, taxonomy and fit keep the live weights' total). The needs are split once by id
(every third need held out); the fitted weights are adopted only when they separate relevant
from irrelevant matches of the held-out needs better than the live weights (ROC AUC).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from matching.matcher import MatchWeights

PARTS = ("semantic", "lexical", "taxonomy", "fit")
MIN_JUDGEMENTS = 20  # fewer than this (or one class only) and nothing is fitted


@dataclass(frozen=True)
class Judgement:
    need_id: int | str
    parts: dict[str, float]
    relevant: bool


@dataclass(frozen=True)
class FeedbackFit:
    weights: MatchWeights  # the fitted weights (the live ones when nothing could be fitted)
    judgements: int
    trained_on: int
    held_out: int
    live_auc: float | None
    fitted_auc: float | None
    adopted: bool
    reason: str


def _matrix(judgements: Sequence[Judgement]) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[float(j.parts.get(p) or 0.0) for p in PARTS] for j in judgements])
    y = np.array([j.relevant for j in judgements], dtype=int)
    return x, y


def _scores(x: np.ndarray, weights: MatchWeights) -> np.ndarray:
    return x @ np.array([getattr(weights, p) for p in PARTS])


def _auc(y: np.ndarray, scores: np.ndarray) -> float | None:
    return float(roc_auc_score(y, scores)) if len(set(y.tolist())) == 2 else None


def is_held_out(position: int) -> bool:
    """Every third need (in id order) is held out."""
    return position % 3 == 2


def fit_from_judgements(judgements: Sequence[Judgement], live: MatchWeights) -> FeedbackFit:
    order = {n: i for i, n in enumerate(sorted({j.need_id for j in judgements}, key=str))}
    train = [j for j in judgements if not is_held_out(order[j.need_id])]
    test = [j for j in judgements if is_held_out(order[j.need_id])]

    def unchanged(reason: str) -> FeedbackFit:
        return FeedbackFit(live, len(judgements), len(train), len(test), None, None, False, reason)

    if len(judgements) < MIN_JUDGEMENTS:
        return unchanged(f"only {len(judgements)} judgements (at least {MIN_JUDGEMENTS} needed)")
    x_train, y_train = _matrix(train)
    x_test, y_test = _matrix(test)
    if len(set(y_train.tolist())) < 2 or len(set(y_test.tolist())) < 2:
        return unchanged("training or held-out needs lack relevant or irrelevant judgements")
    model = LogisticRegression(C=1.0, class_weight="balanced").fit(x_train, y_train)
    coefficients = np.clip(model.coef_[0], 0, None)
    if coefficients.sum() <= 0:
        return unchanged("no score part predicts relevance")
    total = sum(getattr(live, p) for p in PARTS)
    scaled = {
        p: round(float(c / coefficients.sum() * total), 3)
        for p, c in zip(PARTS, coefficients, strict=True)
    }
    fitted = replace(live, **scaled)
    live_auc, fitted_auc = (
        _auc(y_test, _scores(x_test, live)),
        _auc(y_test, _scores(x_test, fitted)),
    )
    adopted = fitted_auc is not None and live_auc is not None and fitted_auc > live_auc
    reason = "held-out AUC improved" if adopted else "held-out AUC not better than the live weights"
    return FeedbackFit(
        fitted, len(judgements), len(train), len(test), live_auc, fitted_auc, adopted, reason
    )
