"""Vectors cached by (model name, kind, sha256 of text), in memory and optionally in SQLite.

Kind is "document" or "query": models with prompts embed the same text differently for each.
``CachedEmbedder`` puts any embedder behind an ``EmbeddingCache`` for documents (a listing's
text is embedded once, whatever restarts), and keeps query vectors in a bounded in-memory LRU
only: every search brings a new text, and keeping each forever, in memory and on disk, would
let anyone grow the server's memory and disk by searching.
"""

from __future__ import annotations

import functools
import hashlib
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from embeddings.protocol import TextEmbedder

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embedding (
    model TEXT NOT NULL,
    kind TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, kind, text_sha256)
)
"""
_SQLITE_BATCH = 500  # stays under SQLite's limit on bound parameters
QUERY_CACHE_SIZE = 2048  # recent query vectors kept (about 3 MB at 384 dimensions)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """In-memory dict in front of an optional SQLite file; safe to share between threads."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else None
        self._memory: dict[tuple[str, str, str], np.ndarray] = {}
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._db.execute(_SCHEMA)
            self._db.commit()

    def get_many(self, model: str, kind: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Cached vectors of those ``texts`` that have one, by text."""
        hashes = {text: text_sha256(text) for text in texts}
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for text, digest in hashes.items():
                vector = self._memory.get((model, kind, digest))
                if vector is not None:
                    found[text] = vector
            missing = {digest: text for text, digest in hashes.items() if text not in found}
            if self._db is not None and missing:
                for row_digest, blob in self._select(model, kind, list(missing)):
                    vector = np.frombuffer(blob, dtype=np.float32)
                    self._memory[(model, kind, row_digest)] = vector
                    found[missing[row_digest]] = vector
        return found

    def _select(self, model: str, kind: str, digests: list[str]) -> list[tuple[str, bytes]]:
        assert self._db is not None
        rows: list[tuple[str, bytes]] = []
        for start in range(0, len(digests), _SQLITE_BATCH):
            chunk = digests[start : start + _SQLITE_BATCH]
            marks = ",".join("?" * len(chunk))
            rows.extend(
                self._db.execute(
                    f"SELECT text_sha256, vector FROM embedding WHERE model = ? AND kind = ? "
                    f"AND text_sha256 IN ({marks})",
                    [model, kind, *chunk],
                )
            )
        return rows

    def put_many(self, model: str, kind: str, vectors: Mapping[str, np.ndarray]) -> None:
        rows = []
        with self._lock:
            for text, vector in vectors.items():
                vector = np.ascontiguousarray(vector, dtype=np.float32)
                digest = text_sha256(text)
                self._memory[(model, kind, digest)] = vector
                rows.append((model, kind, digest, vector.tobytes()))
            if self._db is not None and rows:
                self._db.executemany("INSERT OR REPLACE INTO embedding VALUES (?, ?, ?, ?)", rows)
                self._db.commit()

    def discard_other_models(self, keep: str) -> int:
        """Drop the vectors of every model but ``keep`` (left behind by a model change)."""
        with self._lock:
            stale = [key for key in self._memory if key[0] != keep]
            for key in stale:
                del self._memory[key]
            if self._db is None:
                return len(stale)
            removed = self._db.execute("DELETE FROM embedding WHERE model != ?", [keep]).rowcount
            self._db.commit()
            return removed

    def __len__(self) -> int:
        with self._lock:
            if self._db is not None:
                return int(self._db.execute("SELECT COUNT(*) FROM embedding").fetchone()[0])
            return len(self._memory)


class CachedEmbedder:
    """Any embedder behind the (model name, text hash) cache: unchanged texts are embedded once."""

    def __init__(
        self, inner: TextEmbedder, cache: EmbeddingCache, query_cache_size: int = QUERY_CACHE_SIZE
    ) -> None:
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self.dim = inner.dim
        self._query_vector = functools.lru_cache(maxsize=query_cache_size)(self._fresh_query)

    def _embed(
        self, kind: str, texts: Sequence[str], compute: Callable[[list[str]], np.ndarray]
    ) -> np.ndarray:
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

    def _fresh_query(self, text: str) -> np.ndarray:
        vector = np.array(self.inner.embed_query(text), dtype=np.float32)
        vector.flags.writeable = False  # shared by every caller of the LRU
        return vector

    def embed_query(self, text: str) -> np.ndarray:
        return self._query_vector(text)
