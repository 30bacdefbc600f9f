"""The embedded backend: SQLite FTS5 with BM25 over the tokenized text, vectors in NumPy.

Nothing to start: one SQLite file (the caller chooses where, e.g. ``instance/search.sqlite3``)
and a ``.vectors.npy`` file beside it. Documents live in ``docs``, their facet values in
``facets`` (one row per value, so lists are multi-valued), their token fields in the
contentless FTS5 table ``fts`` (rowid = docs.id; see INDEX_FORMAT for how deletes work).
Query terms are always quoted, so FTS5 syntax typed by a user (``"``, ``*``, ``OR``, ``:``,
``(``, ``NEAR``) is matched as text and never parsed.

An index is derived from one database. Opened with ``database`` (an identity such as the
database URL without its password), the index remembers it in ``meta`` on first open and
refuses to open for another one (``IndexOfAnotherDatabase``): the documents' ids are that
database's ids, and another database's search would find records that are not its own.

Several processes (web workers) may share the files. What each keeps in memory (the vector
row map, document frequencies, browse facet counts) is tagged with a generation: SQLite's
``PRAGMA data_version`` (changes when another connection commits) and a counter of this
connection's own writes, and rebuilt when the generation moves.

Longer than the project's usual module (about 600 lines) on purpose: it is one class whose
methods share one connection, its caches and their generation; split, each part would need
the others' internals.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import zlib
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path

import numpy as np

from embeddings.protocol import TextEmbedder
from search import backend as ranking
from search.analysis import (
    FIELD_WEIGHTS,
    TOKEN_FIELDS,
    IndexedText,
    QueryTerms,
    with_char_fields,
)
from search.backend import DocKey, RankedBackend, Retrieved, StoredText
from search.documents import (
    DOC_TYPES,
    IndexOfAnotherDatabase,
    SearchDocument,
    SearchQuery,
    facet_values,
)
from search.tokenize import char_bigrams_and_run_ends, domain_terms, normalize
from search.vector_ann import ApproximateIndex, ann_path, remove_stale
from search.vector_file import VectorFile

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY,
    doc_type TEXT NOT NULL,
    doc_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    title_norm TEXT NOT NULL,
    vec_row INTEGER,
    packed BLOB NOT NULL,
    facets TEXT NOT NULL,
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
    content = '',
    tokenize = "unicode61 tokenchars '.'"
);
CREATE VIRTUAL TABLE IF NOT EXISTS fts_vocab USING fts5vocab (fts, 'row');
"""

# The layout of the files; an index of another layout is emptied on open (rebuild it).
# 2: contentless FTS5 (no copy of the token text, 45% of the files before). Deleting from it
# needs the tokens indexed: the word fields are kept zlib-compressed in docs.words (0.9 KB a
# document) and the n-gram fields are made again from docs.title and docs.body.
# (detail=column would drop token positions too, but made lexical queries 10 times slower.)
# 3: character unigrams are no longer indexed, only each run's last character (a lone query
# character is a prefix query): a third fewer n-grams, faster to write, fts_data 29% smaller.
# The body and the word fields are compressed together in docs.packed (the words repeat the
# body, so they cost little more): 1.4 KB a document against 2.4 KB kept apart. Each row
# carries its facet values packed (``pack_facets``), read with the ranked rows: grouping them
# out of ``facets`` (kept for filtering) for 1,000 candidates took a third of a lexical query.
INDEX_FORMAT = "3"
_INDEX_TABLES = ("fts_vocab", "fts", "docs", "facets", "free_vec_rows")

# Work allowed to one lexical query, in postings (documents per term, summed over its terms).
# A title's character bigrams include some that occur in most documents; scoring every such
# document made one query cost ~100 ms at 10k documents. The rarest terms are kept until the
# budget is spent; the common terms left out carry little BM25 weight anyway (idf = log(N/df)).
# Indexes smaller than the budget are never pruned. 10,000 rather than 20,000: at 30k bench
# documents the top 10 of 200 title queries kept 99.9% of the unpruned top 10 either way, and
# a query took 15 against 21 ms of CPU (11 ms at 5,000, also 99.9%).
POSTINGS_BUDGET = 10_000
# Document frequencies are cached and forgotten when the index has grown or shrunk by this share.
DF_CACHE_DRIFT = 0.1
BROWSE_CACHE_SIZE = 64
# From this many vectors on, neighbours come from the approximate (HNSW) index and are scored
# again exactly; below it the exact product over the mapped file is as fast (about 3 ms at
# 20k rows of 256 dimensions) and needs no second copy of the vectors.
ANN_THRESHOLD = 20_000
# Candidates asked of the approximate index per neighbour wanted, before exact rescoring. On
# 100k perturbed copies of CSL vectors (many near-ties, finer than the 8-bit copy resolves),
# recall@10 was 0.933 asking twice the wanted 100 and 0.980 asking four times (+0.3 ms).
ANN_OVERSAMPLING = 4

