"""Patents like a listing: the patent documents nearest the listing's text in the search index."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.listings.models import Listing
from portal.patents.models import Patent
from portal.search_index.documents import listing_document
from portal.search_index.service import nearest_ids

SIMILAR_PATENTS = 5


def similar_patents(listing: Listing, limit: int = SIMILAR_PATENTS) -> list[Patent]:
    """The `limit` patents nearest to the listing by meaning, nearest first, with applicants
    loaded (two queries however many); [] when none is near enough."""
    ids = nearest_ids("patent", listing_document(listing).embedded_text, limit)
    if not ids:
        return []
    patents = db.session.scalars(
        select(Patent).where(Patent.id.in_(ids)).options(selectinload(Patent.applicants))
    )
    by_id = {patent.id: patent for patent in patents}
    # A patent deleted since it was indexed is skipped.
    return [by_id[patent_id] for patent_id in ids if patent_id in by_id]
