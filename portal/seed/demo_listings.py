"""Load the demo catalogue items and needs of seed_data/demo/ as published, demo-marked listings.

Each row goes through the same validator as forms and the API. Rows are keyed by
(title, owner), so loading twice adds nothing; rows whose owner organization is
unknown or whose values do not validate are reported and skipped.
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import zip_longest
from pathlib import Path
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.listings.fields import fields_for
from portal.listings.kinds import ListingKind
from portal.listings.models import ListingStatus
from portal.listings.parsers import MAX_KEYWORD_LENGTH
from portal.listings.service import default_expiry
from portal.listings.validation import validate_listing_data
from portal.model_mixins import utcnow
from portal.organizations.models import Organization

log = logging.getLogger("portal.seed")

DEMO_FILES = (
    ("technologies.jsonl", ListingKind.TECHNOLOGY),
    ("products.jsonl", ListingKind.PRODUCT),
    ("needs.jsonl", ListingKind.NEED),
)
SUMMARY_LIMIT = 500
FIRST_SENTENCE = re.compile(r"^(.+?[。！？!?])")


@dataclass
class DemoLoadReport:
    added: dict[str, int] = field(default_factory=dict)
    existing: int = 0
    skipped: list[str] = field(default_factory=list)  # "file:line reason"


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, json.loads(line)


def _input_values(kind: ListingKind, row: dict[str, Any]) -> dict[str, Any]:
    """The row's listing fields; a missing summary is the description's first sentence.

    Keywords longer than the validator allows are dropped: in the product list they are
    long runs of model numbers, useless as search terms, and the product is still worth
    listing without them.
    """
    names = {spec.name for spec in fields_for(kind)}
    values = {name: value for name, value in row.items() if name in names}
    values["keywords"] = [k for k in values.get("keywords") or [] if len(k) <= MAX_KEYWORD_LENGTH]
    if not values.get("summary"):
        description = (row.get("description") or "").strip()
        first = FIRST_SENTENCE.match(description)
        values["summary"] = (first.group(1) if first else description)[:SUMMARY_LIMIT]
    return values


def _stagger_publication(listings: list[tuple[Any, str]]) -> None:
    """Publication times an hour apart, taking each plan field in turn: the newest-first
    catalogue then opens on the catalogue's breadth instead of one file's last category."""
    by_field: dict[str, list[Any]] = defaultdict(list)
    for listing, area_code in listings:
        by_field[area_code.split(".")[0]].append(listing)
    turns = zip_longest(*(by_field[code] for code in sorted(by_field)))
    in_turn = [listing for turn in turns for listing in turn if listing is not None]
    now = utcnow()
    for hours, listing in enumerate(in_turn):
        listing.published_at = now - timedelta(hours=hours)


def load_demo_listings(demo_dir: Path) -> DemoLoadReport:
    """Add missing demo listings from the files of `demo_dir` that exist; callers commit."""
    report = DemoLoadReport()
    orgs = {org.name: org for org in db.session.scalars(select(Organization))}
    today = utcnow().date()
    added_listings: list[tuple[Any, str]] = []
    for filename, kind in DEMO_FILES:
        path = demo_dir / filename
        if not path.exists():
            log.warning("demo file %s not found, skipped", path)
            continue
        model = kind.model
        known = set(db.session.execute(select(model.title, model.owner_org_id)).tuples())
        added = 0
        for number, row in _rows(path):
            owner = orgs.get(row.get("owner", ""))
            if owner is None:
                report.skipped.append(f"{filename}:{number} unknown owner {row.get('owner')!r}")
                continue
            if (row.get("title"), owner.id) in known:
                report.existing += 1
                continue
            clean, errors = validate_listing_data(kind, _input_values(kind, row))
            if errors:
                reasons = {name: str(message) for name, message in errors.items()}
                report.skipped.append(f"{filename}:{number} {reasons}")
                continue
            listing = model(
                owner_org_id=owner.id,
                status=ListingStatus.PUBLISHED,
                published_at=utcnow(),
                expires_at=default_expiry(today),
                is_demo=True,
                source=(row.get("source") or "演示数据")[:300],
                **clean,
            )
            if kind is not ListingKind.NEED:
                listing.kind = kind.value
            db.session.add(listing)
            known.add((listing.title, owner.id))
            added_listings.append((listing, row.get("area") or ""))
            added += 1
        report.added[filename] = added
    _stagger_publication(added_listings)
    db.session.flush()
    return report
