"""The app's one text embedder, and the report of which one is live.

Loaded lazily, once per app: the model named by EMBEDDING_MODEL (a hub name or a local
folder), else the default multilingual-e5-small fetched by `flask --app wsgi models fetch`
into instance/models/. When no model can be loaded, ``embeddings.loading`` falls back to a
lexical embedder fitted on the platform's own texts and logs a loud warning;
``embedder_report`` says which one is live, for the admin page and `models status`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from embeddings.fetch import DEFAULT_MODEL_DIRNAME
from embeddings.loading import embedder_status, load_embedder
from embeddings.protocol import TextEmbedder
from matching.fit_texts import bundled_fit_texts
from portal.app_state import per_app
from search.vectors import HashedNgramVectorizer

EXTENSION_KEY = "portal.embedder"


def default_model_folder(app: Flask) -> Path:
    return Path(app.instance_path) / "models" / DEFAULT_MODEL_DIRNAME


def configured_model(app: Flask) -> str:
    return app.config.get("EMBEDDING_MODEL") or str(default_model_folder(app))


def _fit_texts() -> list[str]:
    """Published listing texts, then the bundled ones: the fallback learns the platform's
    language, and can be fitted even on an empty platform."""
    from portal.extensions import db
    from portal.listings.models import ListingStatus, Need, Technology

    texts: list[str] = []
    for model in (Technology, Need):
        rows = db.session.execute(
            select(model.title, model.description).where(model.status == ListingStatus.PUBLISHED)
        )
        texts.extend(f"{title} {description}" for title, description in rows)
    return texts + bundled_fit_texts()


def _load(app: Flask) -> TextEmbedder:
    if app.config.get("EMBEDDER") == "hashed":
        return HashedNgramVectorizer()
    with app.app_context():
        return load_embedder(
            configured_model(app),
            cache_path=Path(app.instance_path) / "embeddings.sqlite3",
            fit_texts=_fit_texts,
            device=app.config.get("EMBEDDING_DEVICE"),
            batch_size=app.config.get("EMBEDDING_BATCH_SIZE", 32),
        )


def get_embedder(app: Flask | None = None) -> TextEmbedder:
    """The app's embedder, loaded on first use.

    `EMBEDDER = "hashed"` (tests only) swaps in the fast, model-free hashed n-gram vectorizer.
    """
    return per_app(app, EXTENSION_KEY, _load)


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
