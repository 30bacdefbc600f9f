"""An approximate nearest-neighbour index (HNSW, usearch) over the rows of a ``VectorFile``.

Keys are vector-file row numbers. The graph keeps its own copy of each vector as 8-bit integers
(a quarter of the float32 file); it only proposes candidates, and the embedded backend scores
them again exactly from the float32 rows, so the scores and the order of the results are the
exact ones for the documents it returns.

The index is saved beside the vector file under the version of the vectors it reflects
(``<stem>.ann-<version>.usearch``), so a process can tell a current file from a stale one by
the name alone: the embedded backend bumps the version in the same transaction as the
vectors change and saves the index under the new name before it commits.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
from usearch.index import Index

# HNSW parameters: 16 links a node (usearch's default) and a search four times as wide as its
# default 64: on 5,000 random unit vectors of 256 dimensions (the hardest case: no clusters),
# recall@10 after exact rescoring was 0.89 at 128 and 0.97 at 256.
CONNECTIVITY = 16
EXPANSION_ADD = 128
EXPANSION_SEARCH = 256


def ann_path(vector_path: Path, version: int) -> Path:
    return vector_path.with_name(f"{vector_path.stem}.ann-{version}.usearch")


def remove_stale(vector_path: Path, keep: Path | None) -> None:
    """Delete the index files of other versions than ``keep`` (best effort: a reader of an
    older version keeps its copy in memory)."""
    for path in vector_path.parent.glob(f"{vector_path.stem}.ann-*.usearch"):
        if path != keep:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


class ApproximateIndex:
    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._index = Index(
            ndim=dim,
            # Cosine, so that 8-bit quantization sees unit vectors; the exact rescoring ranks by
            # dot product, the same order for the unit vectors the embedders return.
            metric="cos",
            dtype="i8",
            connectivity=CONNECTIVITY,
            expansion_add=EXPANSION_ADD,
            expansion_search=EXPANSION_SEARCH,
        )

    @classmethod
    def load(cls, path: Path, dim: int) -> ApproximateIndex:
        index = cls(dim)
        index._index.load(str(path))
        if index._index.ndim != dim:
            raise ValueError(f"{path} holds {index._index.ndim}-dimensional vectors, not {dim}")
        return index

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        self._index.save(str(tmp))
        tmp.replace(path)

    def __len__(self) -> int:
        return len(self._index)

    def upsert(self, rows: np.ndarray, vectors: np.ndarray) -> None:
        """Add the rows' vectors, replacing what those rows held before."""
        self.remove(rows)
        if len(rows):
            self._index.add(rows.astype(np.uint64), np.asarray(vectors, dtype=np.float32))

    def remove(self, rows: np.ndarray) -> None:
        present = [int(row) for row in rows if int(row) in self._index]
        if present:
            self._index.remove(np.array(present, dtype=np.uint64))

    def candidates(self, vector: np.ndarray, count: int) -> np.ndarray:
        """Row numbers of about the ``count`` nearest rows (by dot product), best first."""
        if not len(self._index):
            return np.zeros(0, dtype=np.int64)
        found = self._index.search(np.asarray(vector, dtype=np.float32), count)
        return np.asarray(found.keys, dtype=np.int64)
