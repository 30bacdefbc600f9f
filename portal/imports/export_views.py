"""Download of a filtered list page as CSV: /export/catalogue.csv, /export/needs.csv.

The query string is that of the list page (same filters, same rules: anyone
exports published listings, staff may ask for a status; contact cells are filled only for
listings the exporter may see the contact of).
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, request, stream_with_context
from flask_login import current_user

from portal.imports.export import listings_csv
from portal.listings.models import Need, Technology
from portal.listings.query import parse_listing_filter
from portal.model_mixins import utcnow
from portal.security import Action, can

bp = Blueprint("exports", __name__, url_prefix="/export")

COLLECTIONS: dict[str, tuple[type[Technology] | type[Need], str]] = {
    "catalogue": (Technology, "技术和产品"),
    "needs": (Need, "技术需求"),
}


@bp.route("/<collection>.csv")
def listings(collection: str) -> Response:
    if collection not in COLLECTIONS:
        abort(404)
    model, name = COLLECTIONS[collection]
    filters, errors = parse_listing_filter(request.args)
    if errors:
        abort(400)
    if filters.status is not None and not can(current_user, Action.REVIEW_LISTING):
        abort(403)
    day = f"{utcnow():%Y%m%d}"
    rows = listings_csv(
        model, filters, lambda listing: can(current_user, Action.VIEW_CONTACT, listing)
    )
    response = Response(stream_with_context(rows), mimetype="text/csv")
    # Browsers take the Chinese name from filename* (RFC 6266); the ASCII one is a fallback.
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{collection}-{day}.csv"; '
        f"filename*=UTF-8''{quote(f'{name}-{day}.csv')}"
    )
    return response
