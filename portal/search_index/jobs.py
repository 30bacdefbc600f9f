"""Rebuilding the search indices as maintenance started from the admin jobs page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.jobs.maintenance import Progress, maintenance
from portal.search_index.documents import PORTAL_DOC_TYPES
from portal.search_index.service import reindex, reindex_size


@maintenance(
    "search.reindex",
    _l("重建检索索引"),
    _l("从数据库重建全部公开条目的检索索引（每个检索后端都重建）。重建期间检索照常可用。"),
    {
        "technology": _l("技术成果"),
        "need": _l("技术需求"),
        "organization": _l("机构"),
        "patent": _l("专利"),
    },
)
def reindex_everything(progress: Progress) -> dict[str, int]:
    types = list(PORTAL_DOC_TYPES)
    total = reindex_size(types)
    written = 0
    progress(0, total)

    def one_more(n: int) -> None:
        nonlocal written
        written += n
        progress(written, total)

    return reindex(types, progress=one_more)
