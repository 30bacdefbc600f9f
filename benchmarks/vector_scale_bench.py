"""Vector side at scale: exact scan of the memory-mapped file against the HNSW index.

    python benchmarks/vector_scale_bench.py --rows 300000

Vectors: the hashed n-gram vectors (256 dimensions) of the 1,000 CSL abstracts and of 3,000
sentence-swapped variants (as in search_bench.py), each repeated with Gaussian noise and
normalized again until there are ``--rows``; queries: the vectors of 200 paper titles. Embedding
a million texts would take this machine most of an hour, so the texts are not embedded again
per row. Reports build time, latency and CPU per query of both, recall@10 of the approximate
index (after exact rescoring, as the embedded backend does it) and the sizes on disk.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.search_bench import build_documents  # noqa: E402
from search.evaluate import load_csl_papers  # noqa: E402
from search.vector_ann import ApproximateIndex  # noqa: E402
from search.vector_file import VectorFile  # noqa: E402
from search.vectors import HashedNgramVectorizer  # noqa: E402

NOISE = 0.03  # per dimension; a perturbed copy keeps a cosine of about 0.9 to its source
WANTED, CANDIDATES = (
    100,
    400,
)  # what the embedded backend asks for a vector query (ANN_OVERSAMPLING)


def corpus(rows: int, dim: int) -> np.ndarray:
    vectorizer = HashedNgramVectorizer(dim)
    seeds = vectorizer.embed_documents([f"{d.title}\n{d.body}" for d in build_documents(4000)])
    rng = np.random.default_rng(0)
    out = np.empty((rows, dim), dtype=np.float32)
    for start in range(0, rows, 50_000):
        count = min(50_000, rows - start)
        block = seeds[np.arange(start, start + count) % len(seeds)]
        block = block + rng.normal(0, NOISE, block.shape).astype(np.float32)
        out[start : start + count] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def cuts(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return f"p50 {q[49]:6.1f} ms  p95 {q[94]:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--dim", type=int, default=256)
    args = parser.parse_args()
    vectors = corpus(args.rows, args.dim)
    queries = HashedNgramVectorizer(args.dim).embed_documents(
        [p.title for p in load_csl_papers()[:200]]
    )
    with tempfile.TemporaryDirectory() as folder:
        file = VectorFile(Path(folder) / "v.vectors.npy", args.dim)
        file.write(np.arange(args.rows), vectors)
        started, cpu = time.perf_counter(), time.process_time()
        ann = ApproximateIndex(args.dim)
        for start in range(0, args.rows, 10_000):
            chunk = np.arange(start, min(start + 10_000, args.rows))
            ann.upsert(chunk, vectors[chunk])
        build_s, build_cpu = time.perf_counter() - started, time.process_time() - cpu
        ann_file = Path(folder) / "v.ann.usearch"
        ann.save(ann_file)
        matrix = file.first_rows(args.rows)
        exact_ms, exact_cpu, ann_ms, ann_cpu, recall = [], [], [], [], []
        for q in queries:
            started, cpu = time.perf_counter(), time.process_time()
            scores = matrix @ q
            top = np.argpartition(-scores, WANTED)[:WANTED]
            exact = top[np.argsort(-scores[top])]
            exact_ms.append((time.perf_counter() - started) * 1000)
            exact_cpu.append((time.process_time() - cpu) * 1000)
            started, cpu = time.perf_counter(), time.process_time()
            found = ann.candidates(q, CANDIDATES)
            rescored = file.rows(found) @ q
            approx = found[np.argsort(-rescored)[:WANTED]]
            ann_ms.append((time.perf_counter() - started) * 1000)
            ann_cpu.append((time.process_time() - cpu) * 1000)
            recall.append(len(set(exact[:10]) & set(approx[:10])) / 10)
        print(f"rows {args.rows:,}, {args.dim} dimensions; load average {os.getloadavg()[0]:.1f}")
        print(f"HNSW build {build_s:.1f} s ({build_cpu:.1f} s CPU, all threads)")
        print(f"exact scan  {cuts(exact_ms)}  (CPU {cuts(exact_cpu)})")
        print(
            f"HNSW+rescore {cuts(ann_ms)}  (CPU {cuts(ann_cpu)}); "
            f"recall@10 {statistics.mean(recall):.3f}"
        )
        print(
            f"disk: vectors {file.path.stat().st_size / 2**20:,.0f} MiB, "
            f"HNSW {ann_file.stat().st_size / 2**20:,.0f} MiB"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS) {peak:,.0f} MiB; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
