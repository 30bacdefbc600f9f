"""Green tagging from codes is exact by definition: hand-checked codes against the inventory."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from portal.extensions import db
from portal.patents.green import INVENTORY_PATH, Entry, inventory
from portal.patents.models import Patent
from portal.patents.numbers import normalize_classification
from portal.patents.service import import_patents

INVENTORY_LIST = Path("/work/shared/data/ipc-green-inventory/green_inventory_03.txt")


# Each code was looked up by hand in the inventory's entries (the topic, the line that covers it).
@pytest.mark.parametrize(
    ("code", "topics"),
    [
        ("H01M 8/04", ["fuel_cells"]),  # H01M 8/00-24
        ("H01M 8/2465", ["fuel_cells"]),  # below the range's end 8/24
        ("H01M 10/44", ["electric_storage"]),  # H01M 10/44-46
        ("H01M 10/441", ["electric_storage"]),
        ("H01M 10/0525", []),  # lithium-ion cells as such are not listed
        ("H01M 10/54", ["recycling"]),  # reclaiming battery material
        ("F03D 1/06", ["wind"]),  # F03D, the whole subclass
        ("H01L 31/0725", ["solar"]),  # H01L 31/000-078
        ("H01L 31/18", []),  # manufacturing of such devices: outside 31/000-078
        ("H02S 40/44", ["solar"]),
        ("C10L 5/44", ["biofuels", "waste_energy"]),  # C10L 5/40-48 and C10L 5/44
        ("A01N 43/40", ["pesticide_alternatives"]),  # A01N 25-65 (main groups)
        ("A01N 67/00", []),
        ("C22B 7/04", ["recycling"]),  # C22B 7/00-04
        ("C22B 7/06", []),
        ("B61D 17/02", ["rail_vehicles"]),  # B61, the whole class
        ("B01D 53/8603", ["air_quality"]),  # B01D 53/00-96
        ("C02F 1/44", ["water_pollution"]),
        ("G06F 9/451", []),
        ("H04W 4/40", []),
    ],
)
def test_hand_checked_ipc_codes(code: str, topics: list[str]) -> None:
    assert inventory().topics_of([("ipc", code)]) == topics


def test_cpc_y02_and_y04s_and_schemes_kept_apart() -> None:
    assert inventory().topics_of([("cpc", "Y02E 10/50")]) == ["y02e"]
    assert inventory().topics_of([("cpc", "Y04S 10/12")]) == ["y04s"]
    assert inventory().topics_of([("ipc", "Y02E 10/50")]) == []  # Y02 is CPC only
    assert inventory().topics_of([("cpc", "F03D 1/06")]) == []


def test_every_line_of_the_inventory_list_is_in_the_data() -> None:
    if not INVENTORY_LIST.exists():
        pytest.skip("the shared inventory list is not on this machine")
    lines = [line.split("#")[0].strip() for line in INVENTORY_LIST.read_text().splitlines()]
    listed = {re.sub(r"\s+", " ", line) for line in lines if line}
    document = json.loads(INVENTORY_PATH.read_text(encoding="utf-8"))
    typed = {code for topic in document["topics"] for code in topic["codes"]}
    assert listed - typed == set()


def test_entries_parse_and_refuse_garbage() -> None:
    assert Entry.parse("C10L 5/40-48").matches(normalize_classification("C10L5/45"))
    with pytest.raises(ValueError):
        Entry.parse("XYZ")


def test_import_tags_patents_and_retags_when_codes_change(app: Flask) -> None:
    header = "公开（公告）号,标题,IPC\n"
    import_patents("a.csv", (header + "CN112345678A,燃料电池堆,H01M 8/04; G06F 9/451\n").encode())
    db.session.commit()
    stored = db.session.scalar(select(Patent))
    assert (stored.is_green, stored.green_topics) == (True, ["fuel_cells"])
    import_patents("b.csv", (header + "CN112345678A,燃料电池堆,G06F 9/451\n").encode())
    db.session.commit()
    stored = db.session.scalar(select(Patent))
    assert (stored.is_green, stored.green_topics) == (False, [])


def test_retag_follows_the_inventory(app: Flask, runner: FlaskCliRunner) -> None:
    header = "公开（公告）号,标题,IPC\n"
    import_patents("a.csv", (header + "CN112345678A,燃料电池堆,H01M 8/04\n").encode())
    db.session.commit()
    db.session.execute(Patent.__table__.update().values(green_topics=[], is_green=False))
    db.session.commit()
    result = runner.invoke(args=["patents", "retag"])
    assert result.exit_code == 0 and "changed: 1" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(Patent)).green_topics == ["fuel_cells"]
