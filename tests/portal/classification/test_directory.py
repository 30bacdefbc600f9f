"""The public directory of green tech firms: filters, counts, chart, pagination, CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.classification import service
from portal.organizations.models import CarbonType, OrgKind
from tests.factories import make_org


@pytest.fixture
def firms(app: Flask) -> None:
    make_org(
        "厦门蓝碳科技有限公司",
        OrgKind.ENTERPRISE,
        district="翔安区",
        carbon_type=CarbonType.NEGATIVE,
    )
    make_org(
        "厦门光伏能源有限公司", OrgKind.ENTERPRISE, district="湖里区", carbon_type=CarbonType.ZERO
    )
    make_org("厦门储能研究院", OrgKind.INSTITUTE, district="湖里区", carbon_type=CarbonType.ZERO)
    make_org(
        "厦门节能装备有限公司", OrgKind.ENTERPRISE, district="集美区", carbon_type=CarbonType.LOW
    )
    make_org(
        "厦门普通贸易有限公司", OrgKind.ENTERPRISE, district="思明区", carbon_type=CarbonType.NONE
    )
    make_org("厦门未分类有限公司", OrgKind.ENTERPRISE, district="思明区")


def _names(body: str) -> set[str]:
    return {
        name
        for name in ("蓝碳", "光伏", "储能研究院", "节能装备", "普通贸易", "未分类")
        if name in body
    }


def test_lists_only_green_firms_with_counts_and_chart(client: FlaskClient, firms: None) -> None:
    body = client.get("/directory").get_data(as_text=True)
    assert _names(body) == {"蓝碳", "光伏", "储能研究院", "节能装备"}
    assert "<svg" in body and 'class="carbon-bar carbon-bar-zero"' in body
    assert "2 家" in body and "1 家" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=zero", {"光伏", "储能研究院"}),
        ("type=negative", {"蓝碳"}),
        ("district=湖里区", {"光伏", "储能研究院"}),
        ("kind=institute", {"储能研究院"}),
        ("type=zero&kind=enterprise", {"光伏"}),
        ("type=low&district=翔安区", set()),
    ],
)
def test_filters(client: FlaskClient, firms: None, query: str, expected: set[str]) -> None:
    response = client.get(f"/directory?{query}")
    assert response.status_code == 200
    assert _names(response.get_data(as_text=True)) == expected


def test_counts_ignore_the_type_filter_but_keep_the_others(firms: None) -> None:
    from portal.classification.directory import DirectoryFilter, counts_by_type

    assert counts_by_type(DirectoryFilter(carbon_type=CarbonType.ZERO)) == {
        CarbonType.NEGATIVE: 1,
        CarbonType.ZERO: 2,
        CarbonType.LOW: 1,
    }
    assert counts_by_type(DirectoryFilter(district="湖里区"))[CarbonType.ZERO] == 2
    assert counts_by_type(DirectoryFilter(district="湖里区"))[CarbonType.NEGATIVE] == 0


@pytest.mark.parametrize(
    "query", ["type=none", "type=green", "district=北京市", "kind=company", "type=<script>"]
)
def test_unknown_filter_values_are_400(client: FlaskClient, firms: None, query: str) -> None:
    assert client.get(f"/directory?{query}").status_code == 400
    assert client.get(f"/directory.csv?{query}").status_code == 400


def test_pages(app: Flask, client: FlaskClient) -> None:
    for number in range(25):
        make_org(f"厦门低碳企业{number:02d}", OrgKind.ENTERPRISE, carbon_type=CarbonType.LOW)
    first = client.get("/directory").get_data(as_text=True)
    second = client.get("/directory?page=2").get_data(as_text=True)
    assert "厦门低碳企业00" in first and "厦门低碳企业24" not in first
    assert "厦门低碳企业24" in second and "共 25 条" in second
    assert client.get("/directory?page=99").status_code == 200


def test_csv_export_utf8_bom_filters_and_formula_guard(
    app: Flask, client: FlaskClient, people: dict[str, User]
) -> None:
    make_org('=HYPERLINK("http://evil")公司', OrgKind.ENTERPRISE, carbon_type=CarbonType.LOW)
    firm = make_org("厦门光伏能源有限公司", OrgKind.ENTERPRISE, district="湖里区")
    service.override_carbon_type(firm, "zero", "核查了光伏电站备案", people["broker"])
    make_org("厦门普通贸易有限公司", OrgKind.ENTERPRISE, carbon_type=CarbonType.NONE)

    response = client.get("/directory.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["机构名称", "类型", "机构类别"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {'\'=HYPERLINK("http://evil")公司', "厦门光伏能源有限公司"}
    assert by_name["厦门光伏能源有限公司"][1:4] == ["零碳", "企业", "湖里区"]
    assert by_name["厦门光伏能源有限公司"][6:] == ["人工认定", "", "核查了光伏电站备案"]

    only_zero = client.get("/directory.csv?type=zero").get_data().decode("utf-8-sig")
    assert "厦门光伏能源有限公司" in only_zero and "HYPERLINK" not in only_zero


def test_html_in_names_is_escaped(app: Flask, client: FlaskClient) -> None:
    make_org("<script>alert(1)</script>公司", OrgKind.ENTERPRISE, carbon_type=CarbonType.LOW)
    body = client.get("/directory").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
