"""The outbox: rows written with the change, dispatched to every handler, kept until all succeed."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from flask import Flask
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.organizations.models import Organization, OrgKind
from portal.outbox import service as outbox
from portal.outbox.models import OutboxEntry
from portal.outbox.service import OutboxEvent, backlog, drain_outbox
from portal.search_index.service import SEARCH_HANDLER
from tests.factories import make_listing, make_org


def test_a_change_and_its_outbox_row_commit_or_roll_back_together(
    app: Flask, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["OUTBOX_DRAIN_AFTER_COMMIT"] = False
    listing = make_listing(ListingKind.NEED, people["enterprise"], title="余热利用需求")
    rows = db.session.execute(select(OutboxEntry.entity_type, OutboxEntry.change)).all()
    assert ("need", "insert") in rows
    before = backlog()
    listing.title = "余热回收利用需求"
    db.session.flush()
    db.session.rollback()
    assert backlog() == before
    listing = db.session.get(type(listing), listing.id)
    listing.view_count = listing.view_count  # unchanged: no row
    db.session.commit()
    assert backlog() == before


def test_a_row_waits_until_every_handler_succeeded(
    app: Flask, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: dict[str, list[int]] = {"search": [], "matching": []}
    failing = {"matching": True}
    search_handler = outbox.outbox_handlers()[SEARCH_HANDLER]

    def counted_search(events: Sequence[OutboxEvent]) -> None:
        calls["search"].extend(e.entity_id for e in events)
        search_handler(events)

    def matching(events: Sequence[OutboxEvent]) -> None:
        calls["matching"].extend(e.entity_id for e in events)
        if failing["matching"]:
            raise RuntimeError("matcher not ready")

    monkeypatch.setitem(outbox._handlers, SEARCH_HANDLER, counted_search)
    monkeypatch.setitem(outbox._handlers, "matching", matching)
    listing = make_listing(ListingKind.NEED, people["enterprise"], title="余热利用需求")
    entry = db.session.scalar(select(OutboxEntry).where(OutboxEntry.entity_id == listing.id))
    assert entry is not None
    assert SEARCH_HANDLER in entry.done_handlers and "matching" not in entry.done_handlers
    assert entry.attempts == 1 and "matcher not ready" in entry.last_error
    searched = len(calls["search"])

    failing["matching"] = False
    report = drain_outbox(app)
    assert report.ok and report.backlog == 0
    assert len(calls["search"]) == searched  # the search handler is not re-run
    assert calls["matching"].count(listing.id) == 2


def test_deleting_an_organization_records_its_listings_through_the_registered_cascade(
    app: Flask, people: dict[str, User]
) -> None:
    app.config["OUTBOX_DRAIN_AFTER_COMMIT"] = False
    need = make_listing(ListingKind.NEED, people["enterprise"], title="余热利用需求")
    need_id, org = need.id, need.owner_org
    for user in org.members:
        user.organization = None
    db.session.delete(org)
    db.session.commit()
    rows = set(
        db.session.execute(
            select(OutboxEntry.entity_type, OutboxEntry.entity_id, OutboxEntry.change)
        ).all()
    )
    assert ("organization", org.id, "delete") in rows
    assert ("need", need_id, "delete") in rows


def test_a_cascade_runs_only_for_deletes_of_its_model(app: Flask, monkeypatch) -> None:
    app.config["OUTBOX_DRAIN_AFTER_COMMIT"] = False
    asked: list[int] = []

    def cascade(org_id: int) -> list[tuple[str, int]]:
        asked.append(org_id)
        return [("need", 999_999)]

    monkeypatch.setitem(outbox._cascades, Organization, [cascade])
    org = make_org("厦门级联测试有限公司", OrgKind.ENTERPRISE)
    org.district = "集美区"
    db.session.commit()
    assert asked == []
    db.session.delete(org)
    db.session.commit()
    assert asked == [org.id]
    assert db.session.scalar(
        select(OutboxEntry).where(OutboxEntry.entity_id == 999_999, OutboxEntry.change == "delete")
    )
