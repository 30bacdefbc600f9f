"""Landscape counts: years with gaps and the publication lag, regions, Xiamen's share."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import select, update

from portal.extensions import db
from portal.organizations.models import CarbonType
from portal.patents.landscape import (
    compound_growth,
    growth_window,
    incomplete_from,
    landscape,
    region_key,
)
from portal.patents.landscape_cache import cached_landscape
from portal.patents.models import Patent
from portal.patents.query import PatentFilter
from portal.patents.service import classify_all, import_patents

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
    by_applicant = landscape(PatentFilter(applicant="厦门大学"))
    assert by_applicant.total == 1 and by_applicant.top_applicants[0].key == "厦门大学"
    green = landscape(PatentFilter(green=True), today=date(2026, 12, 3))
    assert green.total == 2 and green.topics[0].key == "fuel_cells"


def test_region_rules() -> None:
    assert region_key("CN", None, None, ["XIAMEN CHANGHAI ENVIRONMENT PROTECTION"]) == "xiamen"
    assert region_key("US", None, None, ["TESLA INC"]) == "abroad"
    assert region_key("CN", None, None, ["丰田自动车株式会社"]) == "unknown"
    assert region_key("CN", "福建省", "泉州市", ["某公司"]) == "fujian"


def test_life_cycle_and_growth_over_the_last_five_complete_years(app: Flask) -> None:
    rows = ["公开（公告）号,标题,申请人,申请日,IPC"]
    # 2019: 2 filings by 2 applicants; 2023: 4 by 1; 2025 (inside the lag on 2026-12-03): 1
    plan = [(2019, "甲大学"), (2019, "乙公司"), *[(2023, "甲大学")] * 4, (2025, "丙公司")]
    for index, (year, applicant) in enumerate(plan):
        rows.append(f"CN{112345600 + index}A,燃料电池{index},{applicant},{year}-05-01,H01M 8/04")
    import_patents("growth.csv", "\n".join(rows).encode())
    db.session.commit()
    result = landscape(PatentFilter(), today=date(2026, 12, 3))
    cycle = {y.year: (y.filings, y.applicants, y.incomplete) for y in result.life_cycle}
    assert cycle[2019] == (2, 2, False) and cycle[2020] == (0, 0, False)
    assert cycle[2023] == (4, 1, False) and cycle[2025] == (1, 1, True)
    # complete years end at 2024 (2025 is inside the lag): the window is 2020-2024
    assert result.growth_years == (2020, 2024)
    overall, fuel_cells = result.growth
    assert (overall.key, overall.first, overall.last, overall.rate) == ("", 0, 0, None)
    assert fuel_cells.key == "fuel_cells"
    assert compound_growth(2, 32, 5) == 1.0  # 2 -> 32 in four steps: doubling each year
    assert growth_window(date(2026, 6, 30)) == (2019, 2023)
    # an export whose filings end in 2021: its window ends there, not in years it cannot know
    assert growth_window(date(2026, 6, 30), latest=2021) == (2017, 2021)


def test_carbon_type_and_plan_field_filter_the_landscape(app: Flask) -> None:
    text = (
        "公开（公告）号,标题,摘要,申请人,申请日\n"
        "CN112345678A,一种光伏组件清洗装置,用于太阳能光伏电站的组件清洗,厦门大学,2021-03-05\n"
        "CN112345679A,一种烟气二氧化碳捕集方法,燃煤电厂烟气中二氧化碳捕集与封存,福州大学,2021-03-05\n"
        "CN112345680A,一种图像识别方法,基于神经网络识别图片中的物体,清华大学,2021-03-05\n"
    )
    import_patents("c.csv", text.encode())
    db.session.commit()
    stored = {
        p.publication_number: (p.carbon_type, p.plan_area)
        for p in db.session.scalars(select(Patent))
    }
    assert stored == {
        "CN112345678A": (CarbonType.ZERO, "A01.01"),
        "CN112345679A": (CarbonType.NEGATIVE, "A05.06"),
        "CN112345680A": (CarbonType.NONE, None),
    }
    assert landscape(PatentFilter(carbon_type=CarbonType.ZERO)).total == 1
    assert landscape(PatentFilter(area="A05.06")).total == 1
    db.session.execute(update(Patent).values(carbon_type=None, plan_area=None))
    assert classify_all() == 3
    assert db.session.scalar(select(Patent.carbon_type).where(Patent.title.like("%捕集%"))) == (
        CarbonType.NEGATIVE
    )


def test_cached_landscape_follows_imports(app: Flask) -> None:
    import_patents("a.csv", ROWS.encode())
    db.session.commit()
    assert cached_landscape(PatentFilter()).total == 3
    assert cached_landscape(PatentFilter()) is cached_landscape(PatentFilter())
    more = "公开（公告）号,标题,申请人\nCN112345690A,四,厦门大学\n"
    import_patents("b.csv", more.encode())
    db.session.commit()
    assert cached_landscape(PatentFilter()).total == 4
    import_patents("c.csv", "公开（公告）号,标题,申请人\nCN112345690A,四,福州大学\n".encode())
    db.session.commit()  # an update: same count and ids, a later change
    top = cached_landscape(PatentFilter()).top_applicants[0]
    assert (top.key, top.count) == ("福州大学", 2)
