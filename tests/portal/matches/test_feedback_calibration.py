"""Judgements from feedback and pipeline outcomes, demo judgements, and the calibrate command."""

from __future__ import annotations

import json

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.matches.feedback_calibration import (
    collect_judgements,
    generate_demo_feedback,
    live_weights_note,
    weights_path,
)
from portal.matches.models import Match, MatchFeedback, MatchState
from portal.matches.ranking import match_weights
from tests.factories import BATTERY, STORAGE_NEED, AuthActions, make_published


def _demo_pair(people: dict[str, User]) -> Match:
    technology = make_published(
        ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY
    )
    need = make_published(ListingKind.NEED, people["enterprise"], people["broker"], **STORAGE_NEED)
    technology.is_demo = need.is_demo = True  # as the demo seed marks its listings
    db.session.commit()
    return db.session.scalar(select(Match))


def test_demo_feedback_is_counted_only_when_asked_for(app: Flask, people: dict[str, User]) -> None:
    match = _demo_pair(people)
    report = generate_demo_feedback({STORAGE_NEED["title"]: BATTERY["title"]})
    assert (report.judged, report.relevant) == (1, 1)
    generate_demo_feedback({STORAGE_NEED["title"]: BATTERY["title"]})  # twice: no second verdict
    assert db.session.query(MatchFeedback).count() == 1
    assert match.state is MatchState.CONTACTED
    assert collect_judgements() == []
    (judgement,) = collect_judgements(include_demo=True)
    assert judgement.relevant and set(judgement.parts) == {"semantic", "lexical", "taxonomy", "fit"}


def test_pipeline_outcome_counts_where_no_feedback_was_given(
    app: Flask, people: dict[str, User]
) -> None:
    make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY)
    make_published(ListingKind.NEED, people["enterprise"], people["broker"], **STORAGE_NEED)
    match = db.session.scalar(select(Match))
    assert collect_judgements() == []  # a bare suggestion says nothing
    match.state = MatchState.REJECTED
    db.session.commit()
    assert [j.relevant for j in collect_judgements()] == [False]


def test_calibrate_command_reports_and_keeps_live_weights_on_too_few_judgements(
    app: Flask, runner: FlaskCliRunner, people: dict[str, User], tmp_path
) -> None:
    app.instance_path = str(tmp_path)
    _demo_pair(people)
    assert runner.invoke(args=["match", "calibrate"]).exit_code != 0  # only --from-feedback
    result = runner.invoke(
        args=["match", "calibrate", "--from-feedback", "--include-demo", "--apply"]
    )
    assert result.exit_code == 0, result.output
    assert "0 judgements" in result.output and "not adopted" in result.output
    assert not weights_path().exists()


def test_adopted_weights_go_live_and_the_board_says_how_they_were_chosen(
    app: Flask, client, auth: AuthActions, people: dict[str, User], tmp_path
) -> None:
    app.instance_path = str(tmp_path)
    assert "校准半集" in live_weights_note()
    record = {
        "weights": {"semantic": 0.7, "lexical": 0.1, "taxonomy": 0.1, "fit": 0.1},
        "chosen_at": "2026-12-01T08:00:00",
        "judgements": 240,
        "trained_on": 160,
        "held_out": 80,
        "live_auc": 0.71,
        "fitted_auc": 0.78,
        "demo": True,
    }
    weights_path().write_text(json.dumps(record), encoding="utf-8")
    assert match_weights().semantic == 0.7
    auth.login("broker@test.xm")
    board = client.get("/matches/board").get_data(as_text=True)
    assert "240 条反馈" in board and "0.710 → 0.780" in board and "含演示数据" in board
    weights_path().write_text("{not json", encoding="utf-8")  # a broken file is ignored
    assert match_weights().semantic != 0.7
