"""/api/v1/patents: staff only; list, one patent, landscape, multipart import (all or none)."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Flask

from portal.extensions import db
from portal.patents.service import import_patents
from tests.factories import ApiClient

DATA = Path(__file__).resolve().parents[2] / "data" / "patents"


def _upload(api: ApiClient, name: str, data: bytes):
    return api.post("/patents/import", data={"file": (io.BytesIO(data), name)})


def test_import_answers_counts_and_commits(app: Flask, api: dict[str | None, ApiClient]) -> None:
    response = _upload(api["broker"], "apollo.csv", (DATA / "patentics-apollo.csv").read_bytes())
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["imported"], body["merged"], body["rejected"]) == (51, 0, [])
    again = _upload(api["admin"], "apollo.csv", (DATA / "patentics-apollo.csv").read_bytes())
    assert again.get_json()["imported"] == 0 and again.get_json()["merged"] == 51
    listed = api["broker"].get("/patents?per_page=5").get_json()
    assert listed["total"] == 51 and len(listed["items"]) == 5


def test_rejected_rows_commit_nothing(app: Flask, api: dict[str | None, ApiClient]) -> None:
    text = "公开（公告）号,标题,IPC\nCN112345678A,好,H01M 8/04\nCN112345679A,坏,XYZ\n"
    response = _upload(api["broker"], "bad.csv", text.encode())
    body = response.get_json()
    assert response.status_code == 422
    assert body["imported"] == 0 and body["rejected"][0]["row"] == 3
    assert "XYZ" in body["rejected"][0]["reason"]
    assert api["broker"].get("/patents").get_json()["total"] == 0


def test_wrong_layout_and_missing_file(app: Flask, api: dict[str | None, ApiClient]) -> None:
    response = _upload(api["broker"], "x.csv", "名字,日期\n甲,1\n".encode())
    assert response.status_code == 422 and "名字" in response.get_json()["error"]["message"]
    assert api["broker"].post("/patents/import", data={}).status_code == 422


def test_oversized_upload_is_413(app: Flask, api: dict[str | None, ApiClient]) -> None:
    app.config["MAX_UPLOAD_LENGTH"] = 1024
    response = _upload(api["broker"], "big.csv", b"x" * 4096)
    assert response.status_code == 413


def test_members_and_anonymous_are_refused(app: Flask, api: dict[str | None, ApiClient]) -> None:
    assert api[None].get("/patents").status_code == 401
    assert api["enterprise"].get("/patents").status_code == 403
    assert api["researcher"].get("/patents/landscape").status_code == 403
    data = (DATA / "google-uav.csv").read_bytes()
    assert _upload(api["enterprise"], "g.csv", data).status_code == 403
    assert _upload(api[None], "g.csv", data).status_code == 401


def test_one_patent_and_landscape_shape(app: Flask, api: dict[str | None, ApiClient]) -> None:
    text = (
        "公开（公告）号,标题,申请人,IPC,申请日\n"
        "CN112345678A,燃料电池,厦门大学,H01M 8/04,2021-03-05\n"
    )
    import_patents("a.csv", text.encode())
    db.session.commit()
    one = api["broker"].get("/patents/cn112345678a").get_json()
    assert one["publication_number"] == "CN112345678A"
    assert (one["green"], one["green_topics"], one["applicants"]) == (
        True,
        ["燃料电池"],
        ["厦门大学"],
    )
    assert one["ipc"] == ["H01M 8/04"] and one["application_date"] == "2021-03-05"
    assert api["broker"].get("/patents/CN1").status_code == 404
    found = api["broker"].get("/patents?topic=fuel_cells&green=true").get_json()
    assert found["total"] == 1
    assert api["broker"].get("/patents?topic=nope").status_code == 422
    land = api["broker"].get("/patents/landscape?topic=fuel_cells").get_json()
    assert set(land) >= {
        "total", "by_year", "top_applicants", "topics", "regions", "legal_status",
        "patent_types", "network",
    }  # fmt: skip
    assert land["total"] == 1 and land["top_applicants"][0]["key"] == "厦门大学"
    assert one["carbon_type"] == "zero" and one["plan_area"] == "A01.05"  # 燃料电池
    assert api["broker"].get("/patents?carbon_type=zero&area=A01.05").get_json()["total"] == 1
    assert api["broker"].get("/patents?carbon_type=low").get_json()["total"] == 0
    assert api["broker"].get("/patents?carbon_type=bogus").status_code == 422
    assert api["broker"].get("/patents?area=Z9").status_code == 422
    land = api["broker"].get("/patents/landscape?carbon_type=zero").get_json()
    assert land["life_cycle"] == [
        {"year": 2021, "filings": 1, "applicants": 1, "incomplete": False}
    ]
    assert land["growth"]["last_year"] - land["growth"]["first_year"] == 4
    assert land["growth"]["rows"][0]["topic"] == ""


def test_co_applicant_network(app: Flask, api: dict[str | None, ApiClient]) -> None:
    text = (
        "公开（公告）号,标题,申请人\n"
        "CN112345678A,甲,厦门大学; 厦门示例新能源有限公司\n"
        "CN112345679A,乙,厦门大学；厦门示例新能源有限公司\n"
        "CN112345680A,丙,厦门大学\n"
    )
    import_patents("n.csv", text.encode())
    db.session.commit()
    network = api["broker"].get("/patents/landscape").get_json()["network"]
    assert network["edges"] == [
        {"source": "厦门大学", "target": "厦门示例新能源有限公司", "count": 2}
    ]
    assert {"name": "厦门大学", "filings": 3} in network["nodes"]
