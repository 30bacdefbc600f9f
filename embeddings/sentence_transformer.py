"""A sentence-transformers model (hub name or local folder) as a ``TextEmbedder``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from embeddings.protocol import l2_normalize

# e5 models are trained with these prefixes; used when a model folder does not name its prompts.
E5_PROMPTS = {"query": "query: ", "document": "passage: "}


class SentenceTransformerEmbedder:
    """A sentence-transformers model with its query/document prompts."""

    def __init__(
        self, model: str | Path, *, device: str | None = None, batch_size: int = 32
    ) -> None:
        # imported here: torch takes seconds to load, and the fallback and tests do without it
        from sentence_transformers import SentenceTransformer

        self.model_ref = str(model)
        self.model = SentenceTransformer(self.model_ref, device=device)
        self.batch_size = batch_size
        self.name = Path(self.model_ref).name if Path(self.model_ref).is_dir() else self.model_ref
        # sentence-transformers 6 renamed get_sentence_embedding_dimension; accept both
        dimension = getattr(self.model, "get_embedding_dimension", None)
        dimension = dimension or self.model.get_sentence_embedding_dimension
        self.dim = int(dimension() or 0)
        # the folder's config_sentence_transformers.json is read by SentenceTransformer itself
        prompts = dict(self.model.prompts or {})
        if not prompts and "e5" in self.name.lower():
            prompts = dict(E5_PROMPTS)
        self.query_prompt = prompts.get("query", "")
        self.document_prompt = prompts.get("document", prompts.get("passage", ""))

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return l2_normalize(np.asarray(vectors).reshape(len(texts), self.dim))

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return self._encode([self.document_prompt + text for text in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prompt + text])[0]
