"""The embedded backend: SQLite FTS5 with BM25 over the tokenized text, vectors in NumPy.

Nothing to start: one SQLite file (the caller chooses where, e.g. ``instance/search.sqlite3``)
and a ``.vectors.npy`` file beside it. Documents live in ``docs``, their facet values in
``facets`` (one row per value, so lists are multi-valued), their token fields in the FTS5 table
``fts`` (rowid = docs.id). Query terms are always quoted, so FTS5 syntax typed by a user
(``"``, ``*``, ``OR``, ``:``, ``(``, ``NEAR``) is matched as text and never parsed.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from search.analysis import FIELD_WEIGHTS, TOKEN_FIELDS, QueryTerms, index_text
from search.backend import DocKey, RankedBackend, StoredText
from search.documents import SearchDocument, SearchQuery, facet_values
from search.tokenize import domain_terms, normalize
from search.vector_file import VectorFile
from search.vectors import TextVectorizer

SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY,
    doc_type TEXT NOT NULL,
    doc_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    title_norm TEXT NOT NULL,
    vec_row INTEGER,
    UNIQUE (doc_type, doc_id)
);
CREATE INDEX IF NOT EXISTS docs_title_norm ON docs (title_norm);
CREATE INDEX IF NOT EXISTS docs_vec_row ON docs (vec_row);
CREATE INDEX IF NOT EXISTS docs_newest ON docs (doc_id DESC, doc_type);
CREATE TABLE IF NOT EXISTS facets (
    id INTEGER NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS facets_by_value ON facets (field, value, id);
CREATE INDEX IF NOT EXISTS facets_by_doc ON facets (id);
CREATE TABLE IF NOT EXISTS free_vec_rows (vec_row INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5 (
    title_words, title_chars, body_words, body_chars,
    tokenize = "unicode61 tokenchars '.'"
);
"""

_BM25_WEIGHTS = ", ".join(str(FIELD_WEIGHTS.get(name, 1.0)) for name in TOKEN_FIELDS)


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def fts_match_expression(terms: QueryTerms) -> str:
    """An FTS5 query: any word in the word columns or any n-gram in the n-gram columns."""
    parts = []
    if terms.words:
        parts.append("{title_words body_words} : (" + " OR ".join(map(_quote, terms.words)) + ")")
    if terms.chars:
        parts.append("{title_chars body_chars} : (" + " OR ".join(map(_quote, terms.chars)) + ")")
    return " OR ".join(parts)


def _placeholders(count: int) -> str:
    return ", ".join("?" * count)


def _filter_sql(query: SearchQuery) -> tuple[str, list[object]]:
    """A WHERE fragment over ``docs d`` for the query's types, facet filters and TRL range."""
    clauses, params = ["1"], []
    if query.doc_types:
        clauses.append(f"d.doc_type IN ({_placeholders(len(query.doc_types))})")
        params.extend(query.doc_types)
    for field, values in query.string_filters.items():
        clauses.append(
            "d.id IN (SELECT id FROM facets WHERE field = ? "
            f"AND value IN ({_placeholders(len(values))}))"
        )
        params.extend([field, *values])
    if query.trl_min is not None or query.trl_max is not None:
        clauses.append(
            "d.id IN (SELECT id FROM facets WHERE field = 'trl' "
            "AND CAST(value AS INTEGER) BETWEEN ? AND ?)"
        )
        params.extend([query.trl_min or 1, query.trl_max or 9])
    return " AND ".join(clauses), params


