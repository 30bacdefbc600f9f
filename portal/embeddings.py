"""The process's one text embedder, shared by search, matching and classification.

Loaded lazily, once per app: the model named by EMBEDDING_MODEL (a hub name or a local
folder), else the default multilingual-e5-small fetched by `flask --app wsgi models fetch`
into instance/models/. When no model can be loaded, embeddings.loading falls back to a
lexical embedder fitted on the platform's own texts and logs a loud warning; the admin
page shows which one is live (`embeddings.loading.embedder_status`).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from embeddings.fetch import DEFAULT_MODEL_DIRNAME
from embeddings.loading import load_embedder
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
