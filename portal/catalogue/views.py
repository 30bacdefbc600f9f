"""The green technology and product catalogue pages (both kinds share the Technology table)."""

from flask import Blueprint

from portal.listing_kinds import ListingKind
from portal.listing_query import organization_listings
from portal.listing_views import register_listing_pages, vocabularies

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")

register_listing_pages(bp, (ListingKind.TECHNOLOGY, ListingKind.PRODUCT))


@bp.app_context_processor
def inject_organization_listings() -> dict[str, object]:
    """Organization pages list the organization's published items."""
    return {
        "organization_listings": organization_listings,
        "listing_vocabularies": vocabularies(),
    }
