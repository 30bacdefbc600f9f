"""BM25 over a fixed set of documents as one sparse matrix: a query scores all at once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

K1 = 1.2
B = 0.75


class BM25Matrix:
    """Per (document, term) BM25 weights; a query's scores are a sum over its terms' columns."""

    def __init__(self, documents: Sequence[Sequence[str]], *, k1: float = K1, b: float = B):
        self.vocabulary: dict[str, int] = {}
        rows, cols, counts = [], [], []
        lengths = np.zeros(len(documents), dtype=np.float32)
        for row, tokens in enumerate(documents):
            lengths[row] = len(tokens)
            for term, count in Counter(tokens).items():
                rows.append(row)
                cols.append(self.vocabulary.setdefault(term, len(self.vocabulary)))
                counts.append(count)
        shape = (len(documents), max(len(self.vocabulary), 1))
        tf = sparse.csr_matrix(
            (np.asarray(counts, np.float32), (rows, cols)), shape=shape, dtype=np.float32
        )
        document_frequency = np.bincount(cols, minlength=shape[1]).astype(np.float32)
        n = max(len(documents), 1)
        self.idf = np.log1p((n - document_frequency + 0.5) / (document_frequency + 0.5))
        average = float(lengths.mean()) if len(documents) and lengths.mean() > 0 else 1.0
        self._k1, self._b, self._average_length = k1, b, average
        norm = k1 * (1 - b + b * lengths / average)
        tf = tf.tocoo()
        weights = self.idf[tf.col] * tf.data * (k1 + 1) / (tf.data + norm[tf.row])
        self.matrix = sparse.csc_matrix((weights.astype(np.float32), (tf.row, tf.col)), shape=shape)

    def query_terms(self, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Column ids of the query's known terms and how often each occurs in the query."""
        counts = Counter(t for t in tokens if t in self.vocabulary)
        ids = np.fromiter((self.vocabulary[t] for t in counts), dtype=np.int64, count=len(counts))
        return ids, np.fromiter(counts.values(), dtype=np.float32, count=len(counts))

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 of every document for the query ``tokens`` (zeros when no term is known)."""
        ids, query_counts = self.query_terms(tokens)
        if len(ids) == 0:
            return np.zeros(self.matrix.shape[0], dtype=np.float32)
        return np.asarray(self.matrix[:, ids] @ query_counts, dtype=np.float32).ravel()

    def self_score(self, tokens: Sequence[str]) -> float:
        """BM25 the query ``tokens`` would get against a document made of exactly those tokens:
        what a candidate that says everything the query says scores, on this index's scale."""
        ids, query_counts = self.query_terms(tokens)
        if len(ids) == 0:
            return 0.0
        norm = self._k1 * (1 - self._b + self._b * len(tokens) / self._average_length)
        weights = self.idf[ids] * query_counts * (self._k1 + 1) / (query_counts + norm)
        return float(np.dot(weights, query_counts))

    def term_idf(self, term: str) -> float:
        index = self.vocabulary.get(term)
        return float(self.idf[index]) if index is not None else 0.0
