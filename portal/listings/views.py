"""The two listing blueprints: the catalogue (technologies and products) and needs.

Both get the same pages from `register_listing_pages`, so technologies and needs behave alike.
"""

from flask import Blueprint

from portal.listings.kinds import ListingKind
from portal.listings.pages import register_listing_pages

catalogue_bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")
needs_bp = Blueprint("needs", __name__, url_prefix="/needs")

register_listing_pages(catalogue_bp, (ListingKind.TECHNOLOGY, ListingKind.PRODUCT))
register_listing_pages(needs_bp, (ListingKind.NEED,))
