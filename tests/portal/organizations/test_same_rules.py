"""The organization rules are one service's: the edit page, the API, registration and the
importer refuse the same things (and store nothing when they do)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.domain_errors import Conflict, ValidationFailed
from portal.extensions import db
from portal.organizations import service
from portal.organizations.models import OrgKind
from tests.factories import ApiClient, AuthActions, make_org

VALID_CODE = "9144030071526726XG"
SAME_CODE_OTHER_FORM = "９１４４０３００７１５２６７２６ｘｇ"  # full-width, lower case
HOSTILE_WEBSITE = "javascript:alert(1)"


def test_service_refuses_with_the_field_or_the_clash(app: Flask, people: dict[str, User]) -> None:
    make_org("已有代码的机构", OrgKind.ENTERPRISE, credit_code=VALID_CODE)
    org = people["enterprise"].organization
    with pytest.raises(ValidationFailed) as bad_site:
        service.update_organization(org, service.OrganizationDetails(website=HOSTILE_WEBSITE))
    assert set(bad_site.value.fields) == {"website"}
    with pytest.raises(ValidationFailed) as bad_district:
        service.update_organization(org, service.OrganizationDetails(district="福州市鼓楼区"))
    assert set(bad_district.value.fields) == {"district"}
    with pytest.raises(Conflict):
        service.update_organization(
            org, service.OrganizationDetails(credit_code=SAME_CODE_OTHER_FORM)
        )
    with pytest.raises(Conflict):
        service.create_organization(people["admin"], name=" 厦门大学 ", kind=OrgKind.UNIVERSITY)
    db.session.rollback()
    assert org.website is None and org.credit_code is None


def test_edit_page_and_api_refuse_the_same_website_and_code(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    api: dict[str | None, ApiClient],
    people: dict[str, User],
) -> None:
    make_org("已有代码的机构", OrgKind.ENTERPRISE, credit_code=VALID_CODE)
    org = people["enterprise"].organization
    auth.login("enterprise@test.xm")
    page = client.post(f"/orgs/{org.id}/edit", data={"website": HOSTILE_WEBSITE, "district": ""})
    assert page.status_code == 400
    assert "http:// 或 https://" in page.get_data(as_text=True) or "网址格式不正确" in (
        page.get_data(as_text=True)
    )
    path = f"/organizations/{org.id}"
    answer = api["enterprise"].patch(path, {"website": HOSTILE_WEBSITE})
    assert answer.status_code == 422
    assert answer.json["error"]["fields"]["website"] == "网址应以 http:// 或 https:// 开头"

    page = client.post(
        f"/orgs/{org.id}/edit", data={"credit_code": SAME_CODE_OTHER_FORM, "district": ""}
    )
    assert page.status_code == 400
    assert "该统一社会信用代码已被其他机构使用" in page.get_data(as_text=True)
    answer = api["enterprise"].patch(path, {"credit_code": SAME_CODE_OTHER_FORM})
    assert answer.status_code == 409
    assert answer.json["error"]["message"] == "该统一社会信用代码已被其他机构使用"
    db.session.refresh(org)
    assert org.website is None and org.credit_code is None


def test_registration_and_api_refuse_a_taken_credit_code_in_another_form(
    app: Flask, client: FlaskClient, api: dict[str | None, ApiClient], people: dict[str, User]
) -> None:
    make_org("已有代码的机构", OrgKind.ENTERPRISE, credit_code=VALID_CODE)
    page = client.post(
        "/auth/register",
        data={
            "email": "newcomer@test.xm",
            "name": "新人",
            "password": "correct-horse-42",
            "password_confirm": "correct-horse-42",
            "role": "enterprise",
            "org_mode": "create",
            "org_name": "新机构乙",
            "org_kind": "enterprise",
            "org_credit_code": SAME_CODE_OTHER_FORM,
            "org_district": "",
            "organization_id": "0",
        },
    )
    assert page.status_code == 400
    assert "该统一社会信用代码已被其他机构使用" in page.get_data(as_text=True)
    created = api["broker"].post(
        "/organizations",
        {"name": "新机构甲", "kind": "enterprise", "credit_code": SAME_CODE_OTHER_FORM},
    )
    assert created.status_code == 409
    assert service.organization_by_name("新机构甲") is None
    assert service.organization_by_name("新机构乙") is None