# A bulk load writes this many documents a transaction. FTS5 keeps the postings of a transaction
# in memory and writes them out as one new segment when it commits (or when they pass
# FTS5_HASH_SIZE), then merges segments as they pile up: with a transaction per 1,000
# documents and FTS5's 1 MiB default, most of the FTS5 insertion cost was writing and merging
# small segments (0.37 against 0.20 ms CPU a document at 20k). 5,000 documents hold the write
# lock for a few seconds at most; other writers wait for it (SQLite's busy timeout).
BULK_BATCH_DOCS = 5000
# Pending postings FTS5 may keep in memory before writing a segment; 5,000 documents take
# about 16 MiB. A setting of the table (``fts_config``), so every connection uses it.
FTS5_HASH_SIZE = 64 * 2**20

# Free pages a write may leave in the file (4 KiB each); more are given back to the file system.
FREE_PAGES_KEPT = 2560

_BM25_WEIGHTS = ", ".join(str(FIELD_WEIGHTS.get(name, 1.0)) for name in TOKEN_FIELDS)


def pack_text(body: str, text: IndexedText) -> bytes:
    """The body, and the word fields as kept for deleting the document from the contentless
    FTS5 table, compressed together."""
    fields = [body, text.title_words, text.body_words]
    return zlib.compress(json.dumps(fields, ensure_ascii=False).encode(), 6)


def unpack_body(packed: bytes) -> str:
    return json.loads(zlib.decompress(packed))[0]


def indexed_text(title: str, packed: bytes) -> IndexedText:
    """The token fields a stored document was indexed with."""
    body, title_words, body_words = json.loads(zlib.decompress(packed))
    return with_char_fields(title, body, title_words, body_words, char_bigrams_and_run_ends)


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _char_query(gram: str) -> str:
    """A character bigram, or a lone character as the prefix of the tokens it starts (the index
    holds no unigrams; see ``char_bigrams_and_run_ends``)."""
    return _quote(gram) + (" *" if len(gram) == 1 else "")


def fts_match_expression(terms: QueryTerms) -> str:
    """An FTS5 query: any word in the word columns or any n-gram in the n-gram columns."""
    parts = []
    if terms.words:
        parts.append("{title_words body_words} : (" + " OR ".join(map(_quote, terms.words)) + ")")
    if terms.chars:
        chars = " OR ".join(map(_char_query, terms.chars))
        parts.append("{title_chars body_chars} : (" + chars + ")")
    return " OR ".join(parts)


def _placeholders(count: int) -> str:
    return ", ".join("?" * count)


def pack_facets(doc: SearchDocument) -> str:
    """The document's (field, value) pairs as one string, for ``docs.facets``."""
    return "\x1e".join(
        f"{field}\x1f{value}" for field, raw in doc.facets.items() for value in facet_values(raw)
    )


@lru_cache(maxsize=4096)
def _unpack_facets(packed: str) -> tuple[tuple[str, str], ...]:
    """(field, value) pairs from ``pack_facets`` output; few distinct combinations recur."""
    if not packed:
        return ()
    return tuple(tuple(pair.split("\x1f", 1)) for pair in packed.split("\x1e"))  # type: ignore[misc]


def _keys_join(count: int) -> str:
    """``docs d`` joined to ``count`` (doc_type, doc_id) parameter pairs through the unique index.

    ``(doc_type, doc_id) IN (VALUES ...)`` reads like the same thing, but SQLite answers it by
    scanning every document (13 ms at 10k documents, per page of results and per written batch).
    """
    values = ", ".join("(?, ?)" for _ in range(count))
    return (
        f"(VALUES {values}) AS wanted CROSS JOIN docs d "
        "ON d.doc_type = wanted.column1 AND d.doc_id = wanted.column2"
    )


def _has_facet_filters(query: SearchQuery) -> bool:
    return bool(query.string_filters) or query.trl_min is not None or query.trl_max is not None


def _browse_cache_key(query: SearchQuery) -> tuple:
    filters = tuple(sorted((name, tuple(sorted(v))) for name, v in query.string_filters.items()))
    return (tuple(sorted(query.doc_types)), filters, query.trl_min, query.trl_max)


@dataclass(frozen=True)
class Candidate:
    """A ranked document with its facet values, so results can be faceted without another pass."""

    key: DocKey
    score: float
    facets: tuple[tuple[str, str], ...] = ()  # (field, value) pairs; lists give one pair each


