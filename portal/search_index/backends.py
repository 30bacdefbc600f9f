"""Which search backends the app uses, chosen by configuration, opened once per process.

The embedded backend (SQLite FTS5 + NumPy under ``SEARCH_INDEX_DIR``, by default a folder of
``instance/search/`` named after the database, see ``index_location``) is always kept up to
date: it is the whole search when no ``ELASTICSEARCH_URL`` is set, and the fallback when
Elasticsearch cannot be reached. With ``ELASTICSEARCH_URL`` set, Elasticsearch answers searches
(indices under ``SEARCH_INDEX_PREFIX``). After Elasticsearch fails, it is not asked again for
``SEARCH_RETRY_SECONDS``, so an outage does not slow every request down.

The embedded index remembers which embedder made its vectors (``embedded.json``). Vectors of
another model are meaningless for the current one, so after a model change the embedded index
answers lexically only until ``flask --app wsgi search reindex`` rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url

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


def database_identity(app: Flask) -> str:
    """Which database the app reads: its URL without driver or password (SQLite: the file's
    absolute path), so two URLs of one database agree and no secret is written to disk."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    # URL is a named tuple; ``set(password=None)`` would leave the password as it is.
    url = url.set(drivername=url.get_backend_name())._replace(password=None)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        url = url.set(database=str(Path(url.database).resolve()))
    return url.render_as_string(hide_password=False)


@dataclass(frozen=True)
class IndexLocation:
    directory: Path
    database: str  # database_identity of the app
    configured: bool  # True: SEARCH_INDEX_DIR names the folder; False: derived from the database


def index_location(app: Flask) -> IndexLocation:
    """Where the embedded index of the app's database lives.

    Without ``SEARCH_INDEX_DIR``, a folder per database under ``instance/search/`` (the
    database's name and a hash of its identity), so apps on two databases that share an
    instance folder keep apart. Either way the index records the identity and refuses to open
    for another database (``search.documents.IndexOfAnotherDatabase``).
    """
    database = database_identity(app)
    configured = app.config.get("SEARCH_INDEX_DIR") or os.environ.get("SEARCH_INDEX_DIR")
    if configured:
        return IndexLocation(Path(configured), database, True)
    name = Path(make_url(database).database or "memory").stem
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:40]
    digest = hashlib.sha256(database.encode()).hexdigest()[:10]
    folder = Path(app.instance_path) / "search" / f"{readable}-{digest}"
    return IndexLocation(folder, database, False)


def index_dir(app: Flask) -> Path:
    return index_location(app).directory


@dataclass
class SearchBackends:
    """The app's backends: ``embedded`` always, ``elastic`` when configured."""

    embedded: EmbeddedBackend
    elastic: ElasticsearchBackend | None
    vectorizer: TextEmbedder
    location: IndexLocation
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


def open_embedded(
    directory: Path, vectorizer: TextEmbedder, database: str | None = None
) -> tuple[EmbeddedBackend, str | None]:
    """The embedded backend, and the name of the embedder its vectors came from if not this one.

    ``database``: the identity the index must belong to (``IndexOfAnotherDatabase`` if not).
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / EMBEDDED_FILE
    made_by = _marker(directory).get("vectorizer")
    if made_by is not None and made_by != vectorizer.name:
        log.warning(
            "the embedded search index holds vectors of %s, not %s: lexical search only until "
            "`flask --app wsgi search reindex`",
            made_by,
            vectorizer.name,
        )
        return EmbeddedBackend(path, None, database=database), str(made_by)
    backend = EmbeddedBackend(path, vectorizer, database=database)
    write_marker(directory, vectorizer)
    return backend, None


def wipe_embedded(directory: Path) -> None:
    """Delete the embedded index files (before rebuilding them with another embedder)."""
    for path in directory.glob("embedded.*"):
        path.unlink()


def _open(app: Flask) -> SearchBackends:
    vectorizer = get_embedder(app)
    location = index_location(app)
    embedded, stale = open_embedded(location.directory, vectorizer, location.database)
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
        location,
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
