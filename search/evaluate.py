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

from search.backend import SearchBackend
from search.documents import SEARCH_MODES, SearchDocument, SearchQuery
from search.tokenize import SEED_DIR

CSL_PAPERS = SEED_DIR / "csl" / "papers_dev.tsv"
EVAL_DOC_TYPE = "patent"  # an index the portal fills last; the evaluation restores nothing else


@dataclass(frozen=True)
class Paper:
    paper_id: int
    title: str
    keywords: tuple[str, ...]
    abstract: str


@dataclass(frozen=True)
class EvaluationRow:
    task: str  # "title->abstract" or "keywords->abstract"
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
    ranked: Sequence[Sequence[int]], relevant: Sequence[int], k: int
) -> tuple[float, float]:
    """Recall@k and mean reciprocal rank within the ranked lists, one relevant id per query."""
    hits, reciprocal = 0, 0.0
    for ids, wanted in zip(ranked, relevant, strict=True):
        if wanted in ids[:k]:
            hits += 1
        if wanted in ids:
            reciprocal += 1.0 / (ids.index(wanted) + 1)
    count = max(len(relevant), 1)
    return hits / count, reciprocal / count


def evaluate_backend(
    backend: SearchBackend,
    papers: Sequence[Paper] | None = None,
    k: int = 10,
    modes: Sequence[str] = SEARCH_MODES,
    progress: Callable[[int, int], None] | None = None,
) -> list[EvaluationRow]:
    """Index the abstracts into the backend's ``patent`` index and score each task and mode.

    The ``patent`` index is rebuilt by the caller afterwards (``search reindex --type patent``).
    """
    papers = list(papers if papers is not None else load_csl_papers())
    backend.reindex(EVAL_DOC_TYPE, paper_documents(papers, EVAL_DOC_TYPE))
    tasks = {
        "title->abstract": [paper.title for paper in papers],
        "keywords->abstract": [" ".join(paper.keywords) for paper in papers],
    }
    relevant = [paper.paper_id for paper in papers]
    rows, done, todo = [], 0, len(tasks) * len(modes) * len(papers)
    for task, texts in tasks.items():
        for mode in modes:
            ranked = []
            for text in texts:
                query = SearchQuery(text, doc_types=(EVAL_DOC_TYPE,), mode=mode, per_page=k)
                ranked.append([hit.doc_id for hit in backend.search(query).hits])
                done += 1
                if progress:
                    progress(done, todo)
            recall, mrr = recall_and_mrr(ranked, relevant, k)
            rows.append(EvaluationRow(task, mode, round(recall, 4), round(mrr, 4), len(texts)))
    return rows


def format_table(rows: Sequence[EvaluationRow], backend_name: str, k: int = 10) -> str:
    lines = [
        f"{'backend':<14}{'task':<22}{'mode':<9}{f'Recall@{k}':>10}{'MRR':>8}{'queries':>9}",
    ]
    lines += [
        f"{backend_name:<14}{r.task:<22}{r.mode:<9}{r.recall_at_k:>10.3f}{r.mrr:>8.3f}{r.queries:>9}"
        for r in rows
    ]
    return "\n".join(lines)
