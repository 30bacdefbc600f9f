"""The listing operations: create, validate, workflow, expiry, permissions, audit."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.models import AuditLog
from portal.domain_errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.listings.models import ListingStatus
from portal.listings.reminders import send_expiry_reminders
from portal.listings.service import (
    add_months,
    change_status,
    create_listing,
    delete_listing,
    publish_listing,
    renew_listing,
    request_changes,
    submit_listing,
    update_listing,
)
from portal.listings.validation import validate_listing_data
from portal.model_mixins import utcnow
from portal.notifications.models import Notification
from tests.factories import listing_data, make_listing, make_plan_areas


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2025, 11, 15), 12) == date(2026, 11, 15)


def test_validator_types_and_cleans_values(app: Flask) -> None:
    make_plan_areas()
    clean, errors = validate_listing_data(
        ListingKind.TECHNOLOGY,
        listing_data(
            ListingKind.TECHNOLOGY,
            area="A01.03",
            keywords="钠离子电池，储能; 低成本",
            trl="6",
            transfer_modes=["license", "joint_development"],
            price_min="50",
            price_max=120.5,
            patent_numbers="CN115123456A\nZL202110123456.7",
            contact_email="Lab@Example.COM",
        ),
    )
    assert errors == {}
    assert clean["keywords"] == ["钠离子电池", "储能", "低成本"]
    assert clean["trl"] == 6
    assert clean["price_max"] == Decimal("120.50")
    assert clean["patent_numbers"] == ["CN115123456A", "ZL202110123456.7"]
    assert clean["contact_email"] == "Lab@example.com"
    assert isinstance(clean["area_id"], int)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "长" * 201),
        ("summary", ""),
        ("trl", 10),
        ("trl", True),
        ("trl", "六"),
        ("transfer_modes", ["gift"]),
        ("price_min", "-1"),
        ("price_min", "abc"),
        ("patent_numbers", "not-a-patent"),
        ("area", "Z99"),
        ("contact_email", "nobody"),
        ("expires_at", "2001-01-01"),
        ("keywords", [f"词{i}" for i in range(21)]),
        ("description", {"html": "<b>"}),
        ("budget_min", 5),  # a need's field on a technology
        ("colour", "green"),
    ],
)
def test_validator_names_each_bad_field(app: Flask, field: str, value: object) -> None:
    _, errors = validate_listing_data(
        ListingKind.TECHNOLOGY, listing_data(ListingKind.TECHNOLOGY, **{field: value})
    )
    assert field in errors
    assert errors[field]


def test_validator_checks_ranges_against_stored_values(app: Flask, people: dict[str, User]) -> None:
    listing = make_listing(ListingKind.TECHNOLOGY, people["researcher"], price_max="10")
    _, errors = validate_listing_data(
        ListingKind.TECHNOLOGY, {"price_min": "20"}, partial=True, current=listing
    )
    assert errors == {"price_max": "上限不能小于下限"}


def test_create_sets_owner_and_draft(app: Flask, people: dict[str, User]) -> None:
    listing = make_listing(ListingKind.PRODUCT, people["researcher"])
    assert listing.status is ListingStatus.DRAFT
    assert listing.kind.value == "product"
    assert listing.owner_org_id == people["researcher"].organization_id
    assert listing.created_by_id == people["researcher"].id


def test_create_refuses_bad_data_and_wrong_roles(app: Flask, people: dict[str, User]) -> None:
    with pytest.raises(ValidationFailed) as failure:
        create_listing(ListingKind.NEED, {"title": "x"}, people["enterprise"])
    assert set(failure.value.fields) == {"title", "summary"}
    with pytest.raises(PermissionDenied):
        create_listing(ListingKind.NEED, listing_data(ListingKind.NEED), people["researcher"])
    with pytest.raises(PermissionDenied):
        create_listing(
            ListingKind.TECHNOLOGY, listing_data(ListingKind.TECHNOLOGY), people["broker"]
        )


def test_staff_may_post_for_an_organization_and_is_audited(
    app: Flask, people: dict[str, User]
) -> None:
    org = people["enterprise"].organization
    need = create_listing(
        ListingKind.NEED, listing_data(ListingKind.NEED), people["broker"], owner=org
    )
    assert need.owner_org_id == org.id
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "listing.create"))
    with pytest.raises(PermissionDenied):
        create_listing(
            ListingKind.NEED, listing_data(ListingKind.NEED), people["enterprise"], owner=org
        )


def test_full_workflow_with_review_comment_and_audit(app: Flask, people: dict[str, User]) -> None:
    researcher, broker = people["researcher"], people["broker"]
    listing = make_listing(ListingKind.TECHNOLOGY, researcher)
    submit_listing(listing, researcher)
    request_changes(listing, "请补充中试数据", broker)
    assert listing.status is ListingStatus.DRAFT
    assert listing.review_comment == "请补充中试数据"
    update_listing(listing, {"maturity_evidence": "2024 年完成 100 kWh 中试"}, researcher)
    submit_listing(listing, researcher)
    publish_listing(listing, broker, today=date(2026, 3, 1))
    assert listing.status is ListingStatus.PUBLISHED
    assert listing.review_comment is None
    assert listing.expires_at == date(2027, 3, 1)
    actions = list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))
    assert actions == ["listing.request_changes", "listing.publish"]
    notices = list(
        db.session.scalars(select(Notification.kind).where(Notification.user_id == researcher.id))
    )
    assert notices == ["listing.changes_requested", "listing.published"]


def test_publishing_needs_the_broker_role(app: Flask, people: dict[str, User]) -> None:
    listing = make_listing(ListingKind.TECHNOLOGY, people["researcher"])
    submit_listing(listing, people["researcher"])
    with pytest.raises(PermissionDenied):
        publish_listing(listing, people["researcher"])
    with pytest.raises(PermissionDenied):
        change_status(listing, "published", people["enterprise"])


def test_invalid_transitions_are_refused(app: Flask, people: dict[str, User]) -> None:
    listing = make_listing(ListingKind.TECHNOLOGY, people["researcher"])
    with pytest.raises(InvalidTransition) as failure:
        publish_listing(listing, people["broker"])
    assert failure.value.code == "invalid_transition"
    with pytest.raises(ValidationFailed):
        request_changes(listing, "   ", people["broker"])


def test_owner_edit_of_published_listing_returns_it_to_review(
    app: Flask, people: dict[str, User]
) -> None:
    listing = make_listing(
        ListingKind.TECHNOLOGY, people["researcher"], published_by=people["broker"]
    )
    update_listing(
        listing, {"summary": "更新后的摘要，循环寿命提高到五千次。"}, people["researcher"]
    )
    assert listing.status is ListingStatus.SUBMITTED


def test_owner_edit_of_submitted_listing_returns_it_to_draft(
    app: Flask, people: dict[str, User]
) -> None:
    """The broker reviews the submitted text; an edit after submitting cannot be published
    unseen: the listing is a draft again and a publish sent afterwards is refused."""
    listing = make_listing(ListingKind.TECHNOLOGY, people["researcher"])
    submit_listing(listing, people["researcher"])
    update_listing(
        listing, {"summary": "提交之后偷偷改过的摘要，内容未经审核。"}, people["researcher"]
    )
    assert listing.status is ListingStatus.DRAFT
    with pytest.raises(InvalidTransition):
        publish_listing(listing, people["broker"])
    assert listing.published_at is None


def test_broker_edit_of_submitted_listing_keeps_it_in_review(
    app: Flask, people: dict[str, User]
) -> None:
    listing = make_listing(ListingKind.TECHNOLOGY, people["researcher"])
    submit_listing(listing, people["researcher"])
    update_listing(listing, {"title": "钠离子电池储能系统（修正错字）"}, people["broker"])
    assert listing.status is ListingStatus.SUBMITTED


def test_other_organizations_cannot_edit_or_delete(app: Flask, people: dict[str, User]) -> None:
    listing = make_listing(ListingKind.TECHNOLOGY, people["researcher"])
    with pytest.raises(PermissionDenied):
        update_listing(listing, {"title": "被改掉的标题"}, people["other_researcher"])
    with pytest.raises(PermissionDenied):
        delete_listing(listing, people["other_researcher"])
    delete_listing(listing, people["researcher"])


def test_change_status_dispatches_to_the_operation(app: Flask, people: dict[str, User]) -> None:
    listing = make_listing(ListingKind.NEED, people["enterprise"])
    change_status(listing, "submitted", people["enterprise"])
    change_status(listing, "draft", people["broker"], comment="预算区间请写清楚")
    assert listing.review_comment == "预算区间请写清楚"
    change_status(listing, "archived", people["enterprise"])
    change_status(listing, "draft", people["enterprise"])
    assert listing.status is ListingStatus.DRAFT
    with pytest.raises(ValidationFailed):
        change_status(listing, "deleted", people["enterprise"])


def test_expiry_reminders_are_sent_once_and_again_after_renewal(
    app: Flask, people: dict[str, User]
) -> None:
    researcher = people["researcher"]
    listing = make_listing(ListingKind.TECHNOLOGY, researcher, published_by=people["broker"])
    today = utcnow().date()
    listing.expires_at = today + timedelta(days=10)
    far = make_listing(ListingKind.TECHNOLOGY, researcher, published_by=people["broker"])
    far.expires_at = today + timedelta(days=200)
    db.session.commit()
    assert send_expiry_reminders(today) == 1
    assert send_expiry_reminders(today) == 0
    renew_listing(listing, researcher, today=today - timedelta(days=340))
    assert listing.expires_at == add_months(today - timedelta(days=340), 12)
    assert send_expiry_reminders(today) == 1


def test_untouched_suggestions_do_not_block_deletion(app: Flask, people: dict[str, User]) -> None:
    from portal.matches.models import Match, MatchState

    technology = make_listing(ListingKind.TECHNOLOGY, people["researcher"])
    need = make_listing(ListingKind.NEED, people["enterprise"])
    db.session.add(Match(technology_id=technology.id, need_id=need.id, score=0.7))
    db.session.commit()
    delete_listing(technology, people["researcher"])
    # The foreign key cascades on both databases (SQLite enforces them too).
    assert db.session.scalar(select(Match)) is None

    contacted = make_listing(ListingKind.TECHNOLOGY, people["researcher"], title="另一项技术成果")
    db.session.add(Match(technology_id=contacted.id, need_id=need.id, state=MatchState.CONTACTED))
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        delete_listing(contacted, people["researcher"])
    assert refused.value.code == "has_matches"
