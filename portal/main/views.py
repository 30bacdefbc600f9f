"""Home page and public overview pages."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from portal.extensions import db
from portal.main import bp
from portal.organizations.models import Organization
from portal.page_cache import cached_public_page
from portal.taxonomy import service as taxonomy_service
from portal.taxonomy.models import GREEN_INDUSTRY_TAXONOMY


@bp.route("/")
@cached_public_page()
def index() -> str:
    org_count = db.session.scalar(select(func.count()).select_from(Organization)) or 0
    return render_template(
        "main/index.html", actions=taxonomy_service.plan_actions(), org_count=org_count
    )


@bp.route("/taxonomy")
def taxonomy() -> str:
    return render_template(
        "main/taxonomy.html",
        actions=taxonomy_service.plan_actions(),
        industry_roots=taxonomy_service.roots(GREEN_INDUSTRY_TAXONOMY),
    )
