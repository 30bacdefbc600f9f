from flask import Blueprint

bp = Blueprint("orgs", __name__, url_prefix="/orgs")

from portal.organizations import views  # noqa: E402,F401  (routes register on import)
