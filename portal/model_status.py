"""Which embedder the portal runs on, for the admin page and `models status`."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from embeddings.loading import embedder_status
from portal.embeddings import configured_model, get_embedder


@dataclass(frozen=True)
class EmbedderReport:
    name: str
    kind: str  # "sentence-transformers" | "lexical" | "hashed"
    dim: int
    requested_model: str | None
    fallback: bool
    reason: str
    cache_entries: int | None  # None: this embedder keeps no cache
    cache_path: str | None


def embedder_report(app: Flask) -> EmbedderReport:
    """Loads the app's embedder if it is not loaded yet (the page asks which one is live)."""
    embedder = get_embedder(app)
    cache = getattr(embedder, "cache", None)
    entries = len(cache) if cache is not None else None
    cache_path = str(cache.path) if cache is not None and cache.path else None
    status = embedder_status()
    if status is not None and status.name == embedder.name:
        return EmbedderReport(
            status.name,
            status.kind,
            status.dim,
            status.requested_model,
            status.fallback,
            status.reason,
            entries,
            cache_path,
        )
    # EMBEDDER = "hashed" (tests) never goes through load_embedder
    return EmbedderReport(
        embedder.name,
        "hashed",
        embedder.dim,
        configured_model(app),
        True,
        "EMBEDDER=hashed：测试用的哈希 n-gram 向量，不加载模型",
        entries,
        cache_path,
    )
