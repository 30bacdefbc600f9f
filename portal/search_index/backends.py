"""Which search backends the app uses, chosen by configuration, opened once per process.

The embedded backend (SQLite FTS5 + NumPy under ``SEARCH_INDEX_DIR``, default
``instance/search/``) is always kept up to date: it is the whole search when no
``ELASTICSEARCH_URL`` is set, and the fallback when Elasticsearch cannot be reached. With
``ELASTICSEARCH_URL`` set, Elasticsearch answers searches (indices under
``SEARCH_INDEX_PREFIX``). After Elasticsearch fails, it is not asked again for
``SEARCH_RETRY_SECONDS``, so an outage does not slow every request down.

The embedded index remembers which embedder made its vectors (``embedded.json``). Vectors of
another model are meaningless for the current one, so after a model change the embedded index
answers lexically only until ``flask --app wsgi search reindex`` rebuilds it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask

from embeddings.protocol import TextEmbedder
from portal.app_state import per_app
from portal.embeddings.service import get_embedder
from search.elastic import ElasticsearchBackend
from search.embedded import EmbeddedBackend

log = logging.getLogger(__name__)

EXTENSION_KEY = "portal.search"
EMBEDDED_FILE = "embedded.sqlite3"
MARKER_FILE = "embedded.json"


def setting(app: Flask, name: str, default: str) -> str:
    """A search setting from the app config, else the environment, else the default."""
    value = app.config.get(name)
    return str(value if value is not None else os.environ.get(name) or default)


def index_dir(app: Flask) -> Path:
    return Path(setting(app, "SEARCH_INDEX_DIR", str(Path(app.instance_path) / "search")))


@dataclass
class SearchBackends:
    """The app's backends: ``embedded`` always, ``elastic`` when configured."""

    embedded: EmbeddedBackend
    elastic: ElasticsearchBackend | None
    vectorizer: TextEmbedder
    stale_vectors: str | None = None  # the embedder that made the embedded index's vectors
    retry_seconds: float = 30.0
    _elastic_down_until: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def all(self) -> list[EmbeddedBackend | ElasticsearchBackend]:
        return [self.embedded, *([self.elastic] if self.elastic else [])]

    def elastic_usable(self) -> bool:
        """Configured, and not known to be down (within the retry pause after a failure)."""
        return self.elastic is not None and time.monotonic() >= self._elastic_down_until

    def mark_elastic_down(self, error: Exception) -> None:
        with self._lock:
            if time.monotonic() >= self._elastic_down_until:
                log.warning("Elasticsearch unavailable, using the embedded index: %s", error)
            self._elastic_down_until = time.monotonic() + self.retry_seconds

    def mark_elastic_up(self) -> None:
        self._elastic_down_until = 0.0

    def close(self) -> None:
        for backend in self.all:
            backend.close()


def _marker(directory: Path) -> dict[str, object]:
    path = directory / MARKER_FILE
    return json.loads(path.read_text()) if path.exists() else {}


def write_marker(directory: Path, vectorizer: TextEmbedder) -> None:
    marker = {"vectorizer": vectorizer.name, "dim": vectorizer.dim}
    (directory / MARKER_FILE).write_text(json.dumps(marker))


def open_embedded(directory: Path, vectorizer: TextEmbedder) -> tuple[EmbeddedBackend, str | None]:
    """The embedded backend, and the name of the embedder its vectors came from if not this one."""
    directory.mkdir(parents=True, exist_ok=True)
    made_by = _marker(directory).get("vectorizer")
    if made_by is not None and made_by != vectorizer.name:
        log.warning(
            "the embedded search index holds vectors of %s, not %s: lexical search only until "
            "`flask --app wsgi search reindex`",
            made_by,
            vectorizer.name,
        )
        return EmbeddedBackend(directory / EMBEDDED_FILE, None), str(made_by)
    write_marker(directory, vectorizer)
    return EmbeddedBackend(directory / EMBEDDED_FILE, vectorizer), None


def wipe_embedded(directory: Path) -> None:
    """Delete the embedded index files (before rebuilding them with another embedder)."""
    for path in directory.glob("embedded.*"):
        path.unlink()


def _open(app: Flask) -> SearchBackends:
    vectorizer = get_embedder(app)
    embedded, stale = open_embedded(index_dir(app), vectorizer)
    elastic = None
    if url := app.config.get("ELASTICSEARCH_URL"):
        elastic = ElasticsearchBackend(
            url,
            vectorizer,
            index_prefix=setting(app, "SEARCH_INDEX_PREFIX", "lowcarbon-"),
            request_timeout=float(setting(app, "SEARCH_ES_TIMEOUT", "5")),
        )
    return SearchBackends(
        embedded,
        elastic,
        vectorizer,
        stale_vectors=stale,
        retry_seconds=float(setting(app, "SEARCH_RETRY_SECONDS", "30")),
    )


def get_backends(app: Flask | None = None) -> SearchBackends:
    """The app's backends, opened on first use (the embedder loads then too)."""
    return per_app(app, EXTENSION_KEY, _open)


def reset_backends(app: Flask) -> None:
    """Close the backends; the next use opens them again (after a rebuild, or in tests)."""
    backends = app.extensions.pop(EXTENSION_KEY, None)
    if backends is not None:
        backends.close()
