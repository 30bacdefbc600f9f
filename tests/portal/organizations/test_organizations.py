"""Organization pages: editing by members only, verification by staff, audited."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.models import AuditLog
from portal.extensions import db
from tests.factories import AuthActions

VALID_CODE = "914403001922038216"


def test_member_edits_own_organization(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login("enterprise@test.xm")
    org = people["enterprise"].organization
    response = client.post(
        f"/orgs/{org.id}/edit",
        data={"credit_code": VALID_CODE, "district": "海沧区", "description": "<b>储能</b>"},
    )
    assert response.status_code == 302
    assert org.credit_code == VALID_CODE and org.district == "海沧区"
    page = client.get(f"/orgs/{org.id}").get_data(as_text=True)
    assert "&lt;b&gt;储能&lt;/b&gt;" in page


def test_invalid_credit_code_is_refused_with_reason(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login("enterprise@test.xm")
    org = people["enterprise"].organization
    response = client.post(f"/orgs/{org.id}/edit", data={"credit_code": "914403001922038217"})
    assert response.status_code == 400
    assert "校验位不正确" in response.get_data(as_text=True)
    assert org.credit_code is None


def test_nobody_edits_another_organization(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    other = people["other_enterprise"].organization
    assert client.get(f"/orgs/{other.id}/edit").status_code == 302  # anonymous -> log in
    for email in ("enterprise@test.xm", "broker@test.xm"):
        auth.login(email)
        response = client.post(f"/orgs/{other.id}/edit", data={"description": "hijacked"})
        assert response.status_code == 403
        auth.logout()
    assert other.description == ""


def test_broker_verifies_and_it_is_audited(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    org = people["enterprise"].organization
    auth.login("broker@test.xm")
    assert "厦门示例新能源有限公司" in client.get("/admin/verification").get_data(as_text=True)
    assert client.post(f"/orgs/{org.id}/verify", data={"verified": "1"}).status_code == 302
    assert org.verified
    entry = db.session.scalar(select(AuditLog))
    assert entry.action == "organization.verify" and entry.actor_id == people["broker"].id
    assert entry.before == {"verified": False} and entry.after == {"verified": True}
    assert "organization.verify" in client.get("/admin/audit").get_data(as_text=True)


def test_non_staff_cannot_verify(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    org = people["enterprise"].organization
    auth.login("enterprise@test.xm")
    assert client.post(f"/orgs/{org.id}/verify", data={"verified": "1"}).status_code == 403
    assert client.get("/admin/verification").status_code == 403
    assert client.get("/admin/audit").status_code == 403
    assert not org.verified


def test_only_admin_manages_users(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login("broker@test.xm")
    assert client.get("/admin/users").status_code == 403
    auth.logout()
    auth.login("admin@test.xm")
    assert "broker@test.xm" in client.get("/admin/users").get_data(as_text=True)


def test_directory_filters_and_bad_filter_values(client: FlaskClient, people: dict) -> None:
    page = client.get("/orgs/?kind=enterprise").get_data(as_text=True)
    assert "厦门示例新能源有限公司" in page and "厦门大学" not in page
    assert client.get("/orgs/?kind=spaceship").status_code == 400
    assert client.get("/orgs/?district=<script>").status_code == 400
    assert client.get("/orgs/?page=999").status_code == 200


def test_missing_organization_is_404_in_chinese(client: FlaskClient) -> None:
    response = client.get("/orgs/424242")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)
