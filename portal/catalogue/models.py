"""The green technology and product catalogue (绿色技术和产品目录): one table, two kinds."""

from __future__ import annotations

import enum
from decimal import Decimal

from sqlalchemy import JSON, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.listings import ListingMixin
from portal.model_mixins import enum_column
from portal.orgs.models import Organization
from portal.taxonomy.models import TaxonomyArea


class TechnologyKind(enum.StrEnum):
    TECHNOLOGY = "technology"
    PRODUCT = "product"


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
