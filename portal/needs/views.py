"""Enterprise technology need pages."""

from flask import Blueprint

from portal.listing_kinds import ListingKind
from portal.listing_views import register_listing_pages

bp = Blueprint("needs", __name__, url_prefix="/needs")

register_listing_pages(bp, (ListingKind.NEED,))
