"""The three kinds of listing (technology, product, need) and the vocabularies they share."""

from __future__ import annotations

import enum

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from portal.listings.models import Need, Technology, TechnologyKind

Listing = Technology | Need


class ListingKind(enum.StrEnum):
    TECHNOLOGY = "technology"
    PRODUCT = "product"
    NEED = "need"

    @property
    def model(self) -> type[Technology] | type[Need]:
        return Need if self is ListingKind.NEED else Technology

    @property
    def entity_type(self) -> str:
        """The name used in audit entries, notices and matches: catalogue items are one entity."""
        return "need" if self is ListingKind.NEED else "technology"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.value])


KIND_LABELS: dict[str, LazyString] = {
    "technology": _l("技术成果"),
    "product": _l("绿色产品"),
    "need": _l("技术需求"),
}


def kind_of(listing: Listing) -> ListingKind:
    if isinstance(listing, Need):
        return ListingKind.NEED
    # A fresh object may still hold the plain string it was given; the enum accepts both.
    return ListingKind(TechnologyKind(listing.kind or TechnologyKind.TECHNOLOGY).value)


# Technology readiness levels with the one-line explanation shown beside every TRL choice.
TRL_LEVELS: dict[int, LazyString] = {
    1: _l("发现并报告基本原理"),
    2: _l("提出技术概念和应用设想"),
    3: _l("关键功能经分析和实验室实验验证（原理验证）"),
    4: _l("实验室环境中部件或样机通过验证"),
    5: _l("模拟使用环境中部件或样机通过验证"),
    6: _l("模拟使用环境中系统原型完成演示（中试）"),
    7: _l("实际使用环境中系统原型完成演示（工程样机）"),
    8: _l("系统定型并通过试验验证（小批量生产）"),
    9: _l("系统在实际应用中成功运行（规模化应用）"),
}

IP_STATUSES: dict[str, LazyString] = {
    "patent_granted": _l("已授权专利"),
    "patent_pending": _l("专利申请中"),
    "software_copyright": _l("软件著作权"),
    "know_how": _l("技术秘密（非专利技术）"),
    "none": _l("暂无知识产权"),
}

TRANSFER_MODE_LABELS: dict[str, LazyString] = {
    "license": _l("许可"),
    "assignment": _l("转让"),
    "joint_development": _l("合作开发"),
    "equity": _l("作价入股"),
    "service": _l("技术服务"),
}

STATUS_LABELS: dict[str, LazyString] = {
    "draft": _l("草稿"),
    "submitted": _l("待审核"),
    "published": _l("已发布"),
    "archived": _l("已下架"),
}
