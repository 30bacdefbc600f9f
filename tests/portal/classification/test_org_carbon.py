"""An organization's carbon type: classified from its items, overridden by brokers only (audited),
and the override kept when the organization is classified again."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.models import AuditLog
from portal.classification import service
from portal.domain_errors import ValidationFailed
from portal.extensions import db
from portal.organizations.models import CarbonType
from tests.factories import CARBON_SINK, SOLAR, AuthActions, org_of, publish_item


def _audit(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_type_follows_published_items_with_reasons(app: Flask, people: dict[str, User]) -> None:
    researcher, broker = people["researcher"], people["broker"]
    org = org_of(researcher)
    publish_item(researcher, broker, CARBON_SINK)
    publish_item(researcher, broker, {**CARBON_SINK, "title": "红树林碳汇造林"})

    result = service.classify_organization_carbon(org)

    assert result.carbon_type is CarbonType.NEGATIVE and result.changed
    assert org.carbon_type is CarbonType.NEGATIVE
    computed = org.carbon_type_basis["computed"]
    assert org.carbon_type_basis["method"] == "classifier"
    assert [item["carbon_type"] for item in computed["items"]] == ["negative", "negative"]
    assert any("碳汇" in reason for reason in computed["items"][0]["reasons"])
    assert 0 < computed["confidence"] <= 1 and computed["reasons"]
    # the change of type is audited, with no actor when the command line classified it
    [entry] = _audit("organization.carbon_classify")
    assert entry.actor_id is None and entry.after["carbon_type"] == "negative"


def test_organization_without_items_or_description_is_none(
    app: Flask, people: dict[str, User]
) -> None:
    org = org_of(people["enterprise"])
    result = service.classify_organization_carbon(org)
    assert result.carbon_type is CarbonType.NONE
    assert org.carbon_type_basis["computed"]["items"] == []


def test_unpublished_items_do_not_count(app: Flask, people: dict[str, User]) -> None:
    researcher = people["researcher"]
    publish_item(researcher, None, CARBON_SINK)  # a draft only
    result = service.classify_organization_carbon(org_of(researcher))
    assert result.carbon_type is CarbonType.NONE


def test_override_wins_is_audited_and_survives_reclassification(
    app: Flask, people: dict[str, User]
) -> None:
    researcher, broker = people["researcher"], people["broker"]
    org = org_of(researcher)
    publish_item(researcher, broker, SOLAR)
    service.classify_organization_carbon(org)
    assert org.carbon_type is CarbonType.ZERO

    service.override_carbon_type(org, "negative", "核查了其林业碳汇项目备案", broker)
    assert org.carbon_type is CarbonType.NEGATIVE
    [entry] = _audit("organization.carbon_override")
    assert entry.actor_id == broker.id
    assert entry.before["carbon_type"] == "zero" and entry.after["carbon_type"] == "negative"
    assert entry.after["override"]["reason"] == "核查了其林业碳汇项目备案"

    again = service.classify_organization_carbon(org, broker)
    assert again.overridden and not again.changed
    assert again.computed.carbon_type == "zero"
    assert org.carbon_type is CarbonType.NEGATIVE
    assert org.carbon_type_basis["computed"]["carbon_type"] == "zero"

    service.clear_carbon_override(org, broker)
    assert org.carbon_type is CarbonType.ZERO and org.carbon_type_basis["override"] is None
    assert len(_audit("organization.carbon_override_clear")) == 1


@pytest.mark.parametrize(
    ("carbon_type", "reason", "message"),
    [
        ("negative", "   ", "理由"),
        ("very-green", "理由充分", "请选择"),
        ("low", "长" * 501, "不超过"),
    ],
)
def test_override_refuses_bad_input(
    app: Flask, people: dict[str, User], carbon_type: str, reason: str, message: str
) -> None:
    org = org_of(people["enterprise"])
    with app.test_request_context(), pytest.raises(ValidationFailed) as refused:
        service.override_carbon_type(org, carbon_type, reason, people["broker"])
    assert message in " ".join(refused.value.fields.values())
    assert org.carbon_type is None and _audit("organization.carbon_override") == []


ROUTES = ["classify", "override", "override/clear"]


@pytest.mark.parametrize("role", ["researcher", "enterprise", "other_enterprise"])
def test_only_staff_may_classify_or_override(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User], role: str
) -> None:
    org = org_of(people["enterprise"])  # "enterprise" is a member: owners may not either
    auth.login(people[role].email)
    for route in ROUTES:
        response = client.post(
            f"/orgs/{org.id}/carbon/{route}", data={"carbon_type": "negative", "reason": "自评"}
        )
        assert response.status_code == 403, route
    assert "重新判定" not in client.get(f"/orgs/{org.id}").get_data(as_text=True)
    assert org.carbon_type is None and db.session.scalar(select(AuditLog)) is None


def test_anonymous_is_sent_to_log_in(
    app: Flask, client: FlaskClient, people: dict[str, User]
) -> None:
    org = org_of(people["enterprise"])
    for route in ROUTES:
        response = client.post(f"/orgs/{org.id}/carbon/{route}", data={"carbon_type": "low"})
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert org.carbon_type is None


@pytest.mark.parametrize("role", ["broker", "admin"])
def test_staff_classify_and_override_from_the_org_page(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User], role: str
) -> None:
    researcher, staff = people["researcher"], people[role]
    org = org_of(researcher)
    publish_item(researcher, people["broker"], SOLAR)
    auth.login(staff.email)

    page = client.get(f"/orgs/{org.id}").get_data(as_text=True)
    assert "重新判定" in page and "人工认定" in page

    response = client.post(f"/orgs/{org.id}/carbon/classify", follow_redirects=True)
    assert response.status_code == 200
    assert org.carbon_type is CarbonType.ZERO
    body = response.get_data(as_text=True)
    assert "自动判定" in body and SOLAR["title"] in body

    client.post(f"/orgs/{org.id}/carbon/override", data={"carbon_type": "low", "reason": "核查"})
    db.session.refresh(org)
    assert org.carbon_type is CarbonType.LOW
    [entry] = _audit("organization.carbon_override")
    assert entry.actor_id == staff.id

    empty_reason = client.post(
        f"/orgs/{org.id}/carbon/override",
        data={"carbon_type": "negative", "reason": ""},
        follow_redirects=True,
    )
    assert "请填写人工认定的理由" in empty_reason.get_data(as_text=True)
    db.session.refresh(org)
    assert org.carbon_type is CarbonType.LOW


def test_visitors_see_the_basis_but_no_actions(
    app: Flask, client: FlaskClient, people: dict[str, User]
) -> None:
    researcher, broker = people["researcher"], people["broker"]
    org = org_of(researcher)
    publish_item(researcher, broker, SOLAR)
    service.classify_organization_carbon(org)
    service.override_carbon_type(org, "zero", "<b>现场核查</b>", broker)
    body = client.get(f"/orgs/{org.id}").get_data(as_text=True)
    assert "零碳" in body and "判定依据" in body and "&lt;b&gt;现场核查&lt;/b&gt;" in body
    assert "重新判定" not in body and broker.email not in body


def test_forms_need_the_csrf_token(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    org = org_of(people["enterprise"])
    auth.login("broker@test.xm")
    app.config["WTF_CSRF_ENABLED"] = True
    for route in ROUTES:
        response = client.post(f"/orgs/{org.id}/carbon/{route}", data={"carbon_type": "low"})
        assert response.status_code == 400
    assert org.carbon_type is None


def test_classification_services_flush_and_leave_the_commit_to_the_caller(
    app: Flask, people: dict[str, User]
) -> None:
    researcher, broker = people["researcher"], people["broker"]
    publish_item(researcher, broker, CARBON_SINK)
    org = org_of(researcher)
    org_id = org.id

    service.classify_organization_carbon(org)
    assert org.carbon_type is CarbonType.NEGATIVE
    db.session.rollback()
    org = db.session.get(type(org), org_id)
    assert org.carbon_type is None and _audit("organization.carbon_classify") == []

    service.override_carbon_type(org, "zero", "核查了光伏电站备案", broker)
    db.session.rollback()
    org = db.session.get(type(org), org_id)
    assert org.carbon_type is None and _audit("organization.carbon_override") == []

    service.override_carbon_type(org, "zero", "核查了光伏电站备案", broker)
    db.session.commit()
    db.session.rollback()
    assert db.session.get(type(org), org_id).carbon_type is CarbonType.ZERO
    assert len(_audit("organization.carbon_override")) == 1


# Two product firms of the MIIT green-design list (seed_data/orgs/product_firms.json): their
# products' highlights are about recyclable materials, which must not make a PV or wind firm 低碳.
PV_MODULE = {
    "title": "DeepBlue3.0 双玻组件",
    "summary": "产品的综合可再生利用率≥90%，其中玻璃可再生利用率不小于98%，"
    "包装材料可回收利用率≥95%，晶硅组件项目平均综合能耗＜4万kWh/MW，薄膜光伏组件平均综合能耗＜50万kWh/M。",
    "keywords": ["光伏组件", "型号 JAM72D30-535/MB"],
}
WIND_TURBINE = {
    "title": "3MW型风力发电机组",
    "summary": "采用增速齿轮箱，多级同步发电机，全容量变流等设计，原材料可回收利用率≥86%，"
    "风能转化为机械能的传动效率≥46.6%，机组可利用率≥99%，产品碳足迹≤0.0387 kg/kW·h（CO 当量）2",
    "keywords": ["齿轮传动风力发电机组", "型号 3MW系列"],
}


@pytest.mark.parametrize("product", [PV_MODULE, WIND_TURBINE])
def test_solar_and_wind_product_firms_are_zero_carbon(
    app: Flask, people: dict[str, User], product: dict[str, object]
) -> None:
    researcher, broker = people["researcher"], people["broker"]
    org = org_of(researcher)
    org.description = "有产品列入工业和信息化部绿色设计产品名单（2021年度），地区：浙江。"
    publish_item(researcher, broker, product)
    publish_item(researcher, broker, {**product, "title": f"{product['title']}（双面）"})

    result = service.classify_organization_carbon(org)

    assert result.carbon_type is CarbonType.ZERO
    item = org.carbon_type_basis["computed"]["items"][0]
    assert item["carbon_type"] == "zero"
    assert any(reason.startswith("规则：名称命中零碳关键词") for reason in item["reasons"])
