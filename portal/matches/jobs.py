"""Re-ranking every open listing as maintenance started from the admin jobs page."""

from __future__ import annotations

from dataclasses import asdict

from flask_babel import lazy_gettext as _l

from portal.jobs.maintenance import Progress, maintenance
from portal.matches.recompute import recompute_all
from portal.transactions import unit_of_work


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
        report = recompute_all(progress=progress)
    return asdict(report)
