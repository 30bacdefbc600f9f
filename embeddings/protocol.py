"""``TextEmbedder``, the shape every embedder has, and the normalisation they all apply."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class TextEmbedder(Protocol):
    """Texts to L2-normalised float32 vectors; ``name`` identifies the vectors' model."""

    name: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """An (n, dim) float32 array, each row L2-normalised."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """A (dim,) float32 vector, L2-normalised."""
        ...


def l2_normalize(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (all-zero rows stay zero), as float32."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
