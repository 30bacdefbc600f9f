"""Web benchmark: gunicorn on the demo data (plus generated listings) under wrk, and the time
of a publish request with the derived work inline (as before the job worker) and in the worker.

Builds a throw-away installation in a temporary folder (SQLite, embedded search, SQLite job
queue; the embedding model and its vector cache from instance/): migrations, `seed --demo`
(timed), N generated published technologies (copies of the demo ones with their own titles),
`search reindex` and `match recompute --all` (the derived state wholesale; the outbox's now
redundant entries are dropped so the worker is idle during the runs). Then:

1. publish requests (`PATCH /api/v1/technologies/<id> {"status": "published"}` by a broker),
   once with ``JOBS_IMMEDIATE=true`` (the outbox drained at the end of the request: indexing and
   ranking inside it, as before) and once with the worker doing it;
2. wrk (Debian's `wrk`, with a Lua summary for p95) for a fixed time against home, the catalogue
   list with filters, a catalogue detail page with its matches, the search page and the search
   API, printing requests/s, p50, p95, p99 and errors per page.

    python benchmarks/web_bench.py [--listings 10000] [--connections 50] [--duration 15]
                                   [--workers N] [--publishes 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
FLASK = [PYTHON, "-m", "flask", "--app", "wsgi"]
PORT = 8097
QUERY = urllib.parse.quote("储能")

WRK_SUMMARY = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50": %.2f, "p95": %.2f, "p99": %.2f, "errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3, errors))
end
"""


