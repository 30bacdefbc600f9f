"""The listings' tables: the catalogue (technologies and products, one table) and needs.

`ListingMixin` holds what every listing shares (text, classification, contact, owner and the
publication workflow); `Technology` is a catalogue item of kind technology or product, so the
绿色技术和产品目录 is one catalogue; `Need` is an enterprise's technology need (技术需求).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from portal.extensions import db
from portal.model_mixins import LabelledStrEnum, TimestampMixin, enum_column
from portal.organizations.models import Organization
from portal.taxonomy.models import TaxonomyArea


class ListingStatus(LabelledStrEnum):
    DRAFT = "draft", _l("草稿")
    SUBMITTED = "submitted", _l("待审核")
    PUBLISHED = "published", _l("已发布")
    ARCHIVED = "archived", _l("已下架")


class TransferMode(LabelledStrEnum):
    LICENSE = "license", _l("许可")
    ASSIGNMENT = "assignment", _l("转让")
    JOINT_DEVELOPMENT = "joint_development", _l("合作开发")
    EQUITY = "equity", _l("作价入股")
    SERVICE = "service", _l("技术服务")


class IpStatus(LabelledStrEnum):
    PATENT_GRANTED = "patent_granted", _l("已授权专利")
    PATENT_PENDING = "patent_pending", _l("专利申请中")
    SOFTWARE_COPYRIGHT = "software_copyright", _l("软件著作权")
    KNOW_HOW = "know_how", _l("技术秘密（非专利技术）")
    NONE = "none", _l("暂无知识产权")


# Allowed moves of the workflow; anything else is refused by the service layer.
STATUS_TRANSITIONS: dict[ListingStatus, frozenset[ListingStatus]] = {
    ListingStatus.DRAFT: frozenset({ListingStatus.SUBMITTED, ListingStatus.ARCHIVED}),
    ListingStatus.SUBMITTED: frozenset(
        {ListingStatus.PUBLISHED, ListingStatus.DRAFT, ListingStatus.ARCHIVED}
    ),
    ListingStatus.PUBLISHED: frozenset({ListingStatus.ARCHIVED, ListingStatus.DRAFT}),
    ListingStatus.ARCHIVED: frozenset({ListingStatus.DRAFT}),
}


class ListingMixin(TimestampMixin):
    """Columns of every listing: text, classification, contact, owner and workflow."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    summary: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    transfer_modes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    contact_name: Mapped[str | None] = mapped_column(String(80))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[ListingStatus] = mapped_column(
        enum_column(ListingStatus), nullable=False, default=ListingStatus.DRAFT
    )
    review_comment: Mapped[str | None] = mapped_column(Text)
    view_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    expires_at: Mapped[date | None] = mapped_column(Date)
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    source: Mapped[str | None] = mapped_column(String(300))

    @declared_attr
    def area_id(cls) -> Mapped[int | None]:  # noqa: N805 - SQLAlchemy declared_attr
        return mapped_column(ForeignKey("taxonomy_areas.id", ondelete="SET NULL"), index=True)

    @declared_attr
    def industry_area_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("taxonomy_areas.id", ondelete="SET NULL"))

    @declared_attr
    def owner_org_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(
            ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=True
        )

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def is_expired(self, today: date) -> bool:
        return self.expires_at is not None and self.expires_at < today


class TechnologyKind(LabelledStrEnum):
    TECHNOLOGY = "technology", _l("技术成果")
    PRODUCT = "product", _l("绿色产品")


class Technology(ListingMixin, db.Model):
    __tablename__ = "technologies"

    kind: Mapped[TechnologyKind] = mapped_column(
        enum_column(TechnologyKind), nullable=False, default=TechnologyKind.TECHNOLOGY
    )
    trl: Mapped[int | None] = mapped_column(Integer)
    ip_status: Mapped[str | None] = mapped_column(String(40))
    patent_numbers: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # Prices are in 万元 (10,000 CNY), the unit Chinese technology markets quote.
    price_min: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    price_max: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    carbon_reduction_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    carbon_reduction_unit: Mapped[str | None] = mapped_column(String(40))
    carbon_reduction_basis: Mapped[str | None] = mapped_column(Text)
    advantages: Mapped[str] = mapped_column(Text, nullable=False, default="")
    application_scenarios: Mapped[str] = mapped_column(Text, nullable=False, default="")
    maturity_evidence: Mapped[str] = mapped_column(Text, nullable=False, default="")

    owner_org: Mapped[Organization] = relationship()
    area: Mapped[TaxonomyArea | None] = relationship(foreign_keys="Technology.area_id")
    industry_area: Mapped[TaxonomyArea | None] = relationship(
        foreign_keys="Technology.industry_area_id"
    )

    def __repr__(self) -> str:
        return f"<Technology {self.id} {self.title[:20]}>"


class Need(ListingMixin, db.Model):
    __tablename__ = "needs"

    min_trl: Mapped[int | None] = mapped_column(Integer)
    # Budgets are in 万元, like catalogue prices.
    budget_min: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    budget_max: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    deadline: Mapped[date | None] = mapped_column(Date)
    region: Mapped[str | None] = mapped_column(String(40))

    owner_org: Mapped[Organization] = relationship()
    area: Mapped[TaxonomyArea | None] = relationship(foreign_keys="Need.area_id")
    industry_area: Mapped[TaxonomyArea | None] = relationship(foreign_keys="Need.industry_area_id")

    def __repr__(self) -> str:
        return f"<Need {self.id} {self.title[:20]}>"


Listing = Technology | Need


def add_list_indexes(model: type[Technology] | type[Need], *filter_columns: str) -> None:
    """The indexes behind the list pages (`portal.listings.query`), all led by the status.

    The two sort orders read a page straight off an index instead of sorting every published
    row, and the list's count reads the filter columns from a narrow index instead of the
    wide rows (measured at 10k listings on SQLite: the page 39 -> 0.2 ms, the count 46 ->
    1.6 ms with filters).
    """
    table = model.__tablename__
    Index(
        f"ix_{table}_newest",
        model.status,
        model.published_at.desc(),
        model.created_at.desc(),
        model.id.desc(),
    )
    Index(f"ix_{table}_most_viewed", model.status, model.view_count.desc(), model.id.desc())
    columns = [getattr(model, name) for name in filter_columns]
    Index(f"ix_{table}_filters", model.status, *columns, model.expires_at, model.area_id)


add_list_indexes(Technology, "kind", "trl")
add_list_indexes(Need, "min_trl")
