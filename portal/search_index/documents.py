"""Search documents built from the database: what is public, and how each record reads.

The index holds published listings that have not expired and every organization (the
directory is public), which the search page searches, and every stored patent, which only the
portal's own lookups (similar patents of a listing) search: patents are for staff. Facet values
are the codes the search page filters on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.listings.models import ListingMixin, ListingStatus, Need, Technology
from portal.model_mixins import utcnow
from portal.organizations.models import Organization
from portal.patents.models import Patent
from portal.taxonomy.models import TaxonomyArea
from search.documents import FacetValue, SearchDocument

# The document types the portal indexes, and the model each one is read from.
PORTAL_DOC_TYPES: dict[str, type] = {
    "technology": Technology,
    "need": Need,
    "organization": Organization,
    "patent": Patent,
}
LISTING_TYPES = ("technology", "need")
# What the public search page and API search: everything indexed but the staff's patents.
SEARCH_PAGE_DOC_TYPES = ("technology", "need", "organization")


def _today(today: date | None) -> date:
    return today or utcnow().date()


def is_public(record: object, today: date | None = None) -> bool:
    """Whether ``record`` belongs in the index."""
    if isinstance(record, ListingMixin):
        return record.status is ListingStatus.PUBLISHED and not record.is_expired(_today(today))
    return isinstance(record, Organization | Patent)


def public_query(doc_type: str, today: date | None = None) -> Select:
    """A select of the rows of ``doc_type`` that belong in the index."""
    model = PORTAL_DOC_TYPES[doc_type]
    query = select(model)
    if doc_type in LISTING_TYPES:
        query = query.where(
            model.status == ListingStatus.PUBLISHED,
            or_(model.expires_at.is_(None), model.expires_at >= _today(today)),
        )
    return query


def public_count(doc_type: str, today: date | None = None) -> int:
    query = public_query(doc_type, today).order_by(None)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _area_facets(area: TaxonomyArea | None) -> dict[str, FacetValue]:
    if area is None:
        return {}
    action = area.parent.code if area.parent is not None else area.code
    facets: dict[str, FacetValue] = {"area": area.code, "area_action": action}
    if area.carbon_type:
        facets["carbon_type"] = area.carbon_type
    return facets


def _owner_facets(org: Organization | None) -> dict[str, FacetValue]:
    if org is None:
        return {}
    facets: dict[str, FacetValue] = {"org_kind": org.kind.value}
    if org.district:
        facets["district"] = org.district
    return facets


def _join(*parts: str | None) -> str:
    return "\n".join(part.strip() for part in parts if part and part.strip())


def listing_document(listing: Technology | Need) -> SearchDocument:
    facets: dict[str, FacetValue] = {
        "status": listing.status.value,
        "transfer_modes": list(listing.transfer_modes or []),
        **_area_facets(listing.area),
        **_owner_facets(listing.owner_org),
    }
    extra: tuple[str | None, ...] = ()
    if isinstance(listing, Technology):
        doc_type, trl = "technology", listing.trl
        facets["kind"] = listing.kind.value
        extra = (listing.advantages, listing.application_scenarios)
    else:
        doc_type, trl = "need", listing.min_trl
    if trl is not None:
        facets["trl"] = trl
    body = _join(listing.summary, listing.description, " ".join(listing.keywords or []), *extra)
    return SearchDocument(doc_type, listing.id, listing.title, body, facets)


def organization_document(org: Organization) -> SearchDocument:
    facets: dict[str, FacetValue] = _owner_facets(org)
    if org.carbon_type is not None:
        facets["carbon_type"] = org.carbon_type.value
    return SearchDocument(
        "organization", org.id, org.name, _join(org.industry, org.description), facets
    )


def patent_document(patent: Patent) -> SearchDocument:
    facets: dict[str, FacetValue] = {}
    if patent.carbon_type is not None:
        facets["carbon_type"] = patent.carbon_type.value
    applicants = " ".join(applicant.name for applicant in patent.applicants)
    return SearchDocument(
        "patent", patent.id, patent.title, _join(patent.abstract, applicants), facets
    )


def document_for(record: object) -> SearchDocument:
    if isinstance(record, Organization):
        return organization_document(record)
    if isinstance(record, Patent):
        return patent_document(record)
    if isinstance(record, Technology | Need):
        return listing_document(record)
    raise TypeError(f"not a searchable record: {record!r}")


def _with_relations(query: Select, doc_type: str) -> Select:
    if doc_type == "patent":
        return query.options(selectinload(Patent.applicants))
    if doc_type not in LISTING_TYPES:
        return query
    model = PORTAL_DOC_TYPES[doc_type]
    return query.options(
        selectinload(model.owner_org), selectinload(model.area).selectinload(TaxonomyArea.parent)
    )


def public_documents(doc_type: str, today: date | None = None) -> Iterator[SearchDocument]:
    """Every document of ``doc_type`` that belongs in the index, read in chunks."""
    query = _with_relations(public_query(doc_type, today), doc_type)
    model = PORTAL_DOC_TYPES[doc_type]
    for record in db.session.scalars(query.order_by(model.id).execution_options(yield_per=500)):
        yield document_for(record)


def load_records(doc_type: str, ids: Iterable[int]) -> dict[int, object]:
    """The records of ``doc_type`` with these ids that still exist, by id."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    model = PORTAL_DOC_TYPES[doc_type]
    query = _with_relations(select(model).where(model.id.in_(wanted)), doc_type)
    return {record.id: record for record in db.session.scalars(query)}


def organization_listing_ids(org_ids: Iterable[int]) -> dict[str, list[int]]:
    """Ids of the listings each of these organizations owns (their facets follow the owner)."""
    wanted = sorted(set(org_ids))
    result: dict[str, list[int]] = {}
    for doc_type in LISTING_TYPES:
        model = PORTAL_DOC_TYPES[doc_type]
        result[doc_type] = (
            list(db.session.scalars(select(model.id).where(model.owner_org_id.in_(wanted))))
            if wanted
            else []
        )
    return result


def listings_deleted_with_organization(org_id: int) -> list[tuple[str, int]]:
    """The outbox cascade for organizations: the database deletes their listings with them,
    unseen by the ORM, so their documents must leave the index too."""
    return [
        (doc_type, listing_id)
        for doc_type, ids in organization_listing_ids([org_id]).items()
        for listing_id in ids
    ]


def expired_listing_ids(doc_type: str, today: date | None = None) -> list[int]:
    """Published listings whose expiry date has passed: they leave the index without a write."""
    model = PORTAL_DOC_TYPES[doc_type]
    return list(
        db.session.scalars(
            select(model.id).where(
                model.status == ListingStatus.PUBLISHED, model.expires_at < _today(today)
            )
        )
    )
