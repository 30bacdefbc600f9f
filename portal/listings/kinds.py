"""The three kinds of listing (technology, product, need) and the vocabularies they share."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from portal.listings.models import (
    IpStatus,
    ListingStatus,
    Need,
    Technology,
    TechnologyKind,
    TransferMode,
)
from portal.model_mixins import LabelledStrEnum

Listing = Technology | Need


class ListingKind(LabelledStrEnum):
    TECHNOLOGY = "technology", TechnologyKind.TECHNOLOGY.label
    PRODUCT = "product", TechnologyKind.PRODUCT.label
    NEED = "need", _l("技术需求")

    @property
    def model(self) -> type[Technology] | type[Need]:
        return Need if self is ListingKind.NEED else Technology

    @property
    def entity_type(self) -> str:
        """The name used in audit entries, notices and matches: catalogue items are one entity."""
        return "need" if self is ListingKind.NEED else "technology"


KIND_LABELS = ListingKind.labels()


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

# Value -> label lookups of the labelled enums, for templates, choices and exports.
IP_STATUSES = IpStatus.labels()
TRANSFER_MODE_LABELS = TransferMode.labels()
STATUS_LABELS = ListingStatus.labels()
