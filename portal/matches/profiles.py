"""What the matcher reads about the platform's listings: profiles built from database rows.

Only published, unexpired listings are candidates. A listing's plan area becomes the matcher's
field and action codes; money columns (Decimal, 万元) become floats.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select

from matching.profiles import NeedProfile, TechnologyProfile
from portal.extensions import db
from portal.listings.models import ListingStatus, Need, Technology
from portal.taxonomy.models import PLAN_TAXONOMY, TaxonomyArea

AreaCodes = dict[int, tuple[str | None, str | None]]  # area id -> (field code, action code)


def plan_area_codes() -> AreaCodes:
    """Each plan area's (field, action) codes; an action-level area has no field."""
    rows = db.session.execute(
        select(
            TaxonomyArea.id, TaxonomyArea.code, TaxonomyArea.level, TaxonomyArea.parent_id
        ).where(TaxonomyArea.taxonomy == PLAN_TAXONOMY)
    ).all()
    code_by_id = {row.id: row.code for row in rows}
    codes: AreaCodes = {}
    for row in rows:
        if row.level == "field":
            codes[row.id] = (row.code, code_by_id.get(row.parent_id))
        else:
            codes[row.id] = (None, row.code)
    return codes


def _money(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _text(*parts: str | None) -> str:
    return "\n".join(part.strip() for part in parts if part and part.strip())


def technology_profile(technology: Technology, areas: AreaCodes) -> TechnologyProfile:
    field, action = areas.get(technology.area_id or -1, (None, None))
    return TechnologyProfile(
        id=technology.id,
        title=technology.title,
        text=_text(
            technology.summary,
            technology.description,
            technology.advantages,
            technology.application_scenarios,
        ),
        area=field,
        action=action,
        terms=list(technology.keywords or []),
        trl=technology.trl,
        price_min=_money(technology.price_min),
        price_max=_money(technology.price_max),
        transfer_modes=frozenset(technology.transfer_modes or ()),
        expires_at=technology.expires_at,
    )


def need_profile(need: Need, areas: AreaCodes) -> NeedProfile:
    field, action = areas.get(need.area_id or -1, (None, None))
    keywords = " ".join(need.keywords or [])
    return NeedProfile(
        id=need.id,
        title=need.title,
        text=_text(need.summary, need.description, keywords),
        area=field,
        action=action,
        min_trl=need.min_trl,
        budget_min=_money(need.budget_min),
        budget_max=_money(need.budget_max),
        transfer_modes=frozenset(need.transfer_modes or ()),
        deadline=need.deadline,
    )


def is_open(listing: Technology | Need, today: date) -> bool:
    """Published and not expired: the listings that take part in matching."""
    return listing.status is ListingStatus.PUBLISHED and not listing.is_expired(today)


def open_listings(model: type[Technology] | type[Need], today: date) -> list:
    """Published, unexpired rows of ``model`` in id order (rankings are reproducible)."""
    return list(
        db.session.scalars(
            select(model)
            .where(
                model.status == ListingStatus.PUBLISHED,
                or_(model.expires_at.is_(None), model.expires_at >= today),
            )
            .order_by(model.id)
        )
    )
