"""Technologies or needs prepared for ranking: vectors, BM25 matrices and fit arrays.

``build_index`` does the per-candidate work once (tokenizing, embedding what has no vector,
encoding areas, money, modes and dates as arrays), so that ranking one query against the
candidates is a handful of vectorised operations (``matching.matcher``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np

from embeddings.protocol import TextEmbedder
from matching.lexical import BM25Matrix
from matching.profiles import TRANSFER_MODES, NeedProfile, TechnologyProfile, profile_text
from search.tokenize import char_ngrams, tokenize

Side = Literal["technology", "need"]
_MODE_BITS = {mode: 1 << i for i, mode in enumerate(TRANSFER_MODES)}
_NO_DATE = np.iinfo(np.int64).max


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def character_tokens(text: str, words: list[str]) -> list[str]:
    """Chinese character n-grams plus the words that hold no Chinese character (English words,
    model numbers), so the character part still sees English and mixed texts."""
    return char_ngrams(text) + [word for word in words if not _CJK.search(word)]


def day_ordinal(day: date | None) -> int:
    return day.toordinal() if day is not None else _NO_DATE


def mode_mask(modes: frozenset[str]) -> int:
    return sum(_MODE_BITS.get(mode, 0) for mode in modes)


def _nan_if_none(value: float | None) -> float:
    return float("nan") if value is None else float(value)


@dataclass
class CandidateIndex:
    """Technologies or needs prepared for ranking: vectors, BM25 matrices and fit arrays."""

    side: Side
    profiles: list[TechnologyProfile] | list[NeedProfile]
    vectors: np.ndarray | None
    word_bm25: BM25Matrix
    char_bm25: BM25Matrix
    areas: np.ndarray  # plan field of each candidate as an id into ``codes`` (-1: none)
    actions: np.ndarray  # plan action, same encoding
    trl: np.ndarray  # technologies: trl; needs: min_trl (nan when missing)
    money_low: np.ndarray  # price_min / budget_min
    money_high: np.ndarray  # price_max / budget_max
    modes: np.ndarray  # transfer-mode bit masks (0 when none given)
    end: np.ndarray  # expires_at / deadline as ordinals
    token_counts: np.ndarray
    semantic_baseline: float = 0.0
    codes: dict[str, int] = field(default_factory=dict, repr=False)  # area/action code -> id

    def __len__(self) -> int:
        return len(self.profiles)


def _semantic_baseline(vectors: np.ndarray) -> float:
    """Typical cosine between two candidates (squared norm of the mean vector): the floor below
    which similarity says nothing. e5 puts unrelated Chinese texts near 0.8."""
    if len(vectors) < 2:
        return 0.0
    mean = vectors.mean(axis=0)
    return float(min(max(mean @ mean, 0.0), 0.95))


def build_index(
    profiles: Sequence[TechnologyProfile] | Sequence[NeedProfile],
    *,
    embedder: TextEmbedder | None = None,
) -> CandidateIndex:
    """Index technologies or needs. Profiles without a vector are embedded when ``embedder`` is
    given; without vectors at all the semantic part is 0."""
    profiles = list(profiles)
    side: Side = "need" if profiles and isinstance(profiles[0], NeedProfile) else "technology"
    texts = [profile_text(p) for p in profiles]
    words: dict[str, list[str]] = {}
    chars: dict[str, list[str]] = {}
    for text in dict.fromkeys(texts):  # identical texts are tokenized once
        words[text] = tokenize(text)
        chars[text] = character_tokens(text, words[text])
    vectors = _profile_vectors(profiles, texts, embedder)
    is_need = side == "need"
    codes: dict[str, int] = {}
    return CandidateIndex(
        side=side,
        profiles=profiles,
        vectors=vectors,
        word_bm25=BM25Matrix([words[t] for t in texts]),
        char_bm25=BM25Matrix([chars[t] for t in texts]),
        areas=_code_ids([p.area for p in profiles], codes),
        actions=_code_ids([p.action or action_of(p.area) for p in profiles], codes),
        trl=np.array([_nan_if_none(p.min_trl if is_need else p.trl) for p in profiles]),
        money_low=np.array(
            [_nan_if_none(p.budget_min if is_need else p.price_min) for p in profiles]
        ),
        money_high=np.array(
            [_nan_if_none(p.budget_max if is_need else p.price_max) for p in profiles]
        ),
        modes=np.array([mode_mask(p.transfer_modes) for p in profiles], dtype=np.int64),
        end=np.array(
            [day_ordinal(p.deadline if is_need else p.expires_at) for p in profiles], dtype=np.int64
        ),
        token_counts=np.array([len(words[t]) for t in texts], dtype=np.int32),
        semantic_baseline=_semantic_baseline(vectors) if vectors is not None else 0.0,
        codes=codes,
    )


def _code_ids(values: list[str | None], codes: dict[str, int]) -> np.ndarray:
    """Codes as small integers: comparing ints over 100k candidates is far cheaper than strings."""
    return np.array([codes.setdefault(v, len(codes)) if v else -1 for v in values], dtype=np.int32)


def action_of(area: str | None) -> str | None:
    return area.split(".")[0] if area else None


def _profile_vectors(
    profiles: list, texts: list[str], embedder: TextEmbedder | None
) -> np.ndarray | None:
    if not profiles:
        return None
    missing = [i for i, p in enumerate(profiles) if p.vector is None]
    if missing and embedder is None:
        return None
    embedded = embedder.embed_documents([texts[i] for i in missing]) if missing else None
    dim = embedded.shape[1] if embedded is not None else len(profiles[0].vector)
    vectors = np.zeros((len(profiles), dim), dtype=np.float32)
    for i, p in enumerate(profiles):
        if p.vector is not None:
            vectors[i] = p.vector
    if embedded is not None:
        vectors[missing] = embedded
    return vectors
