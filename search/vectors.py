"""Search's built-in text embedder, used in tests and when no model is configured.

``HashedNgramVectorizer`` has the shape of ``embeddings.protocol.TextEmbedder``: words and
Chinese character n-grams hashed into a fixed number of dimensions. It is lexical at heart, so
it finds overlap in wording, not paraphrase. The sentence-transformers embedder and the lexical
fallback live in the ``embeddings`` package.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from search.tokenize import char_ngrams, tokenize


# Features repeat across documents (common words and bigrams); hashing each once saves most of
# the embedding time of a bulk load.
@lru_cache(maxsize=1 << 18)
def _bucket(feature: str, dim: int) -> tuple[int, float]:
    # blake2b rather than hash(): Python's string hash changes between processes.
    digest = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "little")
    return digest % dim, 1.0 if digest >> 63 else -1.0


class HashedNgramVectorizer:
    """Deterministic vectors from hashed words and character bigrams (log term frequency)."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"hashed-ngrams-{dim}"

    def _features(self, text: str) -> Counter[str]:
        features = Counter(f"w:{word}" for word in tokenize(text))
        features.update(f"c:{gram}" for gram in char_ngrams(text) if len(gram) == 2)
        return features

    def _embed(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for feature, count in self._features(text).items():
            index, sign = _bucket(feature, self.dim)
            vector[index] += sign * (1.0 + math.log(count))
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else vector

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._embed(text) for text in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed(text)
