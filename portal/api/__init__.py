"""JSON API v1 (/api/v1) and the account page's token management."""

from flask import Blueprint

from portal.api.auth import authenticate_request
from portal.api.routes import API_PREFIX, register_routes
from portal.extensions import csrf

bp = Blueprint("api", __name__, url_prefix=API_PREFIX)
# Token requests carry no cookie to forge; session requests are checked in authenticate_request.
csrf.exempt(bp)
bp.before_request(authenticate_request)
register_routes(bp)

token_pages = Blueprint("api_tokens", __name__, url_prefix="/auth/tokens")

from portal.api import token_views  # noqa: E402,F401  (routes register on import)
