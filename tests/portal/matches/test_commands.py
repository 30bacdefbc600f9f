"""The `match` commands, and one ranking through the real multilingual-e5-small model."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from portal.accounts.models import User
from portal.embeddings.service import EXTENSION_KEY
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.matches.models import Match, MatchRun
from tests.factories import BATTERY, CCUS, STORAGE_NEED, make_published

REPO = Path(__file__).resolve().parents[3]
# Other offers, so the catalogue's typical similarity (the semantic part's floor) is realistic:
# with two candidates their mean vector makes the floor almost as high as a related text.
OTHER_OFFERS = [
    (
        "城市污水厂污泥厌氧消化产沼气技术",
        "污泥经高温厌氧消化产生沼气，用于厂内发电，减少污泥处置量。",
    ),
    ("建筑外墙真空绝热保温板", "真空绝热板导热系数低，用于超低能耗建筑外墙，降低空调能耗。"),
    ("海上风电基础防腐涂层", "适用于海上风电桩基的长效防腐涂层，耐盐雾二十年以上。"),
    ("红树林生态修复与碳汇计量", "滨海红树林种植修复技术和碳汇计量方法，增加蓝碳碳汇。"),
    ("锅炉烟气余热回收换热器", "回收工业锅炉排烟余热预热给水，提高锅炉效率五个百分点。"),
    ("废旧动力电池梯次利用检测", "退役动力电池快速分选检测和梯次利用于通信基站备电。"),
]
E5_FOLDER = Path(
    os.environ.get("EMBEDDING_MODEL_DIR", REPO / "instance/models/multilingual-e5-small")
)


def test_evaluate_prints_each_part_and_the_hybrid(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "pairs.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["need_id", "need_text", "split", "technology_id", "technology_text", "relevance"]
        )
        writer.writerow(["N1", STORAGE_NEED["summary"], "calibration", "T1", BATTERY["summary"], 2])
        writer.writerow(
            ["N2", "电厂想把烟气里的二氧化碳收集起来", "test", "T2", CCUS["summary"], 2]
        )
    result = runner.invoke(args=["match", "evaluate", str(path)])
    assert result.exit_code == 0, result.output
    for method in ("word BM25", "char BM25 + expansion", "semantic", "hybrid + expansion"):
        assert method in result.output
    assert "calibration half" in result.output and "test half" in result.output
    assert "Recall@10" in result.output and "nDCG@10" in result.output
    assert "grade-2 targets dropped as sharing nothing: 0 / 2" in result.output
    calibrated = runner.invoke(args=["match", "evaluate", "--calibrate", str(path)])
    assert calibrated.exit_code == 0, calibrated.output
    assert "weightings tried" in calibrated.output


def test_recompute_and_notify_report_their_totals(
    app: Flask, runner: FlaskCliRunner, people: dict[str, User]
) -> None:
    app.config["OUTBOX_DRAIN_AFTER_COMMIT"] = False  # listings wait for the command
    make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY)
    make_published(ListingKind.NEED, people["enterprise"], people["broker"], **STORAGE_NEED)
    assert db.session.scalar(select(Match)) is None
    result = runner.invoke(args=["match", "recompute"])
    assert "ranked 1 needs and 1 technologies, 1 matches stored" in result.output
    assert runner.invoke(args=["match", "recompute"]).output.startswith("ranked 0 needs")
    assert "ranked 1 needs" in runner.invoke(args=["match", "recompute", "--all"]).output
    assert "digests sent 0" in runner.invoke(args=["match", "notify"]).output


@pytest.mark.model
def test_a_reworded_need_finds_its_technology_with_e5(app: Flask, people: dict[str, User]) -> None:
    if not (E5_FOLDER / "model.safetensors").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"multilingual-e5-small not found at {E5_FOLDER}")
        pytest.skip("run `flask --app wsgi models fetch` first")
    app.config.update(EMBEDDER="model", EMBEDDING_MODEL=str(E5_FOLDER))
    app.extensions.pop(EXTENSION_KEY, None)  # the people fixture's writes loaded the test one
    battery = make_published(
        ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY
    )
    make_published(ListingKind.TECHNOLOGY, people["other_researcher"], people["broker"], **CCUS)
    for title, summary in OTHER_OFFERS:
        make_published(
            ListingKind.TECHNOLOGY,
            people["researcher"],
            people["broker"],
            title=title,
            summary=summary,
        )
    need = make_published(
        ListingKind.NEED,
        people["enterprise"],
        people["broker"],
        title="工厂想用电池储能错开用电高峰",
        summary="车间白天电价高，想装一套寿命长的电池储能装置，夜里充电白天放电，削峰填谷。",
        transfer_modes=["license"],
    )
    best = db.session.scalar(
        select(Match).where(Match.need_id == need.id).order_by(Match.score.desc())
    )
    assert best.technology_id == battery.id and best.score_parts["semantic"] > 0
    run = db.session.scalar(select(MatchRun).where(MatchRun.entity_type == "need"))
    assert run.embedder == "multilingual-e5-small"
