"""Landscape counts: years with gaps and the publication lag, regions, Xiamen's share."""

from __future__ import annotations

from datetime import date

from flask import Flask

from portal.extensions import db
from portal.patents.landscape import incomplete_from, landscape, region_key
from portal.patents.query import PatentFilter
from portal.patents.service import import_patents

ROWS = (
    "公开（公告）号,标题,申请人,申请日,申请人地址,IPC\n"
    "CN112345678A,一,厦门大学,2019-03-05,福建省厦门市思明区,H01M 8/04\n"
    "CN112345679A,二,福州大学,2021-03-05,福建省福州市,H01M 8/04\n"
    "CN112345680A,三,清华大学,2025-09-01,北京市海淀区,G06F 9/451\n"
)


def test_years_fill_gaps_and_mark_the_last_18_months(app: Flask) -> None:
    import_patents("a.csv", ROWS.encode())
    db.session.commit()
    result = landscape(PatentFilter(), today=date(2026, 12, 3))
    assert [(c.key, c.count) for c in result.by_year] == [
        ("2019", 1), ("2020", 0), ("2021", 1), ("2022", 0), ("2023", 0), ("2024", 0), ("2025", 1),
    ]  # fmt: skip
    assert [c.key for c in result.by_year if c.incomplete] == ["2025"]
    assert incomplete_from(date(2026, 12, 3)) == 2025
    regions = {c.key: c.count for c in result.regions}
    assert regions == {"xiamen": 1, "fujian": 1, "china": 1}
    assert round(result.xiamen_share, 3) == round(1 / 3, 3)
    green = landscape(PatentFilter(green=True), today=date(2026, 12, 3))
    assert green.total == 2 and green.topics[0].key == "fuel_cells"


def test_region_rules() -> None:
    assert region_key("CN", None, None, ["XIAMEN CHANGHAI ENVIRONMENT PROTECTION"]) == "xiamen"
    assert region_key("US", None, None, ["TESLA INC"]) == "abroad"
    assert region_key("CN", None, None, ["丰田自动车株式会社"]) == "unknown"
    assert region_key("CN", "福建省", "泉州市", ["某公司"]) == "fujian"
