"""``load_embedder`` picks the embedder, and ``embedder_status`` says which one and why.

The configured sentence-transformers model when it loads, else the lexical fallback fitted on
the caller's texts; either way behind the embedding cache. The choice and its reason are kept
for the process so the admin page and the CLI can say which embedder is live.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from embeddings.cache import CachedEmbedder, EmbeddingCache
from embeddings.fallback import LexicalEmbedder
from embeddings.protocol import TextEmbedder
from embeddings.sentence_transformer import SentenceTransformerEmbedder

log = logging.getLogger(__name__)


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

    ``fit_texts`` (texts, or a callable returning them) is only read when the fallback is needed,
    and must then hold three distinct texts or more. With ``cache_path`` vectors persist in a
    SQLite file there; an in-memory cache is always used.
    """
    embedder: TextEmbedder | None
    embedder, reason = _load_model(model, device, batch_size)
    if embedder is not None:
        status = EmbedderStatus(
            embedder.name, "sentence-transformers", embedder.dim, model, False, reason
        )
        log.info("embedder: %s (%d dimensions)", embedder.name, embedder.dim)
    else:
        embedder = LexicalEmbedder(_resolve_fit_texts(fit_texts))
        status = EmbedderStatus(embedder.name, "lexical", embedder.dim, model, True, reason)
        log.warning(
            "EMBEDDINGS DEGRADED: %s. Falling back to the built-in lexical embedder %s; semantic "
            "matching will only see shared characters, not meaning.",
            reason,
            embedder.name,
        )
    _record_status(status)
    return CachedEmbedder(embedder, EmbeddingCache(cache_path))
