"""Broker import pages: who may use them, upload -> preview -> confirm, CSRF, hostile files."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.models import Technology
from tests.factories import AuthActions
from tests.portal.imports.sample_files import BROKEN_ROW, ROWS, technologies_csv


def upload(
    client: FlaskClient,
    data: bytes,
    filename: str = "成果.csv",
    kind: str = "technology",
    **fields: str,
) -> TestResponse:
    return client.post(
        "/imports/",
        data={"kind": kind, "file": (io.BytesIO(data), filename), **fields},
        content_type="multipart/form-data",
    )


def token_of(response: TestResponse) -> str:
    assert response.status_code == 302, response.text
    match = re.fullmatch(r"/imports/([\w-]+)", response.location)
    assert match, response.location
    return match.group(1)


def technology_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Technology)) or 0


def upload_folder(app: Flask) -> Path:
    return Path(app.instance_path) / "imports"


def test_upload_preview_confirm_imports_every_row_as_drafts(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login("broker@test.xm")
    token = token_of(upload(client, technologies_csv(encoding="gbk")))
    page = client.get(f"/imports/{token}")
    assert page.status_code == 200
    assert "GBK / GB18030" in page.text and "全部 3 行检查通过" in page.text
    assert "海上风电防腐涂层" in page.text and "许可、转让" in page.text
    assert f"/imports/{token}/confirm" in page.text
    assert technology_count() == 0  # the preview keeps nothing

    result = client.post(f"/imports/{token}/confirm")
    assert result.status_code == 200 and "已导入 3 条草稿" in result.text
    titles = set(db.session.scalars(select(Technology.title)))
    assert titles == {"钠离子电池储能系统", "海上风电防腐涂层", "低温余热发电机组"}
    assert list(upload_folder(app).iterdir()) == []  # the uploaded bytes are gone
    assert client.post(f"/imports/{token}/confirm").status_code == 404  # and cannot run twice


def test_a_broken_row_is_named_and_nothing_can_be_confirmed(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login("broker@test.xm")
    token = token_of(upload(client, technologies_csv(ROWS[0], BROKEN_ROW, ROWS[1])))
    page = client.get(f"/imports/{token}")
    assert "1 行有错误（共 3 行），整份文件不会导入" in page.text
    assert re.search(r"<td>3</td><td>[^<]*摘要：至少 10 字", page.text)
    assert f"/imports/{token}/confirm" not in page.text
    forced = client.post(f"/imports/{token}/confirm")
    assert forced.status_code == 422 and "没有导入任何内容" in forced.text
    assert technology_count() == 0


def test_html_in_cells_is_shown_as_text(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    title = '<script>alert("x")</script>钠离子电池'
    hostile = f"{title},<img src=x onerror=alert(1)>储能系统的简介文字,厦门大学,6,许可,50\n"
    auth.login("broker@test.xm")
    page = client.get(f"/imports/{token_of(upload(client, technologies_csv(hostile)))}")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;钠离子电池" in page.text


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("成果.csv", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64, "文件不是 CSV 文本"),
        ("成果.csv", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff\x00\x00\xb8" * 64, "编码"),
        ("成果.csv", b"PK\x03\x04\x14\x00\x06\x00", "请保留 .xlsx 扩展名"),
        ("成果.xlsx", b"MZ\x90\x00 renamed program", "无法读取 Excel 文件"),
        ("成果.csv", "名称,简介\n储能,钠离子电池\n".encode(), "缺少必需的列"),
    ],
    ids=["elf-as-csv", "exe-as-csv", "xlsx-as-csv", "exe-as-xlsx", "no-required-column"],
)
def test_files_that_cannot_be_read_are_refused_with_the_reason(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    people: dict[str, User],
    filename: str,
    data: bytes,
    message: str,
) -> None:
    auth.login("broker@test.xm")
    token = token_of(upload(client, data, filename))
    page = client.get(f"/imports/{token}", follow_redirects=True)
    assert page.request.path == "/imports/" and message in page.text
    assert list(upload_folder(app).iterdir()) == []


def test_the_upload_form_checks_its_fields(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login("broker@test.xm")
    missing = client.post("/imports/", data={"kind": "technology"})
    assert missing.status_code == 400 and "请选择文件" in missing.text
    program = upload(client, b"MZ\x90\x00", "setup.exe")
    assert program.status_code == 400 and "只支持 CSV" in program.text
    unknown_kind = upload(client, technologies_csv(), kind="patent")
    assert unknown_kind.status_code == 400


def test_uploads_may_exceed_the_form_limit_up_to_the_upload_limit(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    app.config["MAX_UPLOAD_LENGTH"] = 3 * 1024 * 1024
    auth.login("broker@test.xm")
    # 2 MiB, above the 1 MiB every other form gets, in columns the import ignores
    # (each under the 128 KiB a CSV field may hold).
    padding = ",".join(["备" * 90_000] * 8)
    notes = ",".join(f"备注{n}" for n in range(8))
    row = ",".join(ROWS[0].split(",")[:3])
    big = f"标题,摘要,所属机构,{notes}\n{row},{padding}\n".encode()
    assert app.config["MAX_CONTENT_LENGTH"] < len(big) < app.config["MAX_UPLOAD_LENGTH"]
    page = client.get(f"/imports/{token_of(upload(client, big))}")
    assert "全部 1 行检查通过" in page.text and "备注" in page.text
    too_big = upload(client, b"a" * (3 * 1024 * 1024 + 1))
    assert too_big.status_code == 413 and "提交的内容过大" in too_big.text
    auth.logout()
    other_form = client.post("/auth/login", data={"email": "x@test.xm", "padding": big})
    assert other_form.status_code == 413


def test_create_missing_organizations_is_carried_to_the_confirmation(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    row = ROWS[0].replace("厦门大学", "厦门新材料研究院")
    auth.login("broker@test.xm")
    refused = client.get(f"/imports/{token_of(upload(client, technologies_csv(row)))}")
    assert "厦门新材料研究院" in refused.text and "不存在" in refused.text
    token = token_of(upload(client, technologies_csv(row), create_missing_orgs="y"))
    assert "新建机构" in client.get(f"/imports/{token}").text
    result = client.post(f"/imports/{token}/confirm")
    assert result.status_code == 200 and "厦门新材料研究院" in result.text
    tech = db.session.scalar(select(Technology))
    assert tech is not None and tech.owner_org.name == "厦门新材料研究院"


def test_cancel_deletes_the_upload(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login("broker@test.xm")
    token = token_of(upload(client, technologies_csv()))
    assert len(list(upload_folder(app).iterdir())) == 2  # the bytes and their note
    assert client.post(f"/imports/{token}/cancel").status_code == 302
    assert list(upload_folder(app).iterdir()) == []
    assert client.get(f"/imports/{token}").status_code == 404


@pytest.mark.parametrize("role", ["researcher", "enterprise"])
def test_import_routes_are_for_staff_only(
    client: FlaskClient, auth: AuthActions, people: dict[str, User], role: str
) -> None:
    auth.login("broker@test.xm")
    token = token_of(upload(client, technologies_csv()))
    routes = [
        ("GET", "/imports/"),
        ("POST", "/imports/"),
        ("GET", f"/imports/{token}"),
        ("POST", f"/imports/{token}/confirm"),
        ("POST", f"/imports/{token}/cancel"),
    ]
    auth.logout()
    for method, path in routes:
        response = client.open(path, method=method)
        assert response.status_code == 302 and "/auth/login" in response.location, path
    auth.login(people[role].email)
    for method, path in routes:
        assert client.open(path, method=method).status_code == 403, path
    assert technology_count() == 0


def test_an_upload_belongs_to_the_broker_who_made_it(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login("broker@test.xm")
    token = token_of(upload(client, technologies_csv()))
    auth.logout()
    auth.login("admin@test.xm")
    assert client.get("/imports/").status_code == 200
    assert client.get(f"/imports/{token}").status_code == 404
    assert client.post(f"/imports/{token}/confirm").status_code == 404
    assert client.get("/imports/..%2F..%2Fsecret_key").status_code == 404
    assert technology_count() == 0


def test_import_forms_need_the_csrf_token(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login("broker@test.xm")
    token = token_of(upload(client, technologies_csv()))
    app.config["WTF_CSRF_ENABLED"] = True
    assert upload(client, technologies_csv()).status_code == 400
    assert client.post(f"/imports/{token}/confirm").status_code == 400
    assert client.post(f"/imports/{token}/cancel").status_code == 400
    assert technology_count() == 0
    form_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/imports/").text)
    assert form_token is not None
    accepted = upload(client, technologies_csv(), csrf_token=form_token.group(1))
    page = client.get(f"/imports/{token_of(accepted)}")
    confirm_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert confirm_token is not None
    confirmed = client.post(
        accepted.location + "/confirm", data={"csrf_token": confirm_token.group(1)}
    )
    assert confirmed.status_code == 200 and technology_count() == 3


def test_staff_menu_links_the_import_page(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login("researcher@test.xm")
    assert "/imports/" not in client.get("/").text
    auth.logout()
    auth.login("broker@test.xm")
    assert 'href="/imports/"' in client.get("/").text
