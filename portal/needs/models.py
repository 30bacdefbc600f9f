"""Enterprise technology needs (技术需求)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.listings import ListingMixin
from portal.orgs.models import Organization
from portal.taxonomy.models import TaxonomyArea


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
