"""Re-ranking every open listing as maintenance started from the admin jobs page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.jobs.maintenance import Progress, maintenance
from portal.matches.recompute import recompute_all
from portal.transactions import unit_of_work

# Listings ranked per commit during a whole re-rank: on SQLite one transaction for the whole run
# would hold the write lock for minutes, and every page that writes would wait on it.
COMMIT_EVERY = 100


def committing(progress: Callable[[int, int], None] | None) -> Callable[[int, int], None]:
    """A progress callback that also commits the rankings done so far every COMMIT_EVERY
    listings (it is told of each listing before it is ranked, so each commit holds whole ones)."""

    def step(done: int, total: int) -> None:
        if done and done % COMMIT_EVERY == 0:
            db.session.commit()
        if progress is not None:
            progress(done, total)

    return step


@maintenance(
    "matches.recompute",
    _l("重新计算匹配"),
    _l("为每个公开的技术成果和技术需求重新排序匹配结果，并撤下已关闭条目的推荐。需要较长时间。"),
    {
        "needs_ranked": _l("已排序的技术需求"),
        "technologies_ranked": _l("已排序的技术成果"),
        "matches_stored": _l("保存的匹配"),
        "listings_retired": _l("撤下推荐的已关闭条目"),
    },
)
def recompute_every_listing(progress: Progress) -> dict[str, int]:
    with unit_of_work():
        report = recompute_all(progress=committing(progress))
    return asdict(report)