class EmbeddedBackend(RankedBackend):
    name = "embedded"

    def __init__(
        self,
        path: str | Path,
        vectorizer: TextVectorizer | None = None,
        min_similarity: float = 0.05,
    ) -> None:
        super().__init__(vectorizer, min_similarity)
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.executescript(SCHEMA)
        self._vectors = (
            VectorFile(self.path.with_suffix(".vectors.npy"), vectorizer.dim)
            if vectorizer
            else None
        )

    def close(self) -> None:
        with self._lock:
            self._db.close()
            if self._vectors:
                self._vectors.close()

    def health(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1").fetchone() == (1,)

    # --- writes ---------------------------------------------------------------------------

    def _free_vec_row(self) -> int:
        row = self._db.execute("SELECT min(vec_row) FROM free_vec_rows").fetchone()[0]
        if row is not None:
            self._db.execute("DELETE FROM free_vec_rows WHERE vec_row = ?", (row,))
            return row
        used = self._db.execute("SELECT max(vec_row) FROM docs").fetchone()[0]
        return 0 if used is None else used + 1

    def _remove(self, ids: list[int]) -> None:
        if not ids:
            return
        marks = _placeholders(len(ids))
        self._db.execute(f"DELETE FROM fts WHERE rowid IN ({marks})", ids)
        self._db.execute(f"DELETE FROM facets WHERE id IN ({marks})", ids)
        rows = [
            r
            for (r,) in self._db.execute(
                f"SELECT vec_row FROM docs WHERE id IN ({marks}) AND vec_row IS NOT NULL", ids
            )
        ]
        self._db.executemany("INSERT OR IGNORE INTO free_vec_rows VALUES (?)", [(r,) for r in rows])
        self._db.execute(f"DELETE FROM docs WHERE id IN ({marks})", ids)
        if self._vectors and rows:
            self._vectors.clear(np.array(rows, dtype=np.int64))

    def _write_batch(self, docs: Sequence[SearchDocument]) -> None:
        texts = [index_text(doc) for doc in docs]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                vec_rows, vectors = [], []
                for doc, text in zip(docs, texts, strict=True):
                    old = self._db.execute(
                        "SELECT id, vec_row FROM docs WHERE doc_type = ? AND doc_id = ?", doc.key
                    ).fetchone()
                    if old:
                        self._db.execute("DELETE FROM fts WHERE rowid = ?", (old[0],))
                        self._db.execute("DELETE FROM facets WHERE id = ?", (old[0],))
                        self._db.execute("DELETE FROM docs WHERE id = ?", (old[0],))
                    vec_row = None
                    if self._vectors is not None and doc.vector is not None:
                        vec_row = old[1] if old and old[1] is not None else self._free_vec_row()
                        vec_rows.append(vec_row)
                        vectors.append(doc.vector)
                    elif old and old[1] is not None:
                        self._db.execute(
                            "INSERT OR IGNORE INTO free_vec_rows VALUES (?)", (old[1],)
                        )
                    cursor = self._db.execute(
                        "INSERT INTO docs (id, doc_type, doc_id, title, body, title_norm, vec_row)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (
                            old[0] if old else None,
                            doc.doc_type,
                            doc.doc_id,
                            doc.title,
                            doc.body,
                            normalize(doc.title),
                            vec_row,
                        ),
                    )
                    doc_row = cursor.lastrowid
                    self._db.execute(
                        f"INSERT INTO fts (rowid, {', '.join(TOKEN_FIELDS)}) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (doc_row, *text.as_dict().values()),
                    )
                    self._db.executemany(
                        "INSERT INTO facets (id, field, value) VALUES (?, ?, ?)",
                        [
                            (doc_row, field, value)
                            for field, raw in doc.facets.items()
                            for value in facet_values(raw)
                        ],
                    )
                if vec_rows and self._vectors is not None:
                    self._vectors.write(np.array(vec_rows, dtype=np.int64), np.stack(vectors))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def delete(self, doc_type: str, doc_id: int) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            ids = [
                i
                for (i,) in self._db.execute(
                    "SELECT id FROM docs WHERE doc_type = ? AND doc_id = ?", (doc_type, doc_id)
                )
            ]
            self._remove(ids)
            self._db.execute("COMMIT")

    def recreate(self, doc_type: str) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            ids = [
                i
                for (i,) in self._db.execute("SELECT id FROM docs WHERE doc_type = ?", (doc_type,))
            ]
            self._remove(ids)
            self._db.execute("COMMIT")

    # --- reads ----------------------------------------------------------------------------

    def count(self, doc_type: str) -> int:
        with self._lock:
            return self._db.execute(
                "SELECT count(*) FROM docs WHERE doc_type = ?", (doc_type,)
            ).fetchone()[0]

    def _lexical(
        self, query: SearchQuery, terms: QueryTerms, limit: int
    ) -> list[tuple[DocKey, float]]:
        where, params = _filter_sql(query)
        sql = (
            f"SELECT d.doc_type, d.doc_id, -bm25(fts, {_BM25_WEIGHTS}) AS score "
            f"FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ? AND {where} "
            "ORDER BY score DESC, d.doc_id, d.doc_type LIMIT ?"
        )
        with self._lock:
            rows = self._db.execute(sql, [fts_match_expression(terms), *params, limit]).fetchall()
        return [((doc_type, doc_id), score) for doc_type, doc_id, score in rows]

    def _nearest(
        self, query: SearchQuery, vector: np.ndarray, limit: int
    ) -> list[tuple[DocKey, float]]:
        if self._vectors is None:
            return []
        where, params = _filter_sql(query)
        with self._lock:
            rows = self._db.execute(
                f"SELECT d.doc_type, d.doc_id, d.vec_row FROM docs d "
                f"WHERE d.vec_row IS NOT NULL AND {where}",
                params,
            ).fetchall()
            if not rows:
                return []
            vec_rows = np.fromiter((row[2] for row in rows), dtype=np.int64, count=len(rows))
            scores = self._vectors.read(vec_rows) @ vector.astype(np.float32)
        best = np.argsort(-scores, kind="stable")[:limit] if len(scores) <= limit else None
        if best is None:
            top = np.argpartition(-scores, limit)[:limit]
            best = top[np.argsort(-scores[top], kind="stable")]
        return [((rows[i][0], rows[i][1]), float(scores[i])) for i in best]

    def _browse(self, query: SearchQuery, limit: int) -> list[DocKey]:
        where, params = _filter_sql(query)
        with self._lock:
            rows = self._db.execute(
                f"SELECT d.doc_type, d.doc_id FROM docs d WHERE {where} "
                "ORDER BY d.doc_id DESC, d.doc_type LIMIT ?",
                [*params, limit],
            ).fetchall()
        return [(doc_type, doc_id) for doc_type, doc_id in rows]

    def _total_and_facets(
        self, query: SearchQuery, terms: QueryTerms | None, also: Sequence[DocKey] | None
    ) -> tuple[int, dict[str, dict[str, int]]]:
        where, params = _filter_sql(query)
        matches, match_params = [], []
        if terms is not None:
            matches.append("d.id IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            match_params.append(fts_match_expression(terms))
        if also:
            matches.append(
                "(d.doc_type, d.doc_id) IN (VALUES " + ", ".join("(?, ?)" for _ in also) + ")"
            )
            match_params.extend(value for key in also for value in key)
        if terms is None and also is not None and not also:
            return 0, {}
        match_sql = " OR ".join(matches) if matches else "1"
        sql = (
            f"WITH m AS (SELECT d.id, d.doc_type FROM docs d WHERE ({match_sql}) AND {where}) "
            "SELECT 'doc_type', doc_type, count(*) FROM m GROUP BY doc_type "
            "UNION ALL SELECT f.field, f.value, count(*) FROM facets f JOIN m ON f.id = m.id "
            "GROUP BY f.field, f.value"
        )
        facets: dict[str, dict[str, int]] = {}
        with self._lock:
            for field, value, count in self._db.execute(sql, [*match_params, *params]):
                facets.setdefault(field, {})[value] = count
        total = sum(facets.get("doc_type", {}).values())
        return total, facets

    def _stored_text(self, keys: Sequence[DocKey]) -> dict[DocKey, StoredText]:
        if not keys:
            return {}
        values = ", ".join("(?, ?)" for _ in keys)
        with self._lock:
            rows = self._db.execute(
                f"SELECT doc_type, doc_id, title, body FROM docs "
                f"WHERE (doc_type, doc_id) IN (VALUES {values})",
                [value for key in keys for value in key],
            ).fetchall()
        return {(t, i): StoredText(title, body) for t, i, title, body in rows}

    def suggest(self, prefix: str, limit: int = 10) -> list[str]:
        wanted = normalize(prefix).strip()
        if not wanted:
            return []
        terms = [term for term in domain_terms() if term.startswith(wanted)]
        with self._lock:
            titles = [
                title
                for (title,) in self._db.execute(
                    "SELECT DISTINCT title FROM docs WHERE title_norm >= ? AND title_norm < ? "
                    "ORDER BY title_norm LIMIT ?",
                    (wanted, wanted + "\U0010ffff", limit),
                )
            ]
        return list(dict.fromkeys(terms + titles))[:limit]
