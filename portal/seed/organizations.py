"""Load the real organizations named in seed_data/orgs/."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from portal.organizations.models import Organization, OrgKind

_ORG_FIELDS = ("kind", "district", "industry", "website", "description", "source")


def load_organizations(path: Path) -> int:
    """Insert organizations missing by name; existing ones are left as people edited them."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    names = set(db.session.scalars(select(Organization.name)))
    added = 0
    for row in rows:
        if row["name"] in names:
            continue
        values = {field: row.get(field) for field in _ORG_FIELDS}
        values["kind"] = OrgKind(values["kind"])
        values["description"] = values["description"] or ""
        db.session.add(Organization(name=row["name"], is_demo=True, verified=True, **values))
        names.add(row["name"])
        added += 1
    db.session.flush()
    return added
