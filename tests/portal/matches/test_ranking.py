"""Rankings from the database, stored as suggested matches and recomputed through the outbox."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit.models import AuditLog
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.listings.service import archive_listing, update_listing
from portal.matches.feedback import give_feedback
from portal.matches.models import Match, MatchFeedback, MatchRun, MatchState, MatchSubscription
from portal.matches.recompute import recompute_all
from portal.matches.service import move_match
from portal.matches.subscriptions import subscribe
from portal.model_mixins import utcnow
from tests.factories import BATTERY, CCUS, STORAGE_NEED, make_published


def _pairs() -> dict[tuple[int, int], Match]:
    return {(m.technology_id, m.need_id): m for m in db.session.scalars(select(Match))}


def test_publishing_stores_explained_matches_through_the_outbox(
    app: Flask, people: dict[str, User]
) -> None:
    battery = make_published(
        ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY
    )
    make_published(ListingKind.TECHNOLOGY, people["other_researcher"], people["broker"], **CCUS)
    need = make_published(ListingKind.NEED, people["enterprise"], people["broker"], **STORAGE_NEED)

    pairs = _pairs()
    # the CCUS offer fails the need's budget and transfer mode, so only the battery matches
    assert list(pairs) == [(battery.id, need.id)]
    match = pairs[(battery.id, need.id)]
    assert match.state is MatchState.SUGGESTED and match.is_current
    assert set(match.score_parts) == {"semantic", "lexical", "taxonomy", "fit"}
    assert "储能" in match.explanation["terms"]
    checks = {c["name"]: c for c in match.explanation["checks"]}
    assert checks["trl"]["passed"] is True and "TRL 7" in checks["trl"]["detail"]
    assert checks["transfer_mode"]["passed"] is True
    run = db.session.scalar(select(MatchRun).where(MatchRun.entity_type == "need"))
    assert run.results == 1 and run.candidates == 2
    assert {c["name"] for c in run.failed_checks} == {"price", "transfer_mode"}


def test_moved_matches_keep_their_state_and_feedback_survives_dropping_out(
    app: Flask, people: dict[str, User]
) -> None:
    battery = make_published(
        ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY
    )
    need = make_published(ListingKind.NEED, people["enterprise"], people["broker"], **STORAGE_NEED)
    match = _pairs()[(battery.id, need.id)]
    move_match(match, "contacted", people["broker"])
    db.session.commit()
    old_score = match.score

    # a broker edits the technology (it stays published): re-ranked, the state stays
    extra = "钠离子电池储能系统已在厦门两个工业园区削峰填谷示范运行。"
    update_listing(battery, {"description": BATTERY["description"] + extra}, people["broker"])
    db.session.commit()
    match = _pairs()[(battery.id, need.id)]
    assert match.state is MatchState.CONTACTED and match.is_current
    assert match.score != old_score

    # archiving the technology takes it out of rankings; the contacted pair stays, not current
    archive_listing(battery, people["broker"])
    db.session.commit()
    match = _pairs()[(battery.id, need.id)]
    assert match.state is MatchState.CONTACTED and match.is_current is False


def test_bare_suggestions_go_when_a_listing_closes_feedback_keeps_them(
    app: Flask, people: dict[str, User]
) -> None:
    battery = make_published(
        ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY
    )
    need = make_published(ListingKind.NEED, people["enterprise"], people["broker"], **STORAGE_NEED)
    other_need = make_published(
        ListingKind.NEED,
        people["other_enterprise"],
        people["broker"],
        **{**STORAGE_NEED, "title": "数据中心备用储能"},
    )
    pairs = _pairs()
    give_feedback(pairs[(battery.id, need.id)], people["enterprise"], False, "price")
    db.session.commit()
    archive_listing(battery, people["broker"])
    db.session.commit()
    pairs = _pairs()
    assert (battery.id, other_need.id) not in pairs  # a bare suggestion is deleted
    kept = pairs[(battery.id, need.id)]  # the one with feedback stays, flagged
    assert kept.is_current is False and kept.feedback_entries[0].reason.value == "price"


def test_impossible_constraints_give_zero_matches_with_the_failing_checks_named(
    app: Flask, people: dict[str, User]
) -> None:
    make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY)
    need = make_published(
        ListingKind.NEED,
        people["enterprise"],
        people["broker"],
        **{**STORAGE_NEED, "min_trl": 9, "budget_max": 1, "transfer_modes": ["equity"]},
    )
    assert db.session.scalar(select(Match).where(Match.need_id == need.id)) is None
    run = db.session.scalar(
        select(MatchRun).where(MatchRun.entity_type == "need", MatchRun.entity_id == need.id)
    )
    assert run.results == 0
    details = " ".join(c["detail"] for c in run.failed_checks)
    assert "技术成熟度：1 / 1" in details and "价格与预算" in details and "转化方式" in details


def test_short_english_mixed_and_duplicate_texts_rank_without_crashing(
    app: Flask, people: dict[str, User]
) -> None:
    english = {
        "title": "Sodium-ion battery storage",
        "summary": "Low cost sodium-ion battery energy storage for peak shaving.",
    }
    first = make_published(
        ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY
    )
    twin = make_published(
        ListingKind.TECHNOLOGY, people["other_researcher"], people["broker"], **BATTERY
    )
    make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **english)
    short = make_published(
        ListingKind.NEED,
        people["enterprise"],
        people["broker"],
        title="储能",
        summary="需要电池储能设备一套。",
    )
    mixed = make_published(
        ListingKind.NEED,
        people["other_enterprise"],
        people["broker"],
        title="sodium-ion battery 储能 system",
        summary="需要 sodium-ion battery storage 用于 peak shaving 削峰填谷。",
    )
    pairs = _pairs()
    short_matches = [m for (_, n), m in pairs.items() if n == short.id]
    assert short_matches and all(m.confidence < 1 for m in short_matches)
    assert any("置信度低" in note for note in short_matches[0].explanation["notes"])
    mixed_ids = {t for (t, n) in pairs if n == mixed.id}
    assert len(mixed_ids) == 3  # Chinese twins and the English offer
    twins = [pairs[(first.id, mixed.id)].score, pairs[(twin.id, mixed.id)].score]
    assert twins[0] == twins[1]


def test_recompute_all_retires_expired_listings_and_only_stale_skips_fresh_ones(
    app: Flask, people: dict[str, User]
) -> None:
    battery = make_published(
        ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY
    )
    need = make_published(ListingKind.NEED, people["enterprise"], people["broker"], **STORAGE_NEED)
    assert recompute_all(only_stale=True).needs_ranked == 0  # the outbox already ranked both
    report = recompute_all()
    assert report.needs_ranked == 1 and report.technologies_ranked == 1
    battery.expires_at = utcnow().date() - timedelta(days=1)
    app.config["OUTBOX_DRAIN_AFTER_COMMIT"] = False  # expiry is noticed by the command
    db.session.commit()
    assert _pairs()[(battery.id, need.id)].is_current
    recompute_all()
    assert _pairs() == {}


def test_match_services_flush_and_leave_the_commit_to_the_caller(
    app: Flask, people: dict[str, User]
) -> None:
    battery = make_published(
        ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY
    )
    need = make_published(ListingKind.NEED, people["enterprise"], people["broker"], **STORAGE_NEED)
    match = _pairs()[(battery.id, need.id)]
    match_id, need_id = match.id, need.id

    move_match(match, "contacted", people["broker"])
    give_feedback(match, people["enterprise"], False, "price")
    subscribe(people["enterprise"], need)
    assert db.session.get(Match, match_id).state is MatchState.CONTACTED  # flushed
    db.session.rollback()
    assert db.session.get(Match, match_id).state is MatchState.SUGGESTED
    assert db.session.scalar(select(func.count()).select_from(MatchFeedback)) == 0
    assert db.session.scalar(select(func.count()).select_from(MatchSubscription)) == 0
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "match.move")) is None

    match = db.session.get(Match, match_id)
    move_match(match, "contacted", people["broker"])
    subscribe(people["enterprise"], db.session.get(type(need), need_id))
    db.session.commit()
    db.session.rollback()
    assert db.session.get(Match, match_id).state is MatchState.CONTACTED
    assert db.session.scalar(select(func.count()).select_from(MatchSubscription)) == 1


def test_recompute_all_is_kept_only_when_the_caller_commits(
    app: Flask, people: dict[str, User]
) -> None:
    battery = make_published(
        ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY
    )
    need = make_published(ListingKind.NEED, people["enterprise"], people["broker"], **STORAGE_NEED)
    pair = (battery.id, need.id)
    battery.expires_at = utcnow().date() - timedelta(days=1)
    app.config["OUTBOX_DRAIN_AFTER_COMMIT"] = False
    db.session.commit()
    recompute_all()
    assert _pairs() == {}  # flushed
    db.session.rollback()
    assert _pairs()[pair].is_current
    recompute_all()
    db.session.commit()
    db.session.rollback()
    assert _pairs() == {}