def count_facets(candidates: Iterable[Candidate]) -> dict[str, dict[str, int]]:
    """Documents per facet value (and per ``doc_type``) among ``candidates``."""
    candidates = list(candidates)
    # Counting (field, value) pairs in one Counter keeps the loop in C.
    pairs = Counter(chain.from_iterable(candidate.facets for candidate in candidates))
    pairs.update(("doc_type", candidate.key[0]) for candidate in candidates)
    counts: dict[str, dict[str, int]] = {}
    for (field, value), count in pairs.items():
        counts.setdefault(field, {})[value] = count
    return counts


@dataclass(frozen=True)
class VectorRowMap:
    """Which document each row of the vector file holds, as arrays ordered by ``docs.id``."""

    vec_rows: np.ndarray  # row in the vector file
    ids: np.ndarray  # docs.id
    type_codes: np.ndarray  # index into DOC_TYPES
    doc_ids: np.ndarray
    position_of_row: np.ndarray  # vec_row -> index into the arrays above, -1 for a free row

    @classmethod
    def from_rows(cls, rows: list[tuple[int, int, str, int]]) -> VectorRowMap:
        codes = {doc_type: code for code, doc_type in enumerate(DOC_TYPES)}
        columns = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
        vec_rows = np.array(columns[0], dtype=np.int64)
        position_of_row = np.full(int(vec_rows.max()) + 1 if len(vec_rows) else 0, -1, np.int64)
        position_of_row[vec_rows] = np.arange(len(vec_rows))
        return cls(
            vec_rows=vec_rows,
            ids=np.array(columns[1], dtype=np.int64),
            type_codes=np.array([codes[t] for t in columns[2]], dtype=np.int8),
            doc_ids=np.array(columns[3], dtype=np.int64),
            position_of_row=position_of_row,
        )

    def positions(self, vec_rows: np.ndarray) -> np.ndarray:
        """Positions of ``vec_rows`` in this map; rows no document holds are dropped."""
        vec_rows = vec_rows[(vec_rows >= 0) & (vec_rows < len(self.position_of_row))]
        found = self.position_of_row[vec_rows]
        return found[found >= 0]

    def key(self, position: int) -> DocKey:
        return (DOC_TYPES[self.type_codes[position]], int(self.doc_ids[position]))


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
    char_grams = staticmethod(char_bigrams_and_run_ends)
    bulk_batch = BULK_BATCH_DOCS

    def __init__(
        self,
        path: str | Path,
        vectorizer: TextEmbedder | None = None,
        min_similarity: float = 0.05,
        database: str | None = None,
    ) -> None:
        super().__init__(vectorizer, min_similarity)
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        # Takes only on a new file (fixed with its first table); see _give_back_free_pages.
        self._db.execute("PRAGMA auto_vacuum = INCREMENTAL")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        # A larger page cache keeps the FTS5 segments being merged during bulk loads in memory.
        self._db.execute("PRAGMA cache_size = -65536")
        self._db.execute("PRAGMA temp_store = MEMORY")
        self._use_current_format()
        try:
            self.database = self._claim(database)
        except IndexOfAnotherDatabase:
            self._db.close()
            raise
        self._vectors = (
            VectorFile(self.path.with_suffix(".vectors.npy"), vectorizer.dim)
            if vectorizer
            else None
        )
        self._own_writes = 0
        self._cached_generation: tuple[int, int] | None = None
        self._row_map: VectorRowMap | None = None
        self._doc_total = 0
        self._browse_cache: OrderedDict[tuple, tuple[int, dict[str, dict[str, int]]]] = (
            OrderedDict()
        )
        self._df_cache: dict[str, int] = {}
        self._df_cache_total = 0
        # The approximate vector index as loaded or built here, the version (meta.ann_version)
        # it was loaded as, and whether this process changed it since.
        self._ann: ApproximateIndex | None = None
        self._ann_version = -1
        self._ann_changed = False

    def close(self) -> None:
        with self._lock:
            self._db.close()
            if self._vectors:
                self._vectors.close()

    def _use_current_format(self) -> None:
        """Create the tables; an index written in an older layout is emptied first."""
        tables = {name for (name,) in self._db.execute("SELECT name FROM sqlite_master")}
        stored = None
        if "meta" in tables:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
            stored = row[0] if row else None
        if "docs" in tables and stored != INDEX_FORMAT:
            log.warning(
                "search index %s has layout %s, not %s: emptied, rebuild it with `search reindex`",
                self.path,
                stored or "1",
                INDEX_FORMAT,
            )
            self._db.executescript(
                "".join(f"DROP TABLE IF EXISTS {name};" for name in _INDEX_TABLES)
            )
        self._db.executescript(SCHEMA)
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (INDEX_FORMAT,))
        # Set once, also in an index made before the setting (the layout does not change).
        hash_size = self._db.execute("SELECT v FROM fts_config WHERE k = 'hashsize'").fetchone()
        if hash_size != (FTS5_HASH_SIZE,):
            self._db.execute("INSERT INTO fts (fts, rank) VALUES ('hashsize', ?)", [FTS5_HASH_SIZE])

    def _claim(self, database: str | None) -> str | None:
        """The database this index belongs to: ``database``, recorded on first open."""
        if database is not None:
            # OR IGNORE: of two processes opening a new index at once, the first one records it.
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('database', ?)", (database,))
        row = self._db.execute("SELECT value FROM meta WHERE key = 'database'").fetchone()
        owner = row[0] if row else None
        if database is not None and owner != database:
            raise IndexOfAnotherDatabase(
                f"the search index {self.path} was built from {owner}, not {database}"
            )
        return owner

    def health(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1").fetchone() == (1,)

    # --- what this process keeps in memory ----------------------------------------------------

    def _refresh_caches(self) -> None:
        """Forget what other connections' commits or our own writes made stale (under the lock)."""
        generation = (self._db.execute("PRAGMA data_version").fetchone()[0], self._own_writes)
        if generation == self._cached_generation:
            return
        self._cached_generation = generation
        self._row_map = None
        self._browse_cache.clear()
        self._doc_total = self._db.execute("SELECT count(*) FROM docs").fetchone()[0]
        drift = abs(self._doc_total - self._df_cache_total)
        if drift > DF_CACHE_DRIFT * max(self._df_cache_total, 1):
            self._df_cache.clear()
            self._df_cache_total = self._doc_total

    def _vector_row_map(self) -> VectorRowMap:
        self._refresh_caches()
        if self._row_map is None:
            rows = self._db.execute(
                "SELECT vec_row, id, doc_type, doc_id FROM docs WHERE vec_row IS NOT NULL "
                "ORDER BY id"
            ).fetchall()
            self._row_map = VectorRowMap.from_rows(rows)
        return self._row_map

    def _document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """Documents per term; for a prefix term (``氢*``) the sum over the tokens it matches,
        which is the postings a query of it reads."""
        self._refresh_caches()
        missing = [term for term in terms if term not in self._df_cache]
        exact = [term for term in missing if not term.endswith("*")]
        if exact:
            found = dict(
                self._db.execute(
                    f"SELECT term, doc FROM fts_vocab WHERE term IN ({_placeholders(len(exact))})",
                    exact,
                ).fetchall()
            )
            self._df_cache.update({term: found.get(term, 0) for term in exact})
        for term in missing:
            if term.endswith("*"):
                prefix = term[:-1]
                upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
                self._df_cache[term] = self._db.execute(
                    "SELECT coalesce(sum(doc), 0) FROM fts_vocab WHERE term >= ? AND term < ?",
                    (prefix, upper),
                ).fetchone()[0]
        return {term: self._df_cache[term] for term in terms}

    # --- the approximate vector index ---------------------------------------------------------

    def _loaded_ann(self) -> ApproximateIndex | None:
        """The approximate index of the version ``meta`` names, from memory or from its file;
        None when there is none yet (under the lock, inside a write transaction for writers)."""
        assert self._vectors is not None
        row = self._db.execute("SELECT value FROM meta WHERE key = 'ann_version'").fetchone()
        version = int(row[0]) if row else 0
        if self._ann is not None and self._ann_version == version:
            return self._ann
        self._ann, self._ann_version, self._ann_changed = None, version, False
        path = ann_path(self._vectors.path, version)
        if path.exists():
            self._ann = ApproximateIndex.load(path, self._vectors.dim)
        return self._ann

    def _build_ann(self) -> ApproximateIndex:
        """An approximate index of every vector row a document holds (read from the database,
        not the cached row map: a writer calls this before its transaction commits)."""
        assert self._vectors is not None
        ann = ApproximateIndex(self._vectors.dim)
        held = np.fromiter(
            (row for (row,) in self._db.execute("SELECT vec_row FROM docs WHERE vec_row >= 0")),
            dtype=np.int64,
        )
        for start in range(0, len(held), 10_000):
            chunk = held[start : start + 10_000]
            ann.upsert(chunk, self._vectors.rows(chunk))
        self._ann, self._ann_changed = ann, True
        return ann

    def _keep_ann_current(self, save: bool) -> None:
        """Build the approximate index once the vectors pass ANN_THRESHOLD, and save what this
        process changed under the next version (in the write transaction, before it commits)."""
        if self._vectors is None:
            return
        if self._loaded_ann() is None:
            held = self._db.execute("SELECT count(vec_row) FROM docs").fetchone()[0]
            if held < ANN_THRESHOLD:
                return
            log.info("building the approximate vector index of %s (%d vectors)", self.path, held)
            self._build_ann()
        if save and self._ann is not None and self._ann_changed:
            version = self._ann_version + 1
            self._ann.save(ann_path(self._vectors.path, version))
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('ann_version', ?)", (version,))
            self._ann_version, self._ann_changed = version, False

    def _ann_rows_changed(self, rows: np.ndarray, vectors: np.ndarray | None) -> None:
        """Carry a change of vector rows into the approximate index, if there is one."""
        if self._vectors is None or self._loaded_ann() is None:
            return
        assert self._ann is not None
        if vectors is None:
            self._ann.remove(rows)
        else:
            self._ann.upsert(rows, vectors)
        self._ann_changed = True

    def _forget_stale_ann_files(self) -> None:
        if self._vectors is not None and self._ann is not None:
            remove_stale(self._vectors.path, ann_path(self._vectors.path, self._ann_version))

    # --- writes ---------------------------------------------------------------------------

    def _take_vec_rows(self, count: int) -> list[int]:
        """``count`` free rows of the vector file: recycled ones first, then new ones at the end."""
        # New rows start past every row ever handed out, free ones included: a freed row may lie
        # above the highest row in use (after a delete, or all of them after a recreate).
        used = self._db.execute(
            "SELECT max(row) FROM (SELECT max(vec_row) AS row FROM docs"
            " UNION ALL SELECT max(vec_row) FROM free_vec_rows)"
        ).fetchone()[0]
        free = [
            row
            for (row,) in self._db.execute(
                "SELECT vec_row FROM free_vec_rows ORDER BY vec_row LIMIT ?", (count,)
            )
        ]
        if free:
            self._db.execute(
                f"DELETE FROM free_vec_rows WHERE vec_row IN ({_placeholders(len(free))})", free
            )
        start = 0 if used is None else used + 1
        return free + list(range(start, start + count - len(free)))

    def _remove(self, ids: list[int]) -> None:
        if not ids:
            return
        marks = _placeholders(len(ids))
        self._delete_tokens(ids)
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
            self._ann_rows_changed(np.array(rows, dtype=np.int64), None)

    def _delete_tokens(self, ids: Sequence[int]) -> None:
        """Take documents out of the contentless FTS5 table: it needs the very tokens indexed."""
        if not ids:
            return
        if len(ids) == self._db.execute("SELECT count(*) FROM docs").fetchone()[0]:
            self._db.execute("INSERT INTO fts (fts) VALUES ('delete-all')")
            return
        command = (
            f"INSERT INTO fts (fts, rowid, {', '.join(TOKEN_FIELDS)}) "
            f"VALUES ('delete', ?, {_placeholders(len(TOKEN_FIELDS))})"
        )
        for start in range(0, len(ids), 10_000):  # under SQLite's bound-parameter limit
            chunk = list(ids[start : start + 10_000])
            marks = _placeholders(len(chunk))
            rows = self._db.execute(
                f"SELECT id, title, packed FROM docs WHERE id IN ({marks})", chunk
            ).fetchall()
            self._db.executemany(
                command,
                [(i, *indexed_text(*stored).as_dict().values()) for i, *stored in rows],
            )

    def _existing(self, docs: Sequence[SearchDocument]) -> dict[DocKey, tuple[int, int | None]]:
        """docs.id and vec_row of the documents of ``docs`` already in the index."""
        rows = self._db.execute(
            f"SELECT d.doc_type, d.doc_id, d.id, d.vec_row FROM {_keys_join(len(docs))}",
            [value for doc in docs for value in doc.key],
        )
        return {(doc_type, doc_id): (row, vec) for doc_type, doc_id, row, vec in rows}

    def _write_batch(
        self, docs: Sequence[SearchDocument], texts: Sequence[IndexedText], last: bool
    ) -> None:
        # The same key twice in one batch: the later document wins, as with one write after another.
        latest = {doc.key: (doc, text) for doc, text in zip(docs, texts, strict=True)}
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._write_rows(list(latest.values()))
                self._keep_ann_current(save=last)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                self._ann = None  # may hold the rolled-back rows: load it again
                raise
            finally:
                self._own_writes += 1
            if last:
                self._forget_stale_ann_files()
                self._give_back_free_pages()

    def _give_back_free_pages(self) -> None:
        """Truncate the file by its free pages once they pass FREE_PAGES_KEPT (under the lock).

        FTS5 merges segments as a bulk load goes and frees the merged ones' pages; the last
        merges leave them free at the end (46 MiB at 100k documents in batches of 5,000).
        """
        free = self._db.execute("PRAGMA freelist_count").fetchone()[0]
        if free <= FREE_PAGES_KEPT:
            return
        try:
            # executescript steps the pragma to its end; execute frees one page a step.
            self._db.executescript("PRAGMA incremental_vacuum")
        except sqlite3.OperationalError as error:  # another writer holds the file: next time
            log.info("free pages of %s not given back: %s", self.path, error)

    def _write_rows(self, items: list[tuple[SearchDocument, IndexedText]]) -> None:
        """Replace the documents in ``items``; one statement per table for the whole batch."""
        old = self._existing([doc for doc, _ in items])
        # New row numbers and ids are chosen before the old rows go, so none is handed out twice.
        with_vectors = self._vectors is not None
        needs_row = [
            doc.key
            for doc, _ in items
            if with_vectors and doc.vector is not None and old.get(doc.key, (0, None))[1] is None
        ]
        fresh_rows = iter(self._take_vec_rows(len(needs_row)) if needs_row else [])
        vec_rows: dict[DocKey, int] = {}
        freed: list[int] = []
        for doc, _ in items:
            kept = old.get(doc.key, (0, None))[1]
            if with_vectors and doc.vector is not None:
                vec_rows[doc.key] = kept if kept is not None else next(fresh_rows)
            elif kept is not None:
                freed.append(kept)

        next_id = (self._db.execute("SELECT max(id) FROM docs").fetchone()[0] or 0) + 1
        row_ids: dict[DocKey, int] = {}
        for doc, _ in items:
            if doc.key in old:
                row_ids[doc.key] = old[doc.key][0]
            else:
                row_ids[doc.key], next_id = next_id, next_id + 1

        old_rows = [(row,) for row, _ in old.values()]
        self._delete_tokens([row for row, _ in old.values()])
        self._db.executemany("DELETE FROM facets WHERE id = ?", old_rows)
        self._db.executemany("DELETE FROM docs WHERE id = ?", old_rows)
        self._db.executemany(
            "INSERT OR IGNORE INTO free_vec_rows VALUES (?)", [(r,) for r in freed]
        )
        if freed and self._vectors is not None:
            self._vectors.clear(np.array(freed, dtype=np.int64))
            self._ann_rows_changed(np.array(freed, dtype=np.int64), None)
        self._db.executemany(
            "INSERT INTO docs (id, doc_type, doc_id, title, title_norm, vec_row, packed, facets)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    row_ids[doc.key],
                    doc.doc_type,
                    doc.doc_id,
                    doc.title,
                    normalize(doc.title),
                    vec_rows.get(doc.key),
                    pack_text(doc.body, text),
                    pack_facets(doc),
                )
                for doc, text in items
            ],
        )
        self._db.executemany(
            f"INSERT INTO fts (rowid, {', '.join(TOKEN_FIELDS)}) VALUES (?, ?, ?, ?, ?)",
            [(row_ids[doc.key], *text.as_dict().values()) for doc, text in items],
        )
        self._db.executemany(
            "INSERT INTO facets (id, field, value) VALUES (?, ?, ?)",
            [
                (row_ids[doc.key], field, value)
                for doc, _ in items
                for field, raw in doc.facets.items()
                for value in facet_values(raw)
            ],
        )
        if vec_rows and self._vectors is not None:
            by_key = {doc.key: doc.vector for doc, _ in items}
            written_rows = np.array(list(vec_rows.values()), dtype=np.int64)
            vectors = np.stack([by_key[key] for key in vec_rows])
            self._vectors.write(written_rows, vectors)
            self._ann_rows_changed(written_rows, vectors)

    def delete(self, doc_type: str, doc_id: int) -> None:
        self._remove_where("doc_type = ? AND doc_id = ?", (doc_type, doc_id))

    def recreate(self, doc_type: str) -> None:
        self._remove_where("doc_type = ?", (doc_type,))

    def _remove_where(self, condition: str, params: tuple) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                ids = [
                    i for (i,) in self._db.execute(f"SELECT id FROM docs WHERE {condition}", params)
                ]
                self._remove(ids)
                self._keep_ann_current(save=True)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                self._ann = None  # may hold the rolled-back removals: load it again
                raise
            finally:
                self._own_writes += 1
            self._forget_stale_ann_files()

    # --- reads ----------------------------------------------------------------------------

    def count(self, doc_type: str) -> int:
        with self._lock:
            return self._db.execute(
                "SELECT count(*) FROM docs WHERE doc_type = ?", (doc_type,)
            ).fetchone()[0]

    def _facets_by_id(self, ids: Sequence[int]) -> dict[int, tuple[tuple[str, str], ...]]:
        found: dict[int, tuple[tuple[str, str], ...]] = {}
        for start in range(0, len(ids), 10_000):  # under SQLite's bound-parameter limit
            chunk = ids[start : start + 10_000]
            rows = self._db.execute(
                f"SELECT id, facets FROM docs WHERE id IN ({_placeholders(len(chunk))})", chunk
            )
            found.update((row, _unpack_facets(packed)) for row, packed in rows)
        return found

    def _affordable_terms(self, terms: QueryTerms) -> QueryTerms:
        """``terms`` without the commonest ones once their postings exceed POSTINGS_BUDGET."""
        char_keys = {gram: gram + "*" if len(gram) == 1 else gram for gram in terms.chars}
        frequencies = self._document_frequencies(
            list(dict.fromkeys([*terms.words, *char_keys.values()]))
        )
        if sum(frequencies.values()) <= POSTINGS_BUDGET:
            return terms
        kept: set[str] = set()
        spent = 0
        for term in sorted(frequencies, key=frequencies.__getitem__):
            if kept and spent + frequencies[term] > POSTINGS_BUDGET:
                break
            kept.add(term)
            spent += frequencies[term]
        return QueryTerms(
            words=tuple(w for w in terms.words if w in kept),
            chars=tuple(c for c in terms.chars if char_keys[c] in kept),
        )

    def _lexical(self, query: SearchQuery, terms: QueryTerms, limit: int) -> list[Candidate]:
        where, params = _filter_sql(query)
        score = f"-bm25(fts, {_BM25_WEIGHTS})"
        if params:
            sql = (
                f"SELECT d.doc_type, d.doc_id, {score} AS score, d.facets "
                f"FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ? AND {where} "
                "ORDER BY score DESC, d.doc_id, d.doc_type LIMIT ?"
            )
        else:
            # Unfiltered, ranked inside FTS5 and joined to docs after: joining every match
            # before sorting was half the CPU of a query (31 against 14 ms at 30k documents).
            # At the cut, of equal scores the older document (lower rowid) is kept.
            sql = (
                "SELECT d.doc_type, d.doc_id, best.score, d.facets FROM ("
                f"SELECT rowid, {score} AS score FROM fts WHERE fts MATCH ? "
                "ORDER BY score DESC, rowid LIMIT ?"
                ") AS best JOIN docs d ON d.id = best.rowid "
                "ORDER BY best.score DESC, d.doc_id, d.doc_type"
            )
        with self._lock:
            match = fts_match_expression(self._affordable_terms(terms))
            rows = self._db.execute(sql, [match, *params, limit]).fetchall()
        return [
            Candidate((doc_type, doc_id), score, _unpack_facets(facets))
            for doc_type, doc_id, score, facets in rows
        ]

    def _retrieve(
        self,
        query: SearchQuery,
        terms: QueryTerms | None,
        vector: np.ndarray | None,
        limit: int,
    ) -> Retrieved:
        # Read at call time, so a test can narrow the window.
        window = max(limit, ranking.FACET_WINDOW)
        lexical = self._lexical(query, terms, window) if terms is not None else []
        nearest = []
        if vector is not None:
            nearest = [
                candidate
                for candidate in self._nearest(query, vector, limit)
                if candidate.score >= self.min_similarity
            ]
        matched = {candidate.key: candidate for candidate in (*lexical, *nearest)}
        return Retrieved(
            lexical=[(c.key, c.score) for c in lexical[:limit]],
            nearest=[(c.key, c.score) for c in nearest],
            total=len(matched),
            total_exact=len(lexical) < window,
            facets=count_facets(matched.values()),
        )

    def _allowed(self, query: SearchQuery, rows: VectorRowMap) -> np.ndarray | None:
        """Which entries of ``rows`` pass the query's filters; None when there are no filters."""
        allowed = None
        if query.doc_types:
            codes = [DOC_TYPES.index(t) for t in query.doc_types]
            allowed = np.isin(rows.type_codes, codes)
        if _has_facet_filters(query):
            where, params = _filter_sql(query)
            passing = np.fromiter(
                (i for (i,) in self._db.execute(f"SELECT d.id FROM docs d WHERE {where}", params)),
                dtype=np.int64,
            )
            in_filter = np.isin(rows.ids, passing)
            allowed = in_filter if allowed is None else allowed & in_filter
        return allowed

    def _approximate_nearest(
        self, rows: VectorRowMap, vector: np.ndarray, limit: int, allowed: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """(positions in ``rows``, exact scores) of the best ``limit`` allowed neighbours by the
        approximate index; None below ANN_THRESHOLD or when it cannot find enough of them
        (a narrow filter), and the exact scan answers instead (under the lock)."""
        assert self._vectors is not None
        if len(rows.vec_rows) < ANN_THRESHOLD:
            return None
        share = 1.0 if allowed is None else float(allowed.mean())
        wanted = min(limit, len(rows.vec_rows) if allowed is None else int(allowed.sum()))
        # Asked for a quarter of the rows or more, the graph search costs more than the scan.
        asked = int(limit * ANN_OVERSAMPLING / share) if share > 0 else len(rows.vec_rows)
        if asked > len(rows.vec_rows) // 4:
            return None
        ann = self._loaded_ann()
        if ann is None:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._keep_ann_current(save=True)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                self._ann = None
                raise
            self._forget_stale_ann_files()
            ann = self._ann
            if ann is None:
                return None
        # The graph may lag (another process's unsaved writes): rows no document holds now are
        # dropped, and every score is computed again from the float32 rows.
        found = rows.positions(ann.candidates(vector, asked))
        if allowed is not None:
            found = found[allowed[found]]
        if len(found) < wanted:
            return None
        scores = self._vectors.rows(rows.vec_rows[found]) @ vector
        order = np.argsort(-scores, kind="stable")[:wanted]
        return found[order], scores[order]

    def _exact_nearest(
        self, rows: VectorRowMap, vector: np.ndarray, limit: int, allowed: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(positions in ``rows``, scores) of the best ``limit`` allowed rows, by a full scan."""
        assert self._vectors is not None
        # One product over the memory-mapped file, then pick this index's rows out of it.
        matrix = self._vectors.first_rows(int(rows.vec_rows.max()) + 1)
        scores = (matrix @ vector)[rows.vec_rows]
        if allowed is not None:
            scores[~allowed] = -np.inf
        count = len(scores) if allowed is None else int(allowed.sum())
        top = (
            np.argpartition(-scores, limit)[:limit]
            if len(scores) > limit
            else np.arange(len(scores))
        )
        best = top[np.argsort(-scores[top], kind="stable")][: min(limit, count)]
        return best, scores[best]

    def _nearest(self, query: SearchQuery, vector: np.ndarray, limit: int) -> list[Candidate]:
        if self._vectors is None:
            return []
        vector = vector.astype(np.float32)
        with self._lock:
            rows = self._vector_row_map()
            if not len(rows.vec_rows):
                return []
            allowed = self._allowed(query, rows)
            best, scores = self._approximate_nearest(
                rows, vector, limit, allowed
            ) or self._exact_nearest(rows, vector, limit, allowed)
            facets = self._facets_by_id([int(rows.ids[i]) for i in best])
        return [
            Candidate(rows.key(i), float(score), facets.get(int(rows.ids[i]), ()))
            for i, score in zip(best, scores, strict=True)
        ]

    def _browse(self, query: SearchQuery, limit: int) -> list[DocKey]:
        where, params = _filter_sql(query)
        with self._lock:
            rows = self._db.execute(
                f"SELECT d.doc_type, d.doc_id FROM docs d WHERE {where} "
                "ORDER BY d.doc_id DESC, d.doc_type LIMIT ?",
                [*params, limit],
            ).fetchall()
        return [(doc_type, doc_id) for doc_type, doc_id in rows]

    def _browse_total_and_facets(self, query: SearchQuery) -> tuple[int, dict[str, dict[str, int]]]:
        """Exact counts over every document passing the filters, cached until the index changes
        (the browse page is the most visited and counting 100k documents takes a while)."""
        key = _browse_cache_key(query)
        with self._lock:
            self._refresh_caches()
            if key in self._browse_cache:
                self._browse_cache.move_to_end(key)
                return self._browse_cache[key]
            answer = self._count_and_facet(query)
            self._browse_cache[key] = answer
            if len(self._browse_cache) > BROWSE_CACHE_SIZE:
                self._browse_cache.popitem(last=False)
        return answer

    def _count_and_facet(self, query: SearchQuery) -> tuple[int, dict[str, dict[str, int]]]:
        where, params = _filter_sql(query)
        sql = (
            f"WITH m AS (SELECT d.id, d.doc_type FROM docs d WHERE {where}) "
            "SELECT 'doc_type', doc_type, count(*) FROM m GROUP BY doc_type "
            "UNION ALL SELECT f.field, f.value, count(*) FROM facets f JOIN m ON f.id = m.id "
            "GROUP BY f.field, f.value"
        )
        facets: dict[str, dict[str, int]] = {}
        for field, value, count in self._db.execute(sql, params):
            facets.setdefault(field, {})[value] = count
        return sum(facets.get("doc_type", {}).values()), facets

    def _stored_text(self, keys: Sequence[DocKey]) -> dict[DocKey, StoredText]:
        if not keys:
            return {}
        with self._lock:
            rows = self._db.execute(
                f"SELECT d.doc_type, d.doc_id, d.title, d.packed FROM {_keys_join(len(keys))}",
                [value for key in keys for value in key],
            ).fetchall()
        return {(t, i): StoredText(title, unpack_body(packed)) for t, i, title, packed in rows}

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
