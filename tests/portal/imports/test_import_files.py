"""Bulk import: encodings, Excel merged headers, all-or-nothing with the broken row named."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.imports.service import FileRejected, import_listings
from portal.imports.tables import decode_text
from portal.listings.models import Need, Technology, TechnologyKind
from portal.organizations.models import Organization
from tests.portal.imports.sample_files import BROKEN_ROW, HEADER, ROWS

OFFICIAL_SAMPLE = Path(__file__).resolve().parents[2] / "data" / "green_design_products_sample.csv"


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_decoding_recognises_each_encoding() -> None:
    text = "标题,摘要\n储能,钠离子电池•系统\n"
    assert decode_text(text.encode("utf-8")) == (text, "utf-8")
    assert decode_text(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, "utf-8-sig")
    assert decode_text(text.encode("gb18030")) == (text, "gb18030")
    assert decode_text(text.encode("utf-16")) == (text, "utf-16")
    gbk_text = text.replace("•", "")
    assert decode_text(gbk_text.encode("gbk"))[0] == gbk_text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_in_every_encoding_imports(people: dict[str, User], encoding: str) -> None:
    data = (HEADER + "".join(ROWS)).encode(encoding)
    report = import_listings("technology", "成果.csv", data, people["broker"])
    assert report.rejected == [] and report.imported == 3
    titles = set(db.session.scalars(select(Technology.title)))
    assert "海上风电防腐涂层" in titles
    tech = db.session.scalar(select(Technology).where(Technology.title == "钠离子电池储能系统"))
    assert tech.transfer_modes == ["license", "assignment"] and tech.trl == 6
    assert tech.status.value == "draft" and tech.owner_org.name == "厦门大学"


def test_a_broken_row_in_the_middle_imports_nothing_and_is_named(
    people: dict[str, User],
) -> None:
    data = (HEADER + ROWS[0] + BROKEN_ROW + ROWS[1] + ROWS[2]).encode("gbk")
    report = import_listings("technology", "成果.csv", data, people["broker"])
    assert report.imported == 0 and count(Technology) == 0
    assert [r.row for r in report.rejected] == [3]
    reason = report.rejected[0].reason
    # Each field is named by its column header in the file.
    assert "摘要：至少 10 字" in reason and "技术成熟度：" in reason
    assert "价格下限（万元）：应为不小于 0 的数字" in reason


def test_unknown_organization_rejects_the_row_unless_created(people: dict[str, User]) -> None:
    data = (HEADER + ROWS[0].replace("厦门大学", "不存在的研究所")).encode("utf-8")
    report = import_listings("technology", "a.csv", data, people["broker"])
    assert report.rejected[0].row == 2 and "不存在的研究所" in report.rejected[0].reason
    report = import_listings(
        "technology", "a.csv", data, people["broker"], create_missing_orgs=True
    )
    assert report.imported == 1 and report.new_organizations == ["不存在的研究所"]
    assert db.session.scalar(select(Organization).where(Organization.name == "不存在的研究所"))


def test_dry_run_keeps_nothing(people: dict[str, User]) -> None:
    data = (HEADER + "".join(ROWS)).encode("utf-8")
    report = import_listings("technology", "a.csv", data, people["broker"], dry_run=True)
    assert report.ok and report.imported == 3 and count(Technology) == 0
    assert report.preview[0]["title"] == "钠离子电池储能系统" and report.preview[0]["row"] == 2


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_the_official_green_design_product_list_imports_as_products(
    people: dict[str, User], encoding: str
) -> None:
    data = OFFICIAL_SAMPLE.read_text(encoding="utf-8").encode(encoding)
    with pytest.raises(UnicodeEncodeError):
        OFFICIAL_SAMPLE.read_text(encoding="utf-8").encode("gbk")
    report = import_listings(
        "product", "绿色设计产品名单.csv", data, people["broker"], create_missing_orgs=True
    )
    assert report.rejected == [], report.rejected
    assert report.imported == 13 and count(Technology) == 13
    assert "地区" in report.ignored_columns
    product = db.session.scalar(
        select(Technology).where(Technology.title == "威王十效全能厨房清洁剂")
    )
    assert product.kind is TechnologyKind.PRODUCT
    assert product.owner_org.name == "广州立白企业集团有限公司"
    assert product.summary.startswith("不使用支链十二烷基苯磺酸钠")


def _excel_with_merged_headers() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["2026 年企业技术需求汇总表"])
    sheet.merge_cells("A1:F1")
    sheet.append(["需求名称", "需求简介", "企业名称", "预算（万元）", None, "要求成熟度"])
    sheet.append([None, None, None, "最低", "最高", None])
    for column in "ABCF":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("D2:E2")
    sheet.append(
        [
            "园区储能需求",
            "为工业园区配置两兆瓦时的用户侧储能系统，要求十年寿命。",
            "厦门示例新能源有限公司",
            100,
            300,
            6,
        ]
    )
    sheet.append([])
    sheet.append(
        [
            "屋顶光伏运维",
            "为二十万平方米的厂房屋顶光伏寻找智能运维与清洗服务。",
            "厦门示例新能源有限公司",
            10,
            30,
            7,
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_excel_with_a_title_row_and_merged_header_cells(people: dict[str, User]) -> None:
    report = import_listings("need", "需求.xlsx", _excel_with_merged_headers(), people["broker"])
    assert report.rejected == [] and report.imported == 2 and report.encoding == "xlsx"
    need = db.session.scalar(select(Need).where(Need.title == "园区储能需求"))
    assert (need.budget_min, need.budget_max, need.min_trl) == (100, 300, 6)
    assert report.preview[1]["row"] == 6  # the blank row 5 is skipped, numbers stay true


def test_files_that_are_not_tables_are_refused(people: dict[str, User]) -> None:
    with pytest.raises(FileRejected, match="Excel"):
        import_listings("need", "x.xlsx", b"not a zip", people["broker"])
    with pytest.raises(FileRejected, match="CSV"):
        import_listings("need", "x.pdf", b"%PDF", people["broker"])
    with pytest.raises(FileRejected, match="列"):
        import_listings("need", "x.csv", "名称\n储能\n".encode(), people["broker"])
    with pytest.raises(FileRejected, match="编码"):
        import_listings("need", "x.csv", b"\x81\xff" * 10, people["broker"])


def test_only_staff_import(people: dict[str, User]) -> None:
    from portal.domain_errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_listings("technology", "a.csv", (HEADER + ROWS[0]).encode(), people["researcher"])
