"""Patent pages: staff only, filters, landscape charts, detail, CSV export, hostile input."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.extensions import db
from portal.patents.service import import_patents
from tests.factories import AuthActions

DATA = Path(__file__).resolve().parents[2] / "data" / "patents"
HOSTILE = "<script>alert(1)</script>厦门恶意公司"


@pytest.fixture
def patents(app: Flask) -> None:
    for name in ("incopat-toyota.xlsx", "derwent-ewaste.xlsx"):
        import_patents(name, (DATA / name).read_bytes())
    text = (
        "公开（公告）号,标题,申请人,IPC,申请日,申请人地址\n"
        f'CN112345678A,"=HYPERLINK(""http://x"")",{HOSTILE},H01M 8/04,2021-03-05,厦门市思明区\n'
    )
    import_patents("hostile.csv", text.encode())
    db.session.commit()


@pytest.mark.parametrize(
    "url", ["/patents/", "/patents/landscape", "/patents/export.csv", "/patents/CN111856303B"]
)
def test_anonymous_and_members_are_refused(
    client: FlaskClient, auth: AuthActions, people: dict[str, User], patents: None, url: str
) -> None:
    assert client.get(url).status_code == 401
    auth.login(people["enterprise"].email)
    assert client.get(url).status_code == 403


def test_broker_lists_searches_and_filters(
    client: FlaskClient, auth: AuthActions, people: dict[str, User], patents: None
) -> None:
    auth.login(people["broker"].email)
    page = client.get("/patents/?q=电池").get_data(as_text=True)
    assert "CN111856303B" in page
    page = client.get("/patents/?topic=fuel_cells").get_data(as_text=True)
    assert "CN112345678A" in page and "CN111856303B" not in page
    assert client.get("/patents/?status=bogus").status_code == 400
    assert client.get("/patents/?topic=nonsense").status_code == 400
    assert client.get("/patents/?green=maybe").status_code == 400
    assert client.get("/patents/?q=" + "x" * 5000).status_code == 200


def test_landscape_shows_charts_tables_and_xiamen(
    client: FlaskClient, auth: AuthActions, people: dict[str, User], patents: None
) -> None:
    auth.login(people["admin"].email)
    response = client.get("/patents/landscape")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("<svg") >= 5 and "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;厦门恶意公司" in page  # chart label and table
    assert "丰田自动车株式会社" in page and "18 个月" in page
    assert "厦门占比" in page
    assert "技术生命周期" in page and "复合年增长率" in page
    assert client.get("/patents/landscape?carbon_type=low&area=A03.04").status_code == 200
    report = client.get("/patents/landscape/report.html").get_data(as_text=True)
    assert "技术生命周期" in report and "复合年增长率" in report


def test_detail_page_escapes_and_says_what_the_export_lacks(
    client: FlaskClient, auth: AuthActions, people: dict[str, User], patents: None
) -> None:
    auth.login(people["broker"].email)
    page = client.get("/patents/CN112345678A").get_data(as_text=True)
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert "导出文件未提供" in page  # no inventors in that file
    assert client.get("/patents/cn111856303b").status_code == 200
    assert "低碳类型" in page and "规划领域" in page
    assert client.get("/patents/CN000000000A").status_code == 404


def test_csv_export_guards_formulas_and_reimports(
    client: FlaskClient, auth: AuthActions, people: dict[str, User], patents: None
) -> None:
    auth.login(people["broker"].email)
    response = client.get("/patents/export.csv?q=HYPERLINK")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1][0] == "CN112345678A" and rows[1][1].startswith("'=HYPERLINK")
    report = import_patents("again.csv", text.encode("utf-8"))
    assert (report.rejected, report.updated) == ([], 1)


def _upload(client: FlaskClient, name: str, data: bytes, *, dry_run: bool):
    form = {"file": (io.BytesIO(data), name)}
    if dry_run:
        form["dry_run"] = "y"
    return client.post("/patents/import", data=form, content_type="multipart/form-data")


def test_import_page_previews_then_imports(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    from sqlalchemy import func, select

    from portal.patents.models import Patent

    def stored() -> int:
        return db.session.scalar(select(func.count()).select_from(Patent)) or 0

    auth.login(people["broker"].email)
    assert client.get("/patents/import").status_code == 200
    data = (DATA / "google-uav.csv").read_bytes()
    preview = _upload(client, "google-uav.csv", data, dry_run=True)
    assert preview.status_code == 200 and "预检结果" in preview.get_data(as_text=True)
    assert stored() == 0
    done = _upload(client, "google-uav.csv", data, dry_run=False)
    assert done.status_code == 200 and stored() == 29
    bad = _upload(client, "bad.csv", "公开（公告）号,标题\nXYZ,t\n".encode(), dry_run=False)
    assert bad.status_code == 422 and "XYZ" in bad.get_data(as_text=True)
    wrong = _upload(client, "w.csv", "<b>名字</b>,日期\n甲,1\n".encode(), dry_run=True)
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "&lt;b&gt;名字&lt;/b&gt;" in page and "<b>名字" not in page
    assert stored() == 29


def test_import_page_refuses_members_and_oversized_files(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login(people["researcher"].email)
    assert client.get("/patents/import").status_code == 403
    auth.logout()
    auth.login(people["admin"].email)
    app.config["MAX_UPLOAD_LENGTH"] = 2048
    assert _upload(client, "big.csv", b"x" * 8192, dry_run=True).status_code == 413


def test_html_report_is_self_contained_and_escaped(
    client: FlaskClient, auth: AuthActions, people: dict[str, User], patents: None
) -> None:
    auth.login(people["broker"].email)
    response = client.get("/patents/landscape/report.html")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert "<svg" in page and "<script" not in page
    assert 'src="' not in page and 'href="' not in page  # nothing to fetch: opens offline
    assert "&lt;script&gt;alert(1)&lt;/script&gt;厦门恶意公司" in page


def test_broker_confirms_suggested_alias_and_member_cannot(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    from sqlalchemy import select

    from portal.audit.models import AuditLog
    from portal.patents.models import ApplicantAlias

    text = "公开（公告）号,标题,申请人\nCN112345678A,甲,厦门大学\n"
    import_patents("a.csv", text.encode())
    db.session.commit()
    auth.login(people["broker"].email)
    client.post("/patents/aliases/suggest")
    alias = db.session.scalar(select(ApplicantAlias))
    assert alias is not None and alias.confirmed_at is None
    assert "厦门大学" in client.get("/patents/aliases").get_data(as_text=True)
    auth.logout()
    auth.login(people["researcher"].email)
    assert client.post(f"/patents/aliases/{alias.id}/confirm").status_code == 403
    auth.logout()
    auth.login(people["broker"].email)
    assert client.post(f"/patents/aliases/{alias.id}/confirm").status_code == 302
    assert client.post("/patents/aliases/999999/confirm").status_code == 404
    db.session.expire_all()
    assert db.session.get(ApplicantAlias, alias.id).confirmed_at is not None
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "confirm_applicant_alias"))
    page = client.get("/patents/CN112345678A").get_data(as_text=True)
    assert "平台机构" in page


def test_large_import_runs_as_a_job_with_a_progress_page(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    from sqlalchemy import func, select

    from portal.patents.models import Patent

    app.config["PATENT_BACKGROUND_IMPORT_BYTES"] = 100  # every real upload is "large" here
    auth.login(people["broker"].email)
    done = _upload(client, "google-uav.csv", (DATA / "google-uav.csv").read_bytes(), dry_run=False)
    assert done.status_code == 303 and "/patents/import/" in done.location
    page = client.get(done.location).get_data(as_text=True)
    assert "已导入" in page and "新增 29 件" in page
    assert db.session.scalar(select(func.count()).select_from(Patent)) == 29
    bad = _upload(
        client, "bad.csv", ("公开（公告）号,标题\n" + "XYZ,t\n" * 30).encode(), dry_run=False
    )
    page = client.get(bad.location).get_data(as_text=True)
    assert "未导入任何专利" in page and "XYZ" in page
    assert db.session.scalar(select(func.count()).select_from(Patent)) == 29
    auth.logout()
    auth.login(people["admin"].email)
    assert client.get(done.location).status_code == 404  # another person's import


@pytest.mark.e2e
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs headless Chromium")
def test_pdf_report_is_printed_from_the_html_report(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User], patents: None
) -> None:
    auth.login(people["broker"].email)
    response = client.get("/patents/landscape/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and len(response.data) > 10_000
    app.config["PATENT_PDF_CHROMIUM"] = "/nonexistent/chromium"
    assert client.get("/patents/landscape/report.pdf").status_code == 503
