"""Carbon type (负碳 / 零碳 / 低碳) of organizations, the public directory of green tech firms,
and taxonomy-area suggestions for posting forms (DESIGN §7)."""

from flask import Blueprint

bp = Blueprint("classification", __name__)

from portal.classification import views  # noqa: E402,F401  (routes register on import)
