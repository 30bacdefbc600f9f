"""Search benchmark: bulk-index throughput and query latency per backend and mode.

    python benchmarks/search_bench.py --docs 10000 [--elasticsearch http://127.0.0.1:9200]
        [--backends embedded,elasticsearch] [--index-prefix bench-]

Documents are built from real vocabulary: the 1,000 CSL abstracts in seed_data/csl (Chinese
scientific papers). Document i takes abstract i mod 1,000 and swaps in sentences of two other
abstracts, so there are N distinct documents with real word statistics. Queries are the papers'
titles. Latency is per query, end to end through ``search()`` (tokenizing, ranking, facets,
snippets); query embedding time is measured on its own and not included in vector/hybrid times.
Indexing reports wall and CPU seconds of this process, and the load average, since the machine
may be shared.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.backend import RankedBackend  # noqa: E402
from search.documents import SearchDocument, SearchQuery  # noqa: E402
from search.elastic import ElasticsearchBackend  # noqa: E402
from search.embedded import EmbeddedBackend  # noqa: E402
from search.evaluate import load_csl_papers  # noqa: E402
from search.vectors import HashedNgramVectorizer  # noqa: E402

AREAS = ["A01", "A02", "A03", "A04", "A05"]
MODES = ["license", "assignment", "joint_development", "equity", "service"]


def build_documents(count: int) -> list[SearchDocument]:
    papers = load_csl_papers()
    sentences = [p.abstract.split("。") for p in papers]
    docs = []
    for i in range(count):
        base, other, third = i % 1000, (i * 7 + 3) % 1000, (i * 13 + 5) % 1000
        body = "。".join(sentences[base][:2] + sentences[other][:1] + sentences[third][-2:])
        docs.append(
            SearchDocument(
                "technology",
                i + 1,
                papers[base].title if i < 1000 else f"{papers[base].title}（{i // 1000}）",
                body,
                {"area": AREAS[i % 5], "trl": i % 9 + 1, "transfer_modes": [MODES[i % 5]]},
            )
        )
    return docs


def percentiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return f"p50 {cuts[49]:7.1f} ms  p95 {cuts[94]:7.1f} ms  p99 {cuts[98]:7.1f} ms"


def server_cpu_s(backend: RankedBackend) -> float | None:
    """CPU seconds the Elasticsearch node has used so far (None for the embedded backend, whose
    work is all in this process)."""
    if not isinstance(backend, ElasticsearchBackend):
        return None
    stats = backend.client.nodes.stats(metric="process", filter_path="nodes.*.process.cpu")
    return sum(n["process"]["cpu"]["total_in_millis"] for n in stats["nodes"].values()) / 1000


def server_cpu_note(backend: RankedBackend, since: float | None, per: int, unit: str) -> str:
    """The node's CPU since ``since`` per ``unit`` (empty for the embedded backend)."""
    now = server_cpu_s(backend)
    if now is None or since is None:
        return ""
    return f"; {(now - since) / per * 1000:.2f} ms server CPU a {unit}"


def bench_lexical_indexing(backend: RankedBackend, docs: list[SearchDocument]) -> None:
    """Bulk-index throughput of an index without vectors (the lexical side alone)."""
    server_started = server_cpu_s(backend)
    started, cpu_started = time.perf_counter(), time.process_time()
    backend.reindex("technology", docs)
    index_s = time.perf_counter() - started
    cpu_ms = (time.process_time() - cpu_started) / len(docs) * 1000
    server = server_cpu_note(backend, server_started, len(docs), "document")
    print(
        f"[{backend.name}] lexical only: indexed {len(docs):,} docs in {index_s:.1f} s "
        f"({len(docs) / index_s:,.0f} docs/s; {cpu_ms:.2f} ms CPU a document in this process"
        f"{server}; load average {os.getloadavg()[0]:.1f})"
    )


def elasticsearch_size_mib(backend: ElasticsearchBackend) -> float:
    """Primary store size of the backend's technology index, after a flush."""
    alias = backend.alias("technology")
    backend.client.indices.flush(index=alias)
    stats = backend.client.indices.stats(index=alias, metric="store")
    return stats["_all"]["primaries"]["store"]["size_in_bytes"] / 2**20


