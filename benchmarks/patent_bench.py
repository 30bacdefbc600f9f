"""Patent benchmark: import rows/s and landscape latency on the embedded default (SQLite).

The rows are the 40 real Patentics records of tests/data/patents/patentics-ar-gbk.csv repeated
to the target size, each copy with its own publication and application number (so every row
is a new patent) and every tenth with a battery code too (a green topic to navigate), written
as the UTF-8-with-BOM CSV Patentics exports. Each size is imported into a fresh SQLite database
(the embedded default) through `import_patents`, validation, green tagging and the bulk writes
included, then imported again (every row an update).
Reported per size: wall and CPU seconds and rows/s for the first import and the re-import
(CPU time is the fairer figure on a shared, loaded machine) and the process's peak resident
memory; with `--trace-memory` also the peak of Python allocations during the import
(tracemalloc, which slows allocation-heavy code several times over: the timings of such a run
are not the import's).
Then the landscape (every count the page shows) over all the patents and over typical
filters, each run `--repeat` times: p50, p95 and p99 latency. The load average is printed
before and after, since the machine may be shared.

    python benchmarks/patent_bench.py [--rows 20000 100000] [--repeat 10] [--profile]
        [--trace-memory]
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import os
import platform
import pstats
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import current_app  # noqa: E402

from portal import create_app  # noqa: E402
from portal.config import TestConfig  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.organizations.models import CarbonType  # noqa: E402
from portal.patents.landscape_cache import cached_landscape, forget_landscapes  # noqa: E402
from portal.patents.query import PatentFilter  # noqa: E402
from portal.patents.service import import_patents  # noqa: E402

SAMPLE = (
    Path(__file__).resolve().parent.parent / "tests" / "data" / "patents" / "patentics-ar-gbk.csv"
)


def synthetic_export(rows: int) -> bytes:
    """The sample's records repeated to `rows`, renumbered, as a UTF-8 BOM CSV."""
    header, *records = list(csv.reader(io.StringIO(SAMPLE.read_bytes().decode("gb18030"))))
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    for index in range(rows):
        record = list(records[index % len(records)])
        record[0] = f"CN{300000000 + index}A"
        record[1] = f"CN2021{10000000 + index}.X"
        if index % 10 == 0:  # a tenth are battery patents: the green topic electric_storage
            record[6] = f"{record[6]} | H01M 10/44"
        writer.writerow(record)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


LANDSCAPE_FILTERS = {
    "all": PatentFilter(),
    "q=显示": PatentFilter(q="显示"),
    "green": PatentFilter(green=True),
    "topic=electric_storage": PatentFilter(topic="electric_storage"),
    "carbon_type=none": PatentFilter(carbon_type=CarbonType.NONE),
    "applicant=科技": PatentFilter(applicant="科技"),
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def landscape_latency(repeat: int, *, cached: bool) -> None:
    """Each filter `repeat` times: uncached (every run computes), or as the pages ask for it
    (the first run computes, the rest find it kept while the patents stay as they are)."""
    forget_landscapes()
    for label, filters in LANDSCAPE_FILTERS.items():
        times, cpu_times = [], []
        for _ in range(repeat):
            if not cached:
                forget_landscapes()
            started, cpu_started = time.perf_counter(), time.process_time()
            total = cached_landscape(filters).total
            times.append((time.perf_counter() - started) * 1000)
            # SQLite runs in this process: its work is in the CPU time too
            cpu_times.append((time.process_time() - cpu_started) * 1000)
            db.session.rollback()
        print(
            f"  {'cached' if cached else 'computed'} {label:<22} {total:7d} patents |"
            f" wall p50 {percentile(times, 0.5):5.0f}"
            f" p95 {percentile(times, 0.95):5.0f} p99 {percentile(times, 0.99):5.0f} ms"
            f" | CPU p50 {percentile(cpu_times, 0.5):5.0f} p95 {percentile(cpu_times, 0.95):5.0f}"
            f" p99 {percentile(cpu_times, 0.99):5.0f} ms"
        )


def report_export_time(repeat: int) -> None:
    """The self-contained HTML report of a topic, as a broker downloads it (landscape computed
    afresh each time, charts drawn by Plotly): p50 and p95, and its size."""
    from flask_login import login_user

    from portal.accounts.models import Role
    from portal.patents.views import landscape_report
    from tests.factories import make_user

    broker = make_user("bench-broker@test.xm", Role.BROKER)
    times, size = [], 0
    for _ in range(repeat):
        forget_landscapes()
        path = "/patents/landscape/report.html?topic=electric_storage"
        with current_app.test_request_context(path):
            login_user(broker)
            started = time.perf_counter()
            response = landscape_report()
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            size = len(response.get_data())
    print(
        f"  report.html topic=electric_storage | wall p50 {percentile(times, 0.5):5.0f}"
        f" p95 {percentile(times, 0.95):5.0f} ms | {size / 1024:.0f} KiB"
    )


def run(rows: int, repeat: int, profile: bool, trace_memory: bool) -> None:
    data = synthetic_export(rows)
    profiler = cProfile.Profile() if profile else None
    with tempfile.TemporaryDirectory() as folder:
        # Indexing the imported patents is the worker's job after the commit, not the import's.
        settings = {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            "OUTBOX_DRAIN_AFTER_COMMIT": False,
        }
        # Flask-SQLAlchemy makes its engine when the app is made: the URL goes in the class.
        app = create_app(type("BenchConfig", (TestConfig,), settings))
        with app.app_context():
            assert db.engine.url.database == f"{folder}/bench.sqlite3", db.engine.url
            db.create_all()
            timings = []
            for attempt in range(2):  # a first import, then the same file again (updates)
                if trace_memory:
                    tracemalloc.start()
                if profiler and attempt == 0:
                    profiler.enable()
                started, cpu_started = time.perf_counter(), time.process_time()
                report = import_patents("bench.csv", data)
                db.session.commit()
                elapsed = time.perf_counter() - started
                cpu = time.process_time() - cpu_started
                if profiler and attempt == 0:
                    profiler.disable()
                peak = tracemalloc.get_traced_memory()[1] if trace_memory else None
                tracemalloc.stop()
                assert not report.rejected, report.rejected[:3]
                timings.append((elapsed, cpu, peak / 2**20 if peak else None, report))
            print(f"{rows} rows, {len(data) / 2**20:.1f} MB CSV")
            with app.test_request_context():  # the cache lives on the app
                landscape_latency(repeat, cached=False)
                landscape_latency(repeat, cached=True)
            report_export_time(repeat)
            db.session.remove()
            db.engine.dispose()
    for label, (wall, cpu, peak, report) in zip(
        ("first import", "re-import"), timings, strict=True
    ):
        print(
            f"  {label:<12} {wall:6.1f} s wall {rows / wall:6.0f} rows/s | {cpu:6.1f} s CPU "
            f"{rows / cpu:6.0f} rows/s | {report.imported} new, {report.updated} updated"
            + (f" | Python peak {peak:.0f} MB (traced)" if peak is not None else "")
        )
    print(f"  process peak RSS {peak_rss_mb():.0f} MB (app and libraries included)")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[20000])
    parser.add_argument("--repeat", type=int, default=10, help="landscape runs per filter")
    parser.add_argument("--profile", action="store_true", help="cProfile the first import")
    parser.add_argument(
        "--trace-memory", action="store_true", help="peak Python allocations (slows the import)"
    )
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    for rows in args.rows:
        run(rows, args.repeat, args.profile, args.trace_memory)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
