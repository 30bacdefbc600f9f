"""Document vectors in a NumPy ``.npy`` file, memory-mapped so that every process shares pages.

Rows are addressed by number; the embedded backend keeps which row belongs to which document.
The file grows by doubling: a bigger file is written beside it and swapped in with a rename, and
other processes notice the new file (a different inode) and map it again.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

INITIAL_ROWS = 1024


class VectorFile:
    def __init__(self, path: Path, dim: int) -> None:
        self.path = path
        self.dim = dim
        self._array: np.memmap | None = None
        self._inode: int | None = None

    def _map(self) -> np.memmap:
        stat = self.path.stat() if self.path.exists() else None
        if stat is None:
            self._create(INITIAL_ROWS)
            stat = self.path.stat()
        if self._array is None or stat.st_ino != self._inode:
            array = np.lib.format.open_memmap(self.path, mode="r+")
            if array.shape[1] != self.dim:
                raise ValueError(
                    f"{self.path} holds {array.shape[1]}-dimensional vectors, not {self.dim}; "
                    "recreate the index after changing the embedding model"
                )
            self._array, self._inode = array, stat.st_ino
        return self._array

    def _create(self, rows: int, copy_from: np.ndarray | None = None) -> None:
        tmp = self.path.with_suffix(".tmp.npy")
        array = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float32, shape=(rows, self.dim))
        if copy_from is not None:
            array[: len(copy_from)] = copy_from
        array.flush()
        del array
        os.replace(tmp, self.path)

    @property
    def capacity(self) -> int:
        return self._map().shape[0]

    def write(self, rows: np.ndarray, vectors: np.ndarray) -> None:
        array = self._map()
        needed = int(rows.max()) + 1 if len(rows) else 0
        if needed > array.shape[0]:
            self._create(max(needed, 2 * array.shape[0]), copy_from=array)
            array = self._map()
        array[rows] = vectors
        array.flush()

    def clear(self, rows: np.ndarray) -> None:
        array = self._map()
        rows = rows[rows < array.shape[0]]
        array[rows] = 0.0
        array.flush()

    def rows(self, rows: np.ndarray) -> np.ndarray:
        """A copy of the given rows."""
        return np.asarray(self._map()[rows])

    def first_rows(self, count: int) -> np.ndarray:
        """Rows 0 to ``count - 1`` as a view of the mapped file (no copy)."""
        return self._map()[:count]

    def close(self) -> None:
        self._array = None
        self._inode = None
