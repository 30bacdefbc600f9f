"""Reclassifying every organization as maintenance started from the admin jobs page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.classification.runs import classify_each
from portal.classification.service import organization_ids
from portal.jobs.maintenance import Progress, maintenance


@maintenance(
    "classification.organizations",
    _l("重新判定机构碳类型"),
    _l("根据每个机构已发布的条目和简介重新判定低碳、零碳、负碳类型。经纪人的人工判定保持不变。"),
    {
        "negative": _l("负碳"),
        "zero": _l("零碳"),
        "low": _l("低碳"),
        "none": _l("非低碳类"),
        "changed": _l("类型有变化"),
        "overridden": _l("保留人工判定"),
    },
)
def classify_every_organization(progress: Progress) -> dict[str, int]:
    run = classify_each(organization_ids(), progress=progress)
    return {**run.by_type, "changed": run.changed, "overridden": run.overridden}