def environment(folder: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'portal.sqlite3'}",
        SEARCH_INDEX_DIR=str(folder / "search"),
        JOBS_URL=f"sqlite:///{folder / 'jobs.sqlite3'}",
        SECRET_KEY="web-bench",
        RATELIMIT_ENABLED="false",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def flask(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([*FLASK, *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def build(folder: Path, listings: int, publishes: int) -> dict[str, object]:
    """The installation, plus the facts the runs need (ids, a broker token, set-up timings)."""
    env = environment(folder)
    timings = {"migrate": flask(env, "db", "upgrade"), "seed --demo": flask(env, "seed", "--demo")}
    os.environ.update(env)  # the in-process part below uses the same installation
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import delete, select

    from portal import create_app
    from portal.accounts.models import User
    from portal.api.tokens import issue_token
    from portal.extensions import db
    from portal.listings.kinds import ListingKind, kind_of
    from portal.listings.models import ListingStatus, Technology
    from portal.listings.service import create_listing, publish_listing, submit_listing
    from portal.outbox.models import OutboxEntry

    app = create_app()
    with app.app_context():
        broker = db.session.scalar(select(User).where(User.email == "broker@demo.xm"))
        researcher = db.session.scalar(select(User).where(User.email == "researcher@demo.xm"))
        published = [
            item
            for item in db.session.scalars(
                select(Technology).where(Technology.status == ListingStatus.PUBLISHED)
            )
            if kind_of(item) is ListingKind.TECHNOLOGY
        ]
        fields = ("summary", "description", "keywords", "trl", "transfer_modes", "price_min")
        started = time.perf_counter()
        for number in range(listings):
            source = published[number % len(published)]
            data = {name: getattr(source, name) for name in fields if getattr(source, name)}
            data["title"] = f"{source.title}（批次 {number // len(published) + 1}）"[:120]
            listing = create_listing(kind_of(source), data, broker, owner=source.owner_org)
            submit_listing(listing, broker)
            publish_listing(listing, broker)
            if number % 500 == 499:
                db.session.commit()
        db.session.commit()
        timings[f"generate {listings} listings"] = time.perf_counter() - started
        drafts = []
        for number in range(2 * publishes):
            draft = create_listing(
                ListingKind.TECHNOLOGY,
                {
                    "title": f"待发布的储能技术 {number}",
                    "summary": "用于测量发布请求耗时的钠离子电池储能系统，循环寿命长。",
                    "trl": 6,
                },
                researcher,
            )
            submit_listing(draft, researcher)
            drafts.append(draft.id)
        token = issue_token(broker, "web bench").secret
        detail_id = published[0].id
        db.session.commit()
    # The derived state, rebuilt wholesale (one embedding pass, one ranking context), which
    # makes the outbox's entries for the seeded rows redundant: they are dropped, so the
    # measured runs are not disturbed by the worker catching up.
    timings["search reindex"] = flask(env, "search", "reindex")
    timings["match recompute --all"] = flask(env, "match", "recompute", "--all")
    with app.app_context():
        db.session.execute(delete(OutboxEntry))
        db.session.commit()
    facts = {"timings": timings, "drafts": drafts, "token": token, "detail_id": detail_id}
    (folder / "facts.json").write_text(json.dumps(facts))
    return facts


class Server:
    """gunicorn with the project's config, and the job worker unless jobs run inline."""

    def __init__(self, env: dict[str, str], workers: int, with_worker: bool) -> None:
        env = {**env, "BIND": f"127.0.0.1:{PORT}", "WEB_CONCURRENCY": str(workers)}
        self.log = open(Path(env["SEARCH_INDEX_DIR"]).parent / "serve.log", "a")  # noqa: SIM115
        self.processes = [
            subprocess.Popen(
                [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                cwd=ROOT, env=env, stdout=self.log, stderr=self.log,
            )
        ]
        if with_worker:
            self.processes.append(
                subprocess.Popen([*FLASK, "jobs", "worker"], cwd=ROOT, env=env, stdout=self.log,
                                 stderr=self.log)
            )
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/readyz", timeout=2)
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not become ready")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=60)
        self.log.close()


def publish_times(drafts: list[int], token: str) -> tuple[list[float], int]:
    """Milliseconds of each publish after the first (which loads the model: a warm-up), and how
    many requests failed (a draft published by an earlier, interrupted run answers 4xx)."""
    times, failed = [], 0
    for draft_id in drafts:
        request = urllib.request.Request(
            f"http://127.0.0.1:{PORT}/api/v1/technologies/{draft_id}",
            data=json.dumps({"status": "published"}).encode(),
            method="PATCH",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=600) as response:
                response.read()
        except urllib.error.HTTPError:
            failed += 1
            continue
        times.append((time.perf_counter() - started) * 1000)
    return times[1:], failed


def wrk(path: str, connections: int, duration: int, script: Path) -> dict[str, float]:
    output = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "-s", str(script),
         f"http://127.0.0.1:{PORT}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout
    summary = json.loads(output.strip().splitlines()[-1])
    summary["rps"] = summary["requests"] / summary["seconds"]
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--publishes", type=int, default=5)
    parser.add_argument(
        "--keep", type=Path, help="build here and keep it, or reuse it (default: a temp dir)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="web-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"cores {os.cpu_count()}, load before: {os.getloadavg()[0]:.2f}; folder {folder}")
    built = folder / "facts.json"
    facts = json.loads(built.read_text()) if args.keep and built.exists() else None
    facts = facts or build(folder, args.listings, args.publishes)
    for step, seconds in facts["timings"].items():
        print(f"set-up  {step:<28}{seconds:8.1f} s")
    env = environment(folder)
    drafts: list[int] = facts["drafts"]  # type: ignore[assignment]

    print(f"\npublish request (ms), {args.publishes} each, gunicorn {args.workers} sync workers")
    for label, inline in (("derived work inline (before)", True), ("job worker (now)", False)):
        # Inline, a publish may outlast gunicorn's 30 s timeout on a loaded machine: allow it.
        settings = {**env, "JOBS_IMMEDIATE": str(inline).lower(), "GUNICORN_TIMEOUT": "600"}
        server = Server(settings, args.workers, not inline)
        try:
            batch = drafts[: args.publishes] if inline else drafts[args.publishes :]
            times, failed = publish_times(batch, str(facts["token"]))
        finally:
            server.stop()
        if not times:  # a reused folder whose drafts were published by an earlier run
            print(f"  {label:<30} no draft left to publish ({failed} failed)")
            continue
        print(
            f"  {label:<30} median {statistics.median(times):8.1f}  max {max(times):8.1f}"
            f"  ({len(times)} timed after a warm-up, {failed} failed)"
        )

    script = folder / "summary.lua"
    script.write_text(WRK_SUMMARY)
    pages = {
        "home": "/",
        "catalogue list + filters": "/catalogue/?kind=technology&trl_min=5&sort=newest",
        "catalogue detail + matches": f"/catalogue/{facts['detail_id']}",
        "search page": f"/search?q={QUERY}",
        "search API": f"/api/v1/search?q={QUERY}",
    }
    print(
        f"\nwrk: {args.connections} connections, {args.duration} s each, gunicorn "
        f"{args.workers} sync workers + the job worker, on {os.cpu_count()} cores"
    )
    print(f"  {'page':<30}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    server = Server(env, args.workers, with_worker=True)
    try:
        for label, path in pages.items():
            wrk(path, 4, 2, script)  # warm the workers (embedder, caches)
            r = wrk(path, args.connections, args.duration, script)
            print(
                f"  {label:<30}{r['rps']:8.0f}{r['p50']:9.1f}{r['p95']:9.1f}{r['p99']:9.1f}"
                f"{r['errors']:8d}"
            )
    finally:
        server.stop()
    print(f"load after: {os.getloadavg()[0]:.2f}")
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
