"""CSV export of list pages: Excel-ready encoding, filters and permissions, formula guards,
and a round trip through the importer."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.imports.cells import guard_formula, unguard_formula
from portal.imports.service import import_listings
from portal.listings.kinds import ListingKind
from portal.listings.models import Need, Technology
from portal.listings.validation import listing_values
from tests.factories import AuthActions, make_listing, make_plan_areas

NEXT_YEAR = date.today() + timedelta(days=300)
RICH_TECHNOLOGY = {
    "title": '=HYPERLINK("http://evil.example","点击")钠离子电池',
    "summary": "-面向工商业用户侧储能的低成本钠离子电池系统，循环寿命四千次以上。",
    "description": '电芯、模组与电池管理系统，\n含两行说明，以及 "引号" 和逗号,。',
    "area": "A01.03",
    "keywords": ["钠离子电池", "用户侧储能"],
    "trl": 6,
    "ip_status": "patent_granted",
    "patent_numbers": ["CN115123456A", "ZL202110123456.7"],
    "transfer_modes": ["license", "joint_development"],
    "price_min": "50",
    "price_max": "120.5",
    "carbon_reduction_amount": "1200",
    "carbon_reduction_unit": "吨二氧化碳/年",
    "carbon_reduction_basis": "按替代铅酸电池测算",
    "contact_name": "王工",
    "contact_email": "wang@xmu.edu.cn",
    "contact_phone": "+86 592 2180000",
    "expires_at": NEXT_YEAR.isoformat(),
}
RICH_NEED = {
    "title": "@工业园区储能需求",
    "summary": "为工业园区配置两兆瓦时的用户侧储能系统，要求十年寿命。",
    "area": "A01",
    "min_trl": 6,
    "budget_min": "100",
    "budget_max": "300",
    "deadline": NEXT_YEAR.isoformat(),
    "region": "集美区",
    "transfer_modes": ["assignment"],
}


def rows_of(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_guards_turn_formulas_into_text_and_back() -> None:
    for text in ("=1+1", "+86 592", "-5", "@SUM(A1)", "\tcmd", "\r=1"):
        assert guard_formula(text) == "'" + text
        assert unguard_formula(guard_formula(text)) == text
    for text in ("钠离子电池", "'quoted", "50", ""):
        assert guard_formula(text) == text and unguard_formula(text) == text


def test_export_is_excel_ready_and_guarded(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    make_plan_areas()
    broker = people["broker"]
    listing = make_listing(
        ListingKind.TECHNOLOGY, people["researcher"], published_by=broker, **RICH_TECHNOLOGY
    )
    response = client.get("/export/catalogue.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    [row] = rows_of(response.data)
    assert row["编号"] == str(listing.id) and row["类型"] == "技术成果" and row["状态"] == "已发布"
    assert row["标题"] == '\'=HYPERLINK("http://evil.example","点击")钠离子电池'
    assert row["摘要"].startswith("'-面向")
    assert (row["联系人"], row["联系邮箱"], row["联系电话"]) == ("", "", "")  # anonymous
    assert row["转化方式"] == "许可、合作开发" and row["知识产权"] == "已授权专利"
    assert (row["价格下限（万元）"], row["价格上限（万元）"]) == ("50", "120.5")
    assert row["所属机构"] == "厦门大学" and row["领域代码"] == "A01.03"
    assert row["详细介绍"] == RICH_TECHNOLOGY["description"]
    auth.login("enterprise@test.xm")  # an enterprise may contact a technology's owner
    [row] = rows_of(client.get("/export/catalogue.csv").data)
    assert row["联系人"] == "王工" and row["联系电话"] == "'+86 592 2180000"


@pytest.mark.parametrize(
    ("email", "sees_contact"),
    [
        (None, False),
        ("other@test.xm", False),  # a researcher does not contact a technology's owner
        ("enterprise@test.xm", True),
        ("researcher@test.xm", True),  # the owner
        ("broker@test.xm", True),
    ],
)
def test_contacts_are_exported_only_to_those_allowed_to_contact(
    client: FlaskClient,
    auth: AuthActions,
    people: dict[str, User],
    email: str | None,
    sees_contact: bool,
) -> None:
    make_plan_areas()
    make_listing(
        ListingKind.TECHNOLOGY,
        people["researcher"],
        published_by=people["broker"],
        **RICH_TECHNOLOGY,
    )
    if email:
        auth.login(email)
    [row] = rows_of(client.get("/export/catalogue.csv").data)
    assert (row["联系邮箱"] == "wang@xmu.edu.cn") is sees_contact
    assert (row["联系人"] == "王工") is sees_contact


def test_export_applies_the_list_filters(client: FlaskClient, people: dict[str, User]) -> None:
    make_plan_areas()
    broker = people["broker"]
    make_listing(ListingKind.TECHNOLOGY, people["researcher"], published_by=broker, area="A01.03")
    make_listing(ListingKind.PRODUCT, people["enterprise"], published_by=broker, title="节能变压器")
    make_listing(ListingKind.TECHNOLOGY, people["researcher"], title="未发布的成果")
    titles = {r["标题"] for r in rows_of(client.get("/export/catalogue.csv").data)}
    assert titles == {"钠离子电池储能系统", "节能变压器"}
    products = rows_of(client.get("/export/catalogue.csv?kind=product").data)
    assert [r["标题"] for r in products] == ["节能变压器"]
    in_area = rows_of(client.get("/export/catalogue.csv?area=A01").data)
    assert [r["标题"] for r in in_area] == ["钠离子电池储能系统"]
    assert client.get("/export/catalogue.csv?trl_min=12").status_code == 400
    assert client.get("/export/patents.csv").status_code == 404


def test_the_list_page_links_its_export_with_the_filters(
    client: FlaskClient, people: dict[str, User]
) -> None:
    page = client.get("/catalogue/?kind=product&trl_min=5&page=2")
    assert 'href="/export/catalogue.csv?kind=product&amp;trl_min=5"' in page.text
    assert 'href="/export/needs.csv"' in client.get("/needs/").text


@pytest.mark.parametrize("role", [None, "researcher", "enterprise"])
def test_only_staff_export_by_status(
    client: FlaskClient, auth: AuthActions, people: dict[str, User], role: str | None
) -> None:
    make_listing(ListingKind.TECHNOLOGY, people["researcher"], title="未发布的成果")
    make_listing(
        ListingKind.TECHNOLOGY, people["researcher"], published_by=people["broker"], title="已发布"
    )
    if role:
        auth.login(people[role].email)
    # As on the list pages: a status is a staff filter.
    assert client.get("/export/catalogue.csv?status=draft").status_code == 403
    public = client.get("/export/catalogue.csv")
    assert public.status_code == 200
    assert [row["标题"] for row in rows_of(public.data)] == ["已发布"]  # drafts stay out
    auth.logout()
    auth.login("broker@test.xm")
    drafts = rows_of(client.get("/export/catalogue.csv?status=draft").data)
    assert [(r["标题"], r["状态"]) for r in drafts] == [("未发布的成果", "草稿")]


@pytest.mark.parametrize(
    ("kind", "collection", "fields"),
    [
        (ListingKind.TECHNOLOGY, "catalogue", RICH_TECHNOLOGY),
        (ListingKind.NEED, "needs", RICH_NEED),
    ],
)
def test_an_export_imports_again_unchanged(
    client: FlaskClient,
    auth: AuthActions,
    people: dict[str, User],
    kind: ListingKind,
    collection: str,
    fields: dict[str, object],
) -> None:
    make_plan_areas()
    owner = people["enterprise" if kind is ListingKind.NEED else "researcher"]
    original = make_listing(kind, owner, published_by=people["broker"], **fields)
    make_listing(kind, owner, published_by=people["broker"])  # a plain one beside it
    auth.login("broker@test.xm")  # staff export with the contacts, as the importer reads them
    exported = client.get(f"/export/{collection}.csv").data

    preview = import_listings(kind, "导出.csv", exported, people["broker"], dry_run=True)
    assert preview.rejected == [] and preview.total == 2
    kind_column = [] if kind is ListingKind.NEED else ["类型"]
    assert preview.ignored_columns == ["编号", *kind_column, "状态", "发布日期", "浏览量"]

    report = import_listings(kind, "导出.csv", exported, people["broker"])
    assert report.imported == 2
    model = Need if kind is ListingKind.NEED else Technology
    copy = db.session.scalars(
        select(model).where(model.title == original.title).order_by(model.id.desc())
    ).first()
    assert copy is not None and copy.id != original.id
    assert listing_values(copy) == listing_values(original)
    assert copy.owner_org_id == original.owner_org_id
