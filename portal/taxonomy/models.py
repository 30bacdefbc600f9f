"""Taxonomy areas: the plan's actions and technology fields, and the official catalogue."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

PLAN_TAXONOMY = "plan"
GREEN_INDUSTRY_TAXONOMY = "green-industry-2019"


class TaxonomyArea(db.Model):
    __tablename__ = "taxonomy_areas"
    __table_args__ = (UniqueConstraint("taxonomy", "code", name="uq_taxonomy_areas_taxonomy_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    taxonomy: Mapped[str] = mapped_column(String(40), nullable=False)
    code: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_en: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("taxonomy_areas.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    terms: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    carbon_type: Mapped[str | None] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    parent: Mapped[TaxonomyArea | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[TaxonomyArea]] = relationship(
        back_populates="parent", order_by="TaxonomyArea.position"
    )

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"

    def __repr__(self) -> str:
        return f"<TaxonomyArea {self.taxonomy}:{self.code}>"
