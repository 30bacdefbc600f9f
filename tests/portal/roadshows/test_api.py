"""/roadshows: the names integrations rely on, permissions, bad input, registrations."""

from __future__ import annotations

from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.extensions import db
from portal.roadshows.models import Roadshow, RoadshowRegistration
from tests.factories import ApiClient

BODY = {
    "title": "氢能技术路演",
    "areas": ["A01"],
    "starts_at": "2027-03-05T14:00:00+08:00",
    "ends_at": "2027-03-05T17:00:00+08:00",
    "registration_deadline": "2027-03-04T18:00:00+08:00",
    "venue": "厦门两岸股权交易中心",
    "capacity": 1,
}


def test_a_broker_creates_and_opens_a_roadshow_and_people_register(
    api: dict[str | None, ApiClient], areas: None, people: dict[str, User]
) -> None:
    created = api["broker"].post("/roadshows", BODY)
    assert created.status_code == 201, created.json
    item = created.json
    assert item["starts_at"] == "2027-03-05T14:00:00+08:00" and item["status"] == "planned"
    assert item["areas"] == ["A01"] and item["host"] is None
    path = f"/roadshows/{item['id']}"
    assert api[None].get(path).status_code == 404  # planned: staff only
    opened = api["broker"].patch(path, {"status": "open"})
    assert opened.status_code == 200 and opened.json["status"] == "open"
    assert api[None].get(path).json["title"] == "氢能技术路演"
    assert api[None].get("/roadshows").json["total"] == 1

    first = api["enterprise"].post(path + "/registrations")
    assert first.status_code == 201 and first.json["state"] == "registered"
    again = api["enterprise"].post(path + "/registrations")
    assert again.json["id"] == first.json["id"]
    assert api["other_enterprise"].post(path + "/registrations").json["state"] == "waitlisted"
    assert db.session.query(RoadshowRegistration).count() == 2
    assert api["enterprise"].get(path + "/registrations").status_code == 403
    listed = api["broker"].get(path + "/registrations").json
    assert [row["state"] for row in listed["items"]] == ["registered", "waitlisted"]
    assert api["enterprise"].delete(path + "/registrations/mine").status_code == 204
    listed = api["broker"].get(path + "/registrations").json
    assert [row["state"] for row in listed["items"]] == ["cancelled", "offered"]
    assert api["other_researcher"].post(path + "/registrations").json["state"] == "waitlisted"
    assert api["broker"].patch(path, {"capacity": 2}).status_code == 200
    listed = api["broker"].get(path + "/registrations").json
    assert [row["state"] for row in listed["items"]] == ["cancelled", "offered", "offered"]
    proposals = api["broker"].get(path + "/proposals")
    assert proposals.status_code == 200 and set(proposals.json) == {"technologies", "invitees"}
    assert api["enterprise"].get(path + "/proposals").status_code == 403


def test_non_brokers_and_bad_input_are_refused(
    api: dict[str | None, ApiClient], areas: None, people: dict[str, User]
) -> None:
    assert api[None].post("/roadshows", BODY).status_code == 401
    assert api["enterprise"].post("/roadshows", BODY).status_code == 403
    broker = api["broker"]
    bad_time = broker.post("/roadshows", {**BODY, "starts_at": "next Tuesday"})
    assert bad_time.status_code == 422 and "starts_at" in bad_time.json["error"]["fields"]
    backwards = broker.post("/roadshows", {**BODY, "ends_at": "2027-03-05T13:00:00+08:00"})
    assert backwards.status_code == 422 and "ends_at" in backwards.json["error"]["fields"]
    missing = broker.post("/roadshows", {"title": "缺字段"})
    assert set(missing.json["error"]["fields"]) >= {"areas", "starts_at", "capacity"}
    assert broker.post("/roadshows", {**BODY, "areas": "A01"}).status_code == 422
    assert broker.post("/roadshows", {**BODY, "capacity": "many"}).status_code == 422
    assert broker.post("/roadshows", {**BODY, "id": 5}).status_code == 422
    assert db.session.query(Roadshow).count() == 0
    item = broker.post("/roadshows", BODY).json
    path = f"/roadshows/{item['id']}"
    assert api["enterprise"].patch(path, {"status": "open"}).status_code == 404  # unseen
    broker.patch(path, {"status": "open"})
    assert api["enterprise"].patch(path, {"title": "x"}).status_code == 403
    assert broker.patch(path, {"status": "held"}).status_code == 409
    assert broker.patch(path, {"status": "done"}).status_code == 422
    assert api["broker"].post(path + "/registrations").status_code == 403  # no organization
    assert api[None].post(path + "/registrations").status_code == 401
    assert api["enterprise"].delete(path + "/registrations/mine").status_code == 422


def test_the_openapi_document_names_every_roadshow_route(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {
        "/roadshows",
        "/roadshows/{item_id}",
        "/roadshows/{item_id}/proposals",
        "/roadshows/{item_id}/registrations",
        "/roadshows/{item_id}/registrations/mine",
    } <= set(paths)
