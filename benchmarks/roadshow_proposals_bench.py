"""Roadshow proposal benchmark: technologies to present and organizations to invite, read from
stored matches, over a catalogue of 10k technologies and 10k needs.

Synthetic rows, inserted in bulk: 500 organizations, ten plan actions with three fields each,
N technologies and N needs spread over the fields (one in ten expired or unpublished), and
MATCHES_PER_NEED stored matches per need with random scores (some rejected or superseded).
Timed (each repeated, p50/p95/max in ms):

- technologies for a one-action theme (about a tenth of the catalogue) and for all ten actions;
- invitees for 10 and for 30 technologies on the agenda.

The target is at most 2 s for a whole proposal (technologies + invitees).

    python benchmarks/roadshow_proposals_bench.py [--size 10000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from portal import create_app  # noqa: E402
from portal.config import TestConfig  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.listings.models import Need, Technology  # noqa: E402
from portal.matches.models import Match  # noqa: E402
from portal.organizations.models import Organization  # noqa: E402
from portal.roadshows.proposals import propose_invitees, propose_technologies  # noqa: E402
from portal.taxonomy.models import PLAN_TAXONOMY, TaxonomyArea  # noqa: E402

MATCHES_PER_NEED = 10
ORGANIZATIONS = 500
REPEATS = 20
TODAY = date(2027, 1, 1)
EXPLANATION = {"terms": ["储能", "电池"], "area": "A01.03", "checks": [], "parts": {}}


def fill(size: int, rng: random.Random) -> None:
    """Insert the synthetic catalogue."""
    session = db.session
    session.execute(
        insert(Organization),
        [
            {"name": f"机构{i}", "kind": "enterprise" if i % 2 else "university"}
            for i in range(ORGANIZATIONS)
        ],
    )
    for action in range(10):
        session.execute(
            insert(TaxonomyArea),
            [
                {
                    "taxonomy": PLAN_TAXONOMY,
                    "code": f"A{action:02d}",
                    "name": f"行动{action}",
                    "level": "action",
                    "position": action,
                }
            ],
        )
    actions = dict(session.execute(select(TaxonomyArea.code, TaxonomyArea.id)).all())
    session.execute(
        insert(TaxonomyArea),
        [
            {
                "taxonomy": PLAN_TAXONOMY,
                "code": f"A{a:02d}.{f:02d}",
                "name": f"领域{a}.{f}",
                "level": "field",
                "parent_id": actions[f"A{a:02d}"],
                "position": f,
            }
            for a in range(10)
            for f in range(3)
        ],
    )
    flat_fields = list(
        session.scalars(select(TaxonomyArea.id).where(TaxonomyArea.level == "field"))
    )
    org_ids = list(session.scalars(select(Organization.id)))

    def listing(i: int, word: str) -> dict[str, object]:
        return {
            "title": f"{word}{i}",
            "summary": "",
            "owner_org_id": rng.choice(org_ids),
            "area_id": rng.choice(flat_fields),
            "status": "published" if i % 10 else "draft",
            "expires_at": TODAY - timedelta(days=1) if i % 10 == 5 else None,
        }

    session.execute(insert(Technology), [listing(i, "技术") for i in range(size)])
    session.execute(insert(Need), [listing(i, "需求") for i in range(size)])
    tech_ids = list(session.scalars(select(Technology.id)))
    need_ids = list(session.scalars(select(Need.id)))
    rows = []
    for need_id in need_ids:
        for tech_id in rng.sample(tech_ids, MATCHES_PER_NEED):
            roll = rng.random()
            rows.append(
                {
                    "technology_id": tech_id,
                    "need_id": need_id,
                    "score": rng.random(),
                    "state": "rejected" if roll < 0.05 else "suggested",
                    "is_current": roll > 0.1,
                    "explanation": EXPLANATION,
                }
            )
    for start in range(0, len(rows), 20_000):
        session.execute(insert(Match), rows[start : start + 20_000])
    session.commit()


def timed(label: str, work: Callable[[], int]) -> float:
    times = []
    count = 0
    for _ in range(REPEATS):
        start = time.perf_counter()
        count = work()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"{label:<44} p50 {statistics.median(times):8.1f} ms  p95 {p95:8.1f} ms  "
        f"max {times[-1]:8.1f} ms  ({count} results)"
    )
    return times[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="roadshow-bench-")
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    # The URL goes into the config class: the engine is made when the app is created.
    config = type(
        "BenchConfig",
        (TestConfig,),
        {"SQLALCHEMY_DATABASE_URI": url, "SEARCH_INDEX_DIR": f"{workdir}/search"},
    )
    app = create_app(config)
    rng = random.Random(42)
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        fill(args.size, rng)
        if db.engine.dialect.name == "postgresql":  # statistics, as autovacuum would gather
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        actions = (
            db.session.execute(select(TaxonomyArea.id).where(TaxonomyArea.parent_id.is_(None)))
            .scalars()
            .all()
        )
        print(
            f"database: {db.engine.dialect.name}; {args.size} technologies, {args.size} needs, "
            f"{args.size * MATCHES_PER_NEED} matches, {ORGANIZATIONS} organizations "
            f"(filled in {time.perf_counter() - started:.1f} s)"
        )
        print(
            f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
            f"{os.getloadavg()[2]:.2f} on {os.cpu_count()} CPUs"
        )
        one_theme = [actions[0]]
        worst = 0.0
        worst += timed(
            "technologies, one-action theme", lambda: len(propose_technologies(one_theme, TODAY))
        )
        timed("technologies, all ten actions", lambda: len(propose_technologies(actions, TODAY)))
        chosen = [item.id for item in propose_technologies(actions, TODAY, limit=30)]
        timed(
            "invitees, 10 technologies, score >= 0.5",
            lambda: len(propose_invitees(chosen[:10], 0.5, TODAY)),
        )
        worst += timed(
            "invitees, 30 technologies, score >= 0.3",
            lambda: len(propose_invitees(chosen, 0.3, TODAY)),
        )
        print(
            f"slowest whole proposal (one theme + 30 technologies): {worst:.1f} ms "
            f"(target <= 2000 ms)"
        )
        db.session.remove()  # end the reads' transaction: DROP waits for its locks otherwise
        db.drop_all()


if __name__ == "__main__":
    main()
