"""JSON API v1 (/api/v1): plumbing only, plus the account page's token management.

Authentication (`auth`, `tokens`), protocol errors (`errors`), field declarations (`fields`),
pagination, the route declarations (`routing`) and the OpenAPI document (`openapi`) live here;
each domain declares its own routes in its `api.py` as an `ApiSection`, and the portal's
factory builds the blueprint from all of them with `create_api_blueprint`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint

from portal.api.auth import authenticate_request
from portal.api.openapi import openapi_document
from portal.api.routing import API_PREFIX, ApiRoute, ApiSection
from portal.extensions import csrf

token_pages = Blueprint("api_tokens", __name__, url_prefix="/auth/tokens")

from portal.api import token_views  # noqa: E402,F401  (routes register on import)


def create_api_blueprint(sections: Sequence[ApiSection]) -> Blueprint:
    """The API blueprint serving every section's routes and their OpenAPI document."""
    bp = Blueprint("api", __name__, url_prefix=API_PREFIX)
    # Token requests carry no cookie to forge; session requests are checked in authenticate_request.
    csrf.exempt(bp)
    bp.before_request(authenticate_request)
    routes = [route for section in sections for route in section.routes]
    schemas = {name: schema for section in sections for name, schema in section.schemas.items()}

    def openapi_json() -> dict[str, Any]:
        return openapi_document(routes, schemas, server_url=API_PREFIX)

    routes.append(
        ApiRoute("GET", "/openapi.json", openapi_json, "本接口的 OpenAPI 3 文档", "meta", "none")
    )
    for route in routes:
        bp.add_url_rule(route.rule, route.endpoint, route.view, methods=[route.method])
    return bp
