"""Reading the taxonomies."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.taxonomy.models import PLAN_TAXONOMY, TaxonomyArea


def roots(taxonomy: str) -> list[TaxonomyArea]:
    """Top-level areas (for the plan: its ten actions), children reachable by relation."""
    return list(
        db.session.scalars(
            select(TaxonomyArea)
            .where(TaxonomyArea.taxonomy == taxonomy, TaxonomyArea.parent_id.is_(None))
            .order_by(TaxonomyArea.position, TaxonomyArea.code)
            # Pages list each root's children (the area filter): one query, not one per root.
            .options(selectinload(TaxonomyArea.children))
        )
    )


def area_by_code(taxonomy: str, code: str) -> TaxonomyArea | None:
    return db.session.scalar(
        select(TaxonomyArea).where(TaxonomyArea.taxonomy == taxonomy, TaxonomyArea.code == code)
    )


def plan_actions() -> list[TaxonomyArea]:
    return roots(PLAN_TAXONOMY)
