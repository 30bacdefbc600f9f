"""`classify organizations|evaluate`."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from matching.carbon_data import AREA_LABELED_FILE, LABELED_FILE, TEST, labeled_split
from portal.accounts.models import User
from portal.classification import service
from portal.organizations.models import CarbonType
from tests.factories import CARBON_SINK, SOLAR, org_of, publish_item


def test_classify_organizations_keeps_overrides(
    app: Flask, runner: FlaskCliRunner, people: dict[str, User]
) -> None:
    researcher, broker = people["researcher"], people["broker"]
    publish_item(researcher, broker, CARBON_SINK)
    other = people["other_researcher"]
    publish_item(other, broker, SOLAR)
    service.override_carbon_type(org_of(other), "low", "核查后认定", broker)

    result = runner.invoke(args=["classify", "organizations"])

    assert result.exit_code == 0, result.output
    assert "classified 4 organizations" in result.output
    assert "1 kept a broker's override" in result.output
    assert org_of(researcher).carbon_type is CarbonType.NEGATIVE
    assert org_of(other).carbon_type is CarbonType.LOW
    assert org_of(other).carbon_type_basis["computed"]["carbon_type"] == "zero"
    assert org_of(people["enterprise"]).carbon_type is CarbonType.NONE

    again = runner.invoke(args=["classify", "organizations"])
    assert "0 changed" in again.output


def test_classify_one_organization_and_unknown_id(
    app: Flask, runner: FlaskCliRunner, people: dict[str, User]
) -> None:
    org = org_of(people["researcher"])
    one = runner.invoke(args=["classify", "organizations", "--org", str(org.id)])
    assert "classified 1 organizations" in one.output
    assert org_of(people["enterprise"]).carbon_type is None
    missing = runner.invoke(args=["classify", "organizations", "--org", "9999"])
    assert missing.exit_code != 0 and "9999" in missing.output


def test_evaluate_prints_accuracy_f1_and_confusion(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    labeled = tmp_path / "held_out.csv"
    labeled.write_text(
        "text,carbon_type\n"
        "碳汇造林与二氧化碳捕集封存，燃煤电厂烟气二氧化碳捕集,negative\n"
        "屋顶分布式光伏发电与储能一体化系统,zero\n"
        "工业锅炉余热回收与节能改造,low\n"
        "今天天气不错,none\n",
        encoding="utf-8-sig",
    )
    fields = tmp_path / "fields.csv"
    fields.write_text(
        "text,area,source,ref\n屋顶分布式光伏发电系统的智能运维,A01.01,test,1\n", encoding="utf-8"
    )
    result = runner.invoke(args=["classify", "evaluate", str(labeled), "--area-file", str(fields)])
    assert result.exit_code == 0, result.output
    assert "carbon type: 4 texts, accuracy 1.000, macro-F1 1.000" in result.output
    assert "plan field on 1 texts of fields.csv: top-1 " in result.output
    assert "plan action of the first " in result.output
    assert "  Chinese texts: 1, top-1 " in result.output
    assert "true \\ predicted" in result.output
    labels = ["low", "negative", "none", "zero"]
    rows = [line.split() for line in result.output.splitlines() if line[:8].strip() in labels]
    assert [row[0] for row in rows] == labels
    for i, row in enumerate(rows):  # every text on the diagonal
        assert [int(n) for n in row[1:]] == [int(i == j) for j in range(len(labels))]


def test_evaluate_refuses_a_file_without_labels(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    unlabeled = tmp_path / "texts.csv"
    unlabeled.write_text("title\n光伏\n", encoding="utf-8")
    result = runner.invoke(args=["classify", "evaluate", str(unlabeled)])
    assert result.exit_code != 0 and "cannot read" in result.output
    missing = runner.invoke(args=["classify", "evaluate", str(tmp_path / "nope.csv")])
    assert missing.exit_code != 0


def test_evaluate_measures_the_test_split_and_the_plan_fields(
    app: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["classify", "evaluate"])
    assert result.exit_code == 0, result.output
    assert f"carbon type on {LABELED_FILE}" in result.output
    assert f"carbon type: {len(labeled_split(TEST))} texts" in result.output
    assert "recall per label: low " in result.output and "negative " in result.output
    assert "plan field on " in result.output and "top-3 " in result.output
    assert f"texts of {AREA_LABELED_FILE.name}: top-1 " in result.output


def test_evaluate_leave_one_out_measures_the_train_rows_only(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    labeled = tmp_path / "split.csv"
    labeled.write_text(
        "text,carbon_type,group,split\n"
        "碳汇造林与二氧化碳捕集封存,negative,,train\n"
        "屋顶分布式光伏发电与储能一体化系统,zero,,train\n"
        "工业锅炉余热回收与节能改造,low,,train\n"
        "今天天气不错,none,,train\n"
        "红树林蓝碳增汇,negative,,test\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["classify", "evaluate", str(labeled), "--leave-one-out"])
    assert result.exit_code == 0, result.output
    assert f"carbon type on the train rows of {labeled}" in result.output
    assert "carbon type, train leave-one-out: 4 texts, accuracy " in result.output
    assert "recall per label: low " in result.output
    assert "true \\ predicted" in result.output
    assert "plan field" not in result.output  # only the carbon type is measured
    no_train = tmp_path / "unsplit.csv"
    no_train.write_text("text,carbon_type\n光伏,zero\n", encoding="utf-8")
    refused = runner.invoke(args=["classify", "evaluate", str(no_train), "--leave-one-out"])
    assert refused.exit_code != 0 and "no row has split = train" in refused.output
