"""Text embedders: sentence-transformers when a model loads, a lexical fallback when none does.

Every embedder has the shape of ``search.vectors.TextVectorizer``: ``name``, ``dim``,
``embed_documents`` (n x dim float32, L2-normalised) and ``embed_query`` (dim,). ``load_embedder``
picks one, wraps it in the embedding cache, and records why in ``embedder_status()`` so the admin
page can say which embedder is live.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from matching.embedding_cache import EmbeddingCache

log = logging.getLogger(__name__)

# e5 models are trained with these prefixes; used when a model folder does not name its prompts.
E5_PROMPTS = {"query": "query: ", "document": "passage: "}
LEXICAL_DIM = 256


@runtime_checkable
class TextEmbedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def l2_normalize(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (all-zero rows stay zero), as float32."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


class SentenceTransformerEmbedder:
    """A sentence-transformers model (hub name or local folder) with its query/document prompts."""

    def __init__(self, model: str | Path, *, device: str | None = None, batch_size: int = 32):
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


class LexicalEmbedder:
    """Character n-gram TF-IDF reduced by truncated SVD, fitted on the platform's own texts.

    Character n-grams need no word segmentation and survive paraphrase better than words; SVD folds
    n-grams that occur together into shared dimensions, so near-synonyms land near each other.
    """

    def __init__(self, fit_texts: Sequence[str], *, dim: int = LEXICAL_DIM, seed: int = 0):
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        corpus = [text for text in dict.fromkeys(fit_texts) if text and text.strip()]
        if len(corpus) < 3:
            raise ValueError("the lexical embedder needs at least three distinct texts to fit")
        self.vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(1, 3),
            sublinear_tf=True,
            min_df=1,
            max_features=200_000,
        )
        tfidf = self.vectorizer.fit_transform(corpus)
        components = max(1, min(dim, tfidf.shape[0] - 1, tfidf.shape[1] - 1))
        self.svd = TruncatedSVD(n_components=components, random_state=seed).fit(tfidf)
        self.dim = components
        fingerprint = hashlib.sha256("\0".join(corpus).encode("utf-8")).hexdigest()[:10]
        # the fingerprint keeps cached vectors of one fit from being served for another
        self.name = f"lexical-char-tfidf-svd{components}-{fingerprint}"

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return l2_normalize(self.svd.transform(self.vectorizer.transform(list(texts))))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


class CachedEmbedder:
    """Any embedder behind the (model name, text hash) cache: unchanged texts are embedded once."""

    def __init__(self, inner: TextEmbedder, cache: EmbeddingCache):
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self.dim = inner.dim

    def _embed(self, kind: str, texts: Sequence[str], compute: Callable) -> np.ndarray:
        found = self.cache.get_many(self.name, kind, texts)
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            fresh = compute(missing)
            self.cache.put_many(self.name, kind, dict(zip(missing, fresh, strict=True)))
            found.update(zip(missing, fresh, strict=True))
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([found[text] for text in texts]).astype(np.float32, copy=False)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed("document", texts, self.inner.embed_documents)

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed("query", [text], lambda ts: self.inner.embed_query(ts[0])[None, :])[0]


@dataclass(frozen=True)
class EmbedderStatus:
    """Which embedder is live and why, for the admin page and the log."""

    name: str
    kind: str  # "sentence-transformers" | "lexical"
    dim: int
    requested_model: str | None
    fallback: bool
    reason: str


_status_lock = threading.Lock()
_status: EmbedderStatus | None = None


def embedder_status() -> EmbedderStatus | None:
    """The status recorded by the last ``load_embedder`` call in this process (None before)."""
    return _status


def _record_status(status: EmbedderStatus) -> None:
    global _status
    with _status_lock:
        _status = status


FitTexts = Callable[[], Iterable[str]] | Sequence[str] | None


def _resolve_fit_texts(fit_texts: FitTexts) -> list[str]:
    if fit_texts is None:
        return []
    texts = fit_texts() if callable(fit_texts) else fit_texts
    return [text for text in texts if text]


def _looks_like_path(model: str) -> bool:
    return model.startswith((".", "/", "~")) or "\\" in model or Path(model).exists()


def _load_model(
    model: str | None, device: str | None, batch_size: int
) -> tuple[SentenceTransformerEmbedder | None, str]:
    if not model:
        return None, "no embedding model configured (EMBEDDING_MODEL is empty)"
    if _looks_like_path(model) and not Path(model).expanduser().is_dir():
        return None, f"model folder {model} is missing; run `flask --app wsgi models fetch`"
    try:
        return SentenceTransformerEmbedder(
            Path(model).expanduser().resolve() if _looks_like_path(model) else model,
            device=device,
            batch_size=batch_size,
        ), f"loaded {model}"
    except Exception as error:  # any failure to load means: fall back, and say why
        return None, f"model {model} could not be loaded: {type(error).__name__}: {error}"


def load_embedder(
    model: str | None,
    cache_path: Path | None,
    fit_texts: FitTexts,
    device: str | None = None,
    batch_size: int = 32,
) -> TextEmbedder:
    """The configured sentence-transformers model, or the lexical fallback fitted on ``fit_texts``.

    ``fit_texts`` (texts, or a callable returning them) is only read when the fallback is needed.
    With ``cache_path`` vectors persist in a SQLite file there; an in-memory cache is always used.
    """
    embedder: TextEmbedder | None
    embedder, reason = _load_model(model, device, batch_size)
    if embedder is not None:
        status = EmbedderStatus(
            embedder.name, "sentence-transformers", embedder.dim, model, False, reason
        )
        log.info("embedder: %s (%d dimensions)", embedder.name, embedder.dim)
    else:
        embedder = LexicalEmbedder(_resolve_fit_texts(fit_texts) + bundled_fit_texts())
        status = EmbedderStatus(embedder.name, "lexical", embedder.dim, model, True, reason)
        log.warning(
            "EMBEDDINGS DEGRADED: %s. Falling back to the built-in lexical embedder %s; semantic "
            "matching will only see shared characters, not meaning.",
            reason,
            embedder.name,
        )
    _record_status(status)
    return CachedEmbedder(embedder, EmbeddingCache(cache_path))


def bundled_fit_texts() -> list[str]:
    """Texts shipped with the project, so the fallback can be fitted even on an empty platform."""
    from matching.carbon_data import labeled_examples
    from matching.taxonomy import plan_areas

    texts = [f"{area.name} {' '.join(area.terms)} {area.description}" for area in plan_areas()]
    texts.extend(example.text for example in labeled_examples())
    return texts
