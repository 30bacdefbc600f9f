"""Importing real patent exports: every format, all rows or none, re-imports update."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from portal.extensions import db
from portal.patents.legal_status import LegalStatus
from portal.patents.models import ClassificationScheme, Patent, PatentApplicant, PatentType
from portal.patents.service import FileRejected, import_patents

DATA = Path(__file__).resolve().parents[2] / "data" / "patents"


def run(name: str, data: bytes | None = None, **options: object):
    report = import_patents(
        name, data if data is not None else (DATA / name).read_bytes(), **options
    )
    db.session.commit()
    return report


def patent(number: str) -> Patent:
    found = db.session.scalar(select(Patent).where(Patent.publication_number == number))
    assert found is not None, number
    return found


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Patent)) or 0


@pytest.mark.parametrize(
    ("name", "format_key", "rows"),
    [
        ("patentics-apollo.csv", "cnipa", 51),
        ("patentics-ar-gbk.csv", "cnipa", 40),
        ("patentics-thundersoft.xlsx", "cnipa", 15),
        ("incopat-toyota.xlsx", "cnipa", 33),
        ("patsnap-shaped.csv", "patsnap", 20),
        ("lens-sangamo.csv", "lens", 10),
        ("lens-jet-engine.csv", "lens", 30),
        ("google-uav.csv", "google", 29),
        ("derwent-ewaste.xlsx", "derwent", 23),
    ],
)
def test_every_real_export_imports(app: Flask, name: str, format_key: str, rows: int) -> None:
    report = run(name)
    assert (report.format_key, report.total, report.rejected) == (format_key, rows, [])
    assert report.imported == count() == rows


def test_incopat_fields(app: Flask) -> None:
    run("incopat-toyota.xlsx")
    first = patent("CN111856303B")
    assert first.title == "电池电阻测量装置"
    assert first.applicants[0].name == "丰田自动车株式会社"
    assert first.application_number == "CN202010302257.8"
    assert first.publication_date == date(2023, 3, 17)  # an Excel serial number in the file
    assert first.application_date == date(2020, 4, 16)
    assert first.application_year == 2020
    assert first.patent_type is PatentType.INVENTION_GRANT
    assert (first.legal_status, first.legal_status_source) == (LegalStatus.GRANTED, "授权")
    assert first.main_code(ClassificationScheme.IPC) == "G01R 31/389"
    assert first.codes(ClassificationScheme.IPC) == ["G01R 31/389", "G01R 31/392", "G01R 31/3842"]
    assert patent("CN115805936A").legal_status is LegalStatus.PENDING
    assert patent("CN115805936A").patent_type is PatentType.INVENTION_APPLICATION


def test_patentics_csv_lists_dates_and_padded_codes(app: Flask) -> None:
    run("patentics-apollo.csv")
    first = patent("CN114285873A")
    assert [a.name for a in first.applicants] == [
        "阿波罗智联（北京）科技有限公司",
        "阿波罗智行科技（广州）有限公司",
    ]
    assert first.inventors == ["黄启立"]
    assert first.application_date == date(2021, 12, 9)
    # 国际主分类 gives the subclass H04L: the main code is the first listed code in it.
    assert first.main_code(ClassificationScheme.IPC) == "H04L 67/12"
    assert "H04W 4/40" in first.codes(ClassificationScheme.IPC)  # "H04W  4/40" in the file
    assert first.legal_status is LegalStatus.PENDING  # 公开
    assert patent("CN213808654U").patent_type is PatentType.UTILITY_MODEL


def test_gbk_csv_reads_chinese(app: Flask) -> None:
    report = run("patentics-ar-gbk.csv")
    assert report.encoding == "gb18030"
    titles = [p.title for p in db.session.scalars(select(Patent))]
    assert all("增强现实" in t for t in titles)


def test_excel_formulas_give_their_cached_values_never_evaluated(app: Flask) -> None:
    # Patentics writes the publication number as =HYPERLINK("...","CN115438209A").
    run("patentics-thundersoft.xlsx")
    first = patent("CN115438209A")
    assert first.title == "一种主题推荐方法、装置、设备和系统"
    assert (first.province, first.city) == ("陕西省", "西安市")  # from "710000 陕西省西安市..."
    assert first.applicant_address.startswith("710000 陕西省西安市")


def test_lens_multi_values_repeats_and_numbers(app: Flask) -> None:
    run("lens-sangamo.csv")
    first = patent("US9833479B2")
    assert first.applicants[0].name == "SANGAMO THERAPEUTICS INC"
    assert first.legal_status is LegalStatus.GRANTED  # ACTIVE
    assert first.cited_by_count == 5 and first.family_size == 6
    assert "C12N 9/22" in first.codes(ClassificationScheme.CPC)
    assert patent("US20230067653A1").legal_status is LegalStatus.LAPSED  # DISCONTINUED
    codes = first.codes(ClassificationScheme.IPC)
    assert len(codes) == len(set(codes))


def test_lens_older_layout_and_unusual_numbers(app: Flask) -> None:
    run("lens-jet-engine.csv")
    assert patent("US20110185700A1").applicants[0].name == "NEWCOMER FRED MICHAEL"
    numbers = set(db.session.scalars(select(Patent.publication_number)))
    assert any(n.startswith("JPS") for n in numbers)


def test_google_patents_preamble_and_dashed_numbers(app: Flask) -> None:
    run("google-uav.csv")
    first = patent("CN110364031B")
    assert first.applicants[0].name == "北京交通大学"
    assert first.inventors == ["沈超", "宗佳颖", "成晶", "曹瑷麟"]
    assert first.grant_date == date(2020, 12, 15)


def test_derwent_years_and_fallback_number(app: Flask) -> None:
    run("derwent-ewaste.xlsx")
    xiamen = db.session.scalars(
        select(Patent).join(PatentApplicant).where(PatentApplicant.name.like("XIAMEN%"))
    ).all()
    assert xiamen and all(p.priority_year for p in xiamen)
    assert all(p.application_date is None for p in xiamen)  # the export has no dates


def test_patsnap_headers_and_inventors_with_commas(app: Flask) -> None:
    run("patsnap-shaped.csv")
    assert patent("CN111856303B").applicants[0].name == "丰田自动车株式会社"
    text = (
        "公开(公告)号,标题,[标]当前申请(专利权)人,发明人,简单法律状态,申请年\n"
        'CN112345678A,测试,厦门大学,"Smith, John | 王, 小明",有效,2021\n'
    )
    run("patsnap.csv", text.encode())
    imported = patent("CN112345678A")
    assert imported.inventors == ["Smith, John", "王, 小明"]
    assert imported.application_year == 2021


def test_one_bad_row_rejects_the_whole_file_with_row_header_and_reason(app: Flask) -> None:
    rows = [
        "公开（公告）号,标题,申请日,IPC,申请人",
        "CN112345678A,好的一行,2021-03-05,H01M 10/0525,厦门大学",
        "CN112345679A,坏的分类号,2021-03-05,XYZ,厦门大学",
        "CN112345680A,坏的日期,2021-02-30,H01M 10/0525,厦门大学",
        ",缺公开号,2021-03-05,H01M 10/0525,厦门大学",
    ]
    report = run("bad.csv", "\n".join(rows).encode())
    assert report.imported == 0 and count() == 0
    found = {(r.row, r.header) for r in report.rejected}
    assert found == {(3, "IPC"), (4, "申请日"), (5, "公开（公告）号")}
    assert "XYZ" in report.rejected[0].reason
    assert report.as_json()["imported"] == 0


def test_reimport_updates_and_never_duplicates(app: Flask) -> None:
    run("patentics-apollo.csv")
    again = run("patentics-apollo.csv")
    assert count() == 51
    assert (again.imported, again.updated, len(again.merged)) == (0, 51, 51)
    assert db.session.scalar(select(func.count()).select_from(PatentApplicant)) == sum(
        len(p.applicants) for p in db.session.scalars(select(Patent))
    )


def test_newer_data_wins_field_by_field(app: Flask) -> None:
    header = "公开（公告）号,标题,摘要,当前法律状态,申请人\n"
    run("first.csv", (header + "CN 112345678 A,旧标题,旧摘要,实质审查,厦门大学\n").encode())
    report = run("second.csv", (header + "112345678A,新标题,,授权,\n").encode())
    stored = patent("CN112345678A")
    assert (stored.title, stored.abstract, stored.legal_status) == (
        "新标题",
        "旧摘要",
        LegalStatus.GRANTED,
    )
    assert [a.name for a in stored.applicants] == ["厦门大学"]  # an empty cell keeps the old
    assert report.merged[0].into_row is None


def test_duplicates_inside_one_file_are_merged_and_reported(app: Flask) -> None:
    text = "公开（公告）号,标题,摘要\nCN112345678A,标题,\nCN 112345678 A,标题二,摘要二\n"
    report = run("dups.csv", text.encode())
    assert (report.imported, count()) == (1, 1)
    assert [(m.row, m.into_row) for m in report.merged] == [(3, 2)]
    assert patent("CN112345678A").abstract == "摘要二"


def test_publication_before_application_is_flagged_not_rejected(app: Flask) -> None:
    text = "公开（公告）号,标题,申请日,公开（公告）日\nCN112345678A,标题,2021-03-05,2020-01-01\n"
    report = run("dates.csv", text.encode())
    assert report.imported == 1 and report.rejected == []
    assert "公开日早于申请日" in report.warnings[0]


def test_wrong_headers_name_the_missing_columns_and_those_found(app: Flask) -> None:
    with pytest.raises(FileRejected) as caught:
        import_patents("x.csv", "名字,日期\n甲,2021-01-01\n".encode())
    message = str(caught.value)
    assert "公开" in message and "名字" in message and "日期" in message


def test_header_brackets_spaces_and_case_are_normalized(app: Flask) -> None:
    text = "公开(公告)号 , 标题（中文） ,IPC主分类\ncn112345678a,标题,h01m10/0525\n"
    run("h.csv", text.encode())
    assert patent("CN112345678A").main_code(ClassificationScheme.IPC) == "H01M 10/0525"


def test_html_in_applicant_is_stored_as_text(app: Flask) -> None:
    text = "公开（公告）号,标题,申请人\nCN112345678A,标题,<script>alert(1)</script>公司\n"
    run("x.csv", text.encode())
    assert patent("CN112345678A").applicants[0].name == "<script>alert(1)</script>公司"


def test_dry_run_writes_nothing(app: Flask) -> None:
    report = run("patentics-apollo.csv", dry_run=True)
    assert report.imported == 51 and count() == 0


def test_not_a_table_is_refused(app: Flask) -> None:
    with pytest.raises(FileRejected):
        import_patents("x.pdf", b"%PDF-1.4")


def test_progress_reaches_the_end(app: Flask) -> None:
    seen: list[tuple[str, int, int]] = []
    run("patentics-apollo.csv", progress=lambda *step: seen.append(step))
    assert ("check", 51, 51) in seen and ("write", 51, 51) in seen


def test_cli_imports_with_progress_and_exits_1_on_rejects(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(args=["patents", "import", str(DATA / "google-uav.csv")])
    assert result.exit_code == 0, result.output
    assert "29 new patents" in result.output
    bad = tmp_path / "bad.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["公开（公告）号", "标题"], ["XYZ", "t"]])
    bad.write_text(buffer.getvalue(), encoding="utf-8")
    result = runner.invoke(args=["patents", "import", str(bad)])
    assert result.exit_code == 1 and "row 2" in result.output
    assert count() == 29
