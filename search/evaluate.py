"""Retrieval quality on the CSL abstracts: Recall@k and MRR for lexical, vector and hybrid.

Each paper's abstract is indexed as a document; its title, and separately its keywords, are the
queries, and the paper's own abstract is the one relevant answer. This is a floor, not the goal:
word-level BM25 already finds almost every paper, so a regression shows up here first.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from search.analysis import query_terms
from search.backend import VECTOR_CANDIDATES, SearchBackend
from search.documents import SearchDocument, SearchQuery
from search.hybrid import lexical_weight, weighted_rank_fusion
from search.tokenize import SEED_DIR

CSL_PAPERS = SEED_DIR / "csl" / "papers_dev.tsv"
PROBLEM_PAIRS = SEED_DIR / "matching" / "problem_pairs.csv"
EVAL_DOC_TYPE = "patent"  # an index the portal fills last; the evaluation restores nothing else
FUSED_DEPTH = VECTOR_CANDIDATES  # each side of a hybrid search contributes this many


@dataclass(frozen=True)
class Paper:
    paper_id: int
    title: str
    keywords: tuple[str, ...]
    abstract: str


@dataclass(frozen=True)
class EvaluationRow:
    task: str  # "title->abstract", "keywords->abstract" or "need->catalogue"
    mode: str
    recall_at_k: float
    mrr: float
    queries: int


def load_csl_papers(path: Path = CSL_PAPERS) -> list[Paper]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Paper(
                paper_id=number,
                title=row["title"],
                keywords=tuple(k for k in row["keywords"].split(",") if k),
                abstract=row["abstract"],
            )
            for number, row in enumerate(reader, start=1)
        ]


def paper_documents(
    papers: Iterable[Paper], doc_type: str = "technology"
) -> Iterator[SearchDocument]:
    """The abstracts as documents with no title, so a title query cannot match itself."""
    for paper in papers:
        yield SearchDocument(doc_type, paper.paper_id, title="", body=paper.abstract)


def recall_and_mrr(
    ranked: Sequence[Sequence[int]], relevant: Sequence[int | frozenset[int]], k: int
) -> tuple[float, float]:
    """Recall@k (share of a query's relevant ids in its top k) and mean reciprocal rank of the
    first relevant id within the top k, averaged over the queries."""
    recall, reciprocal = 0.0, 0.0
    for ids, wanted in zip(ranked, relevant, strict=True):
        wanted_ids = wanted if isinstance(wanted, frozenset) else frozenset({wanted})
        top = ids[:k]
        recall += len(wanted_ids & set(top)) / max(len(wanted_ids), 1)
        reciprocal += next((1.0 / rank for rank, i in enumerate(top, 1) if i in wanted_ids), 0.0)
    count = max(len(relevant), 1)
    return recall / count, reciprocal / count


@dataclass(frozen=True)
class EvaluationQuery:
    text: str
    relevant: frozenset[int]
    split: str  # "calibration" | "test"


@dataclass(frozen=True)
class RankedLists:
    """The best ``FUSED_DEPTH`` lexical and vector matches of one query (what hybrid fuses)."""

    query: EvaluationQuery
    words: int  # query words with synonyms (what ``lexical_weight`` is a function of)
    lexical: list[int]
    vector: list[int]

    def hybrid(self, weight: Callable[[int], float] = lexical_weight) -> list[int]:
        fused = weighted_rank_fusion(self.lexical, self.vector, weight(self.words))
        return [key for key, _ in fused]


def csl_queries(papers: Sequence[Paper]) -> dict[str, list[EvaluationQuery]]:
    """Short queries: each paper's title, and its keywords; odd papers are the calibration half."""

    def split(paper: Paper) -> str:
        return "calibration" if paper.paper_id % 2 else "test"

    return {
        "title->abstract": [
            EvaluationQuery(p.title, frozenset({p.paper_id}), split(p)) for p in papers
        ],
        "keywords->abstract": [
            EvaluationQuery(" ".join(p.keywords), frozenset({p.paper_id}), split(p))
            for p in papers
        ],
    }


def load_problem_needs(
    path: Path = PROBLEM_PAIRS,
) -> tuple[list[SearchDocument], list[EvaluationQuery]]:
    """Long queries: the problem-voiced needs against the demo catalogue they were written for
    (``seed_data/matching/problem_pairs.csv``); relevant = the need's grade-2 items."""
    numbers: dict[str, int] = {}
    documents: list[SearchDocument] = []
    needs: dict[str, tuple[str, str]] = {}
    targets: dict[str, set[int]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            item = row["technology_id"]
            if item not in numbers:
                numbers[item] = len(numbers) + 1
                documents.append(
                    SearchDocument(EVAL_DOC_TYPE, numbers[item], "", row["technology_text"])
                )
            need = row["need_id"]
            if not need:
                continue
            needs.setdefault(need, (row["need_text"], row["split"]))
            if row["relevance"] == "2":
                targets.setdefault(need, set()).add(numbers[item])
    queries = [
        EvaluationQuery(text, frozenset(targets[need]), split)
        for need, (text, split) in needs.items()
        if need in targets
    ]
    return documents, queries


def ranked_lists(
    backend: SearchBackend,
    queries: Sequence[EvaluationQuery],
    progress: Callable[[int], None] | None = None,
) -> list[RankedLists]:
    """Each query's lexical and vector rankings, to the depth a hybrid search fuses."""
    lists = []
    for query in queries:
        sides = {}
        for mode in ("lexical", "vector"):
            search = SearchQuery(
                query.text, doc_types=(EVAL_DOC_TYPE,), mode=mode, per_page=FUSED_DEPTH
            )
            sides[mode] = [hit.doc_id for hit in backend.search(search).hits]
        words = len(query_terms(SearchQuery(query.text).text).words)
        lists.append(RankedLists(query, words, sides["lexical"], sides["vector"]))
        if progress:
            progress(1)
    return lists


def score_lists(
    task: str,
    lists: Sequence[RankedLists],
    k: int = 10,
    weight: Callable[[int], float] = lexical_weight,
) -> list[EvaluationRow]:
    """Recall@k and MRR of each mode; hybrid is the backend's fusion of the two lists."""
    relevant = [item.query.relevant for item in lists]
    rankings = {
        "hybrid": [item.hybrid(weight) for item in lists],
        "lexical": [item.lexical for item in lists],
        "vector": [item.vector for item in lists],
    }
    rows = []
    for mode, ranked in rankings.items():
        recall, mrr = recall_and_mrr(ranked, relevant, k)
        rows.append(EvaluationRow(task, mode, round(recall, 4), round(mrr, 4), len(lists)))
    return rows


def evaluate_backend(
    backend: SearchBackend,
    papers: Sequence[Paper] | None = None,
    k: int = 10,
    split: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[EvaluationRow]:
    """Short queries (CSL titles and keywords -> abstract) and long ones (problem-voiced needs
    -> demo catalogue), each in the three modes, on the ``split`` half (``None``: all).

    Each set is indexed in turn into the backend's ``patent`` index, which the caller rebuilds
    afterwards (``search reindex --type patent``).
    """
    lists = collect_lists(backend, papers, split, progress)
    return [row for task, items in lists.items() for row in score_lists(task, items, k)]


def collect_lists(
    backend: SearchBackend,
    papers: Sequence[Paper] | None = None,
    split: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, list[RankedLists]]:
    """``ranked_lists`` of every task (see ``evaluate_backend``)."""
    papers = list(papers if papers is not None else load_csl_papers())
    catalogue, needs = load_problem_needs()
    short = {
        task: [q for q in queries if split in (None, q.split)]
        for task, queries in csl_queries(papers).items()
    }
    long = [q for q in needs if split in (None, q.split)]
    todo, done = sum(map(len, short.values())) + len(long), 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(done, todo)

    backend.reindex(EVAL_DOC_TYPE, paper_documents(papers, EVAL_DOC_TYPE))
    lists = {task: ranked_lists(backend, queries, step) for task, queries in short.items()}
    backend.reindex(EVAL_DOC_TYPE, catalogue)
    lists["need->catalogue"] = ranked_lists(backend, long, step)
    return lists


def format_table(rows: Sequence[EvaluationRow], backend_name: str, k: int = 10) -> str:
    lines = [
        f"{'backend':<14}{'task':<22}{'mode':<9}{f'Recall@{k}':>10}{'MRR':>8}{'queries':>9}",
    ]
    lines += [
        f"{backend_name:<14}{r.task:<22}{r.mode:<9}{r.recall_at_k:>10.3f}{r.mrr:>8.3f}{r.queries:>9}"
        for r in rows
    ]
    return "\n".join(lines)