def bench_backend(backend: RankedBackend, docs: list[SearchDocument], queries: list[str]) -> None:
    vectorizer = backend.vectorizer
    assert vectorizer is not None
    texts = [f"{d.title}\n{d.body}" for d in docs]
    started = time.perf_counter()
    vectors = vectorizer.embed_documents(texts)
    embed_s = time.perf_counter() - started
    with_vectors = [
        SearchDocument(d.doc_type, d.doc_id, d.title, d.body, d.facets, v)
        for d, v in zip(docs, vectors, strict=True)
    ]
    server_started = server_cpu_s(backend)
    started, cpu_started = time.perf_counter(), time.process_time()
    backend.reindex("technology", with_vectors)
    index_s = time.perf_counter() - started
    cpu_s = time.process_time() - cpu_started
    server = server_cpu_note(backend, server_started, len(docs), "document")
    print(
        f"[{backend.name}] indexed {len(docs):,} docs in {index_s:.1f} s "
        f"({len(docs) / index_s:,.0f} docs/s; {cpu_s:.1f} s CPU in this process{server}; "
        f"load average {os.getloadavg()[0]:.1f}; document embedding by {vectorizer.name} "
        f"took another {embed_s:.1f} s)"
    )
    query_vectors = {}
    started = time.perf_counter()
    for text in queries:
        query_vectors[text] = vectorizer.embed_query(text)
    per_query = (time.perf_counter() - started) / len(queries) * 1000
    print(f"[{backend.name}] query embedding ({vectorizer.name}): {per_query:.2f} ms/query")
    for mode in ("lexical", "vector", "hybrid"):
        samples, cpu_samples, exact = [], [], 0
        server_started = server_cpu_s(backend)
        for text in queries:
            query = SearchQuery(text, mode=mode)
            started, cpu_started = time.perf_counter(), time.process_time()
            result = backend.search(query, query_vector=query_vectors[text])
            samples.append((time.perf_counter() - started) * 1000)
            cpu_samples.append((time.process_time() - cpu_started) * 1000)
            exact += result.total_exact
        cpu_cuts = statistics.quantiles(cpu_samples, n=100, method="inclusive")
        server = server_cpu_note(backend, server_started, len(queries), "query (mean)")
        print(
            f"[{backend.name}] {mode:<8} {percentiles(samples)}  ({len(queries)} queries, "
            f"{exact} with exact totals; CPU in this process p50 {cpu_cuts[49]:.1f} ms "
            f"p95 {cpu_cuts[94]:.1f} ms{server}; load average {os.getloadavg()[0]:.1f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--elasticsearch", default=os.environ.get("ELASTICSEARCH_URL"))
    parser.add_argument("--backends", default="embedded,elasticsearch")
    parser.add_argument("--index-prefix", default="bench-")
    parser.add_argument(
        "--skip-lexical-only", action="store_true", help="do not time an index without vectors"
    )
    args = parser.parse_args()
    backends = args.backends.split(",")

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB; "
        f"python {platform.python_version()}"
    )
    print(f"documents: {args.docs:,} built from the 1,000 CSL abstracts (seed_data/csl)")
    docs = build_documents(args.docs)
    queries = [p.title for p in load_csl_papers()[: args.queries]]
    vectorizer = HashedNgramVectorizer()
    if "embedded" in backends:
        if not args.skip_lexical_only:
            with tempfile.TemporaryDirectory() as folder:
                bench_lexical_indexing(EmbeddedBackend(Path(folder) / "lexical.sqlite3"), docs)
        with tempfile.TemporaryDirectory() as folder:
            store = EmbeddedBackend(Path(folder) / "bench.sqlite3", vectorizer)
            bench_backend(store, docs, queries)
            store.close()  # checkpoints the write-ahead log into the database file
            size = sum(f.stat().st_size for f in Path(folder).iterdir()) / 2**20
            per_doc = size * 1024 / len(docs)
            print(f"[embedded] index files: {size:,.0f} MiB ({per_doc:.1f} KiB a document)")
    if args.elasticsearch and "elasticsearch" in backends:
        if not args.skip_lexical_only:
            lexical = ElasticsearchBackend(args.elasticsearch, None, index_prefix=args.index_prefix)
            try:
                bench_lexical_indexing(lexical, docs)
            finally:
                lexical.drop_all()
        backend = ElasticsearchBackend(
            args.elasticsearch, vectorizer, index_prefix=args.index_prefix
        )
        try:
            bench_backend(backend, docs, queries)
            size = elasticsearch_size_mib(backend)
            per_doc = size * 1024 / len(docs)
            print(f"[elasticsearch] index size: {size:,.0f} MiB ({per_doc:.1f} KiB a document)")
        finally:
            backend.drop_all()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (max RSS): {peak_mib:,.0f} MiB")
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
