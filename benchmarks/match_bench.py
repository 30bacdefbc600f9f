"""Matching benchmark: top-10 technologies for one need against 10k and 100k technologies.

Technologies are the real texts of seed_data/matching/labeled_pairs.csv (336 abstracts and
product descriptions) repeated to the target size; each copy gets its own id, area, TRL, price,
transfer modes and expiry, and its own vector (the text's e5 vector plus small noise, so no two
are equal). Needs are the set's 40 needs with their e5 query vectors. Reported:

- index build time (tokenizing is done once per distinct text);
- per-need ranking latency p50/p95 with the need's vector given (query embedding separately);
- full recompute throughput: every need ranked against the whole catalogue, needs/s;
- e5 embedding throughput on the catalogue's texts (texts/s) and query embedding latency;
- peak resident memory of the process.

    python benchmarks/match_bench.py [--sizes 10000 100000] [--model MODEL_FOLDER]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from embeddings.sentence_transformer import SentenceTransformerEmbedder  # noqa: E402
from matching.candidate_index import build_index  # noqa: E402
from matching.evaluate import read_labeled_pairs  # noqa: E402
from matching.matcher import rank_technologies_for_need  # noqa: E402
from matching.profiles import TRANSFER_MODES, NeedProfile, TechnologyProfile  # noqa: E402
from matching.taxonomy import plan_areas  # noqa: E402

PAIRS = Path(__file__).resolve().parent.parent / "seed_data" / "matching" / "labeled_pairs.csv"
TODAY = date(2026, 6, 1)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def synthetic_catalogue(
    texts: list[str], vectors: np.ndarray, size: int, rng: np.random.Generator
) -> list[TechnologyProfile]:
    fields = [a.code for a in plan_areas() if a.level == "field"]
    noise = rng.normal(scale=0.01, size=(size, vectors.shape[1])).astype(np.float32)
    catalogue = []
    for i in range(size):
        source = i % len(texts)
        vector = vectors[source] + noise[i]
        modes = frozenset(m for m in TRANSFER_MODES if rng.random() < 0.4)
        catalogue.append(
            TechnologyProfile(
                id=i,
                title=texts[source][:20],
                text=texts[source],
                area=fields[int(rng.integers(len(fields)))],
                trl=int(rng.integers(3, 10)),
                price_min=float(rng.integers(10, 500)),
                transfer_modes=modes,
                expires_at=TODAY + timedelta(days=int(rng.integers(-30, 700))),
                vector=vector / np.linalg.norm(vector),
            )
        )
    return catalogue


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--model", default="instance/models/multilingual-e5-small")
    parser.add_argument("--repeats", type=int, default=3, help="passes over the 40 needs")
    args = parser.parse_args()

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}"
    )
    pairs = read_labeled_pairs(PAIRS)
    texts = list(pairs.technologies.values())
    embedder = SentenceTransformerEmbedder(args.model, device="cpu", batch_size=32)

    started = time.perf_counter()
    vectors = embedder.embed_documents(texts)
    elapsed = time.perf_counter() - started
    mean_chars = sum(map(len, texts)) / len(texts)
    print(
        f"e5 document embedding: {len(texts)} texts (mean {mean_chars:.0f} chars) in "
        f"{elapsed:.1f} s = {len(texts) / elapsed:.1f} texts/s"
    )

    need_texts = list(pairs.needs.items())
    query_times = []
    need_vectors = {}
    for need_id, text in need_texts:
        started = time.perf_counter()
        need_vectors[need_id] = embedder.embed_query(text)
        query_times.append((time.perf_counter() - started) * 1000)
    print(
        f"e5 query embedding: p50 {percentile(query_times, 50):.1f} ms, "
        f"p95 {percentile(query_times, 95):.1f} ms ({len(query_times)} needs)"
    )
    needs = [
        NeedProfile(nid, "", text, min_trl=4, budget_max=400.0, vector=need_vectors[nid])
        for nid, text in need_texts
    ]

    rng = np.random.default_rng(0)
    for size in args.sizes:
        catalogue = synthetic_catalogue(texts, vectors, size, rng)
        started = time.perf_counter()
        index = build_index(catalogue)
        build_s = time.perf_counter() - started
        latencies = []
        for _ in range(args.repeats):
            for need in needs:
                started = time.perf_counter()
                results = rank_technologies_for_need(need, index, limit=10, today=TODAY)
                latencies.append((time.perf_counter() - started) * 1000)
                assert results, "every need has matches"
        started = time.perf_counter()
        for need in needs:
            rank_technologies_for_need(replace(need), index, limit=10, today=TODAY)
        recompute_s = time.perf_counter() - started
        print(
            f"{size:>7} technologies: index build {build_s:.1f} s; top-10 per need "
            f"p50 {percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f} ms, "
            f"max {max(latencies):.1f} ms ({len(latencies)} rankings); full recompute "
            f"{len(needs) / recompute_s:.1f} needs/s "
            f"({len(needs) * size / recompute_s / 1e6:.2f} M pairs/s); "
            f"mean {statistics.mean(latencies):.1f} ms"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
