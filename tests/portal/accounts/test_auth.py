"""Registration, log-in, throttling, password reset, profile and locale."""

from __future__ import annotations

import logging
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.organizations.models import JoinRequest, JoinState, Organization, OrgKind
from tests.factories import TEST_PASSWORD, AuthActions, make_org

VALID_CODE = "91330100799655058B"


def register(client: FlaskClient, **overrides: object):  # noqa: ANN201 - test response
    data = {
        "email": "new@xm-portal.cn",
        "name": "张三",
        "password": "a-long-password",
        "password_confirm": "a-long-password",
        "role": "researcher",
        "org_mode": "join",
        "organization_id": "0",
        "org_kind": "university",
        "org_district": "",
    }
    data.update({key: str(value) for key, value in overrides.items()})
    return client.post("/auth/register", data=data)


def test_register_joining_an_organization_asks_to_join(app: Flask, client: FlaskClient) -> None:
    xmu = make_org("厦门大学", OrgKind.UNIVERSITY)
    response = register(client, organization_id=xmu.id)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new@xm-portal.cn"))
    # Not a member until the organization approves; the request waits in the meantime.
    assert user.role == Role.RESEARCHER and user.organization_id is None
    request = db.session.scalar(select(JoinRequest))
    assert (request.user_id, request.organization_id) == (user.id, xmu.id)
    assert request.state == JoinState.PENDING and not user.email_verified
    assert user.password_hash != "a-long-password"
    assert client.get("/auth/profile").status_code == 200


def test_register_creating_an_enterprise_with_credit_code(client: FlaskClient) -> None:
    response = register(
        client,
        role="enterprise",
        org_mode="create",
        org_name="厦门新公司有限公司",
        org_kind="enterprise",
        org_credit_code=VALID_CODE.lower(),
        org_district="湖里区",
    )
    assert response.status_code == 302
    org = db.session.scalar(select(Organization).where(Organization.name == "厦门新公司有限公司"))
    assert org.credit_code == VALID_CODE and not org.verified and org.district == "湖里区"


def test_register_refuses_corrupted_credit_code(client: FlaskClient) -> None:
    response = register(
        client,
        role="enterprise",
        org_mode="create",
        org_name="厦门新公司有限公司",
        org_kind="enterprise",
        org_credit_code=VALID_CODE[:-1] + "C",
    )
    assert response.status_code == 400
    assert "校验位不正确" in response.get_data(as_text=True)
    assert db.session.scalar(select(Organization)) is None


def test_register_refuses_role_and_organization_mismatch(client: FlaskClient) -> None:
    firm = make_org("厦门某企业", OrgKind.ENTERPRISE)
    response = register(client, role="researcher", organization_id=firm.id)
    assert response.status_code == 400
    assert "请选择与账户角色相符的机构" in response.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None


def test_register_cannot_choose_a_staff_role(client: FlaskClient) -> None:
    xmu = make_org("厦门大学")
    response = register(client, role="broker", organization_id=xmu.id)
    assert response.status_code == 400
    assert db.session.scalar(select(User)) is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "邮箱格式不正确"),
        ("email", "", "请填写邮箱"),
        ("password", "short", "密码长度应为 8 至 128 位"),
        ("name", "x" * 81, "姓名不超过 80 字"),
    ],
)
def test_register_field_errors(client: FlaskClient, field: str, value: str, message: str) -> None:
    make_org("厦门大学")
    overrides = {field: value}
    if field == "password":
        overrides["password_confirm"] = value
    response = register(client, organization_id=1, **overrides)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_register_duplicate_email(client: FlaskClient, people: dict[str, User]) -> None:
    response = register(client, email="RESEARCHER@test.xm", organization_id=1)
    assert response.status_code == 400
    assert "该邮箱已注册" in response.get_data(as_text=True)


def test_html_in_name_is_escaped(client: FlaskClient) -> None:
    make_org("厦门大学")
    register(client, organization_id=1, name="<script>alert(1)</script>")
    page = client.get("/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_oversized_body_is_refused(client: FlaskClient) -> None:
    response = register(client, name="长" * (1024 * 1024))
    assert response.status_code == 413
    assert "提交的内容过大" in response.get_data(as_text=True)


def test_login_and_logout(client: FlaskClient, auth: AuthActions, people: dict[str, User]) -> None:
    assert auth.login("researcher@test.xm").status_code == 302
    assert client.get("/auth/profile").status_code == 200
    auth.logout()
    assert client.get("/auth/profile").status_code == 302


def test_wrong_password_and_unknown_email_look_the_same(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    wrong = auth.login("researcher@test.xm", "wrong-password").get_data(as_text=True)
    unknown = auth.login("nobody@test.xm", "wrong-password").get_data(as_text=True)
    assert "邮箱或密码不正确" in wrong and "邮箱或密码不正确" in unknown


def test_repeated_log_in_attempts_on_one_account_are_rate_limited(
    app: Flask, auth: AuthActions, people: dict[str, User]
) -> None:
    for _ in range(5):
        assert auth.login("researcher@test.xm", "wrong-password").status_code == 400
    response = auth.login("researcher@test.xm")  # the right password, but too soon
    assert response.status_code == 429
    assert "请求过于频繁" in response.get_data(as_text=True)
    assert "Retry-After" in response.headers
    # The limit is the account's: another account logs in from the same address.
    assert auth.login("enterprise@test.xm").status_code == 302


def test_log_in_attempts_from_one_address_are_rate_limited(
    app: Flask, client: FlaskClient, people: dict[str, User]
) -> None:
    app.config["RATE_LIMITS"] = {**app.config["RATE_LIMITS"], "LOGIN_PER_ADDRESS": "3 per minute"}
    answers = [
        client.post("/auth/login", data={"email": f"nobody{i}@test.xm", "password": "x"})
        for i in range(4)
    ]
    assert [answer.status_code for answer in answers] == [400, 400, 400, 429]


def test_login_refuses_off_site_next(auth: AuthActions, client: FlaskClient, people: dict) -> None:
    response = client.post(
        "/auth/login?next=https://evil.example/",
        data={"email": "researcher@test.xm", "password": TEST_PASSWORD},
    )
    assert response.status_code == 302 and "evil.example" not in response.headers["Location"]


def test_password_reset_by_mailed_token(
    client: FlaskClient,
    auth: AuthActions,
    people: dict[str, User],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="portal.mail"):
        response = client.post("/auth/reset", data={"email": "researcher@test.xm"})
    assert response.status_code == 302
    link = re.search(r"http://localhost(/auth/reset/\S+)", caplog.text).group(1)
    response = client.post(
        link, data={"password": "brand-new-secret", "password_confirm": "brand-new-secret"}
    )
    assert response.status_code == 302
    assert auth.login("researcher@test.xm", "brand-new-secret").status_code == 302
    auth.logout()
    # The token is single-use: the password it was made for is gone.
    assert client.get(link).status_code == 302
    assert "重置链接无效或已使用" in client.get("/auth/reset").get_data(as_text=True)


def test_reset_for_unknown_email_sends_nothing(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="portal.mail"):
        response = client.post("/auth/reset", data={"email": "nobody@test.xm"})
    assert response.status_code == 302
    assert "reset" not in caplog.text


def test_tampered_reset_token(client: FlaskClient) -> None:
    response = client.get("/auth/reset/not-a-real-token", follow_redirects=True)
    assert "重置链接无效" in response.get_data(as_text=True)


def test_profile_update_and_english_locale(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login("researcher@test.xm")
    response = client.post("/auth/profile", data={"name": "李四", "phone": "", "locale": "en"})
    assert response.status_code == 302
    assert people["researcher"].name == "李四" and people["researcher"].locale == "en"
    page = client.get("/auth/profile").get_data(as_text=True)
    assert "Profile" in page


def test_locale_switch_for_visitors(client: FlaskClient) -> None:
    assert "技术领域" in client.get("/").get_data(as_text=True)
    client.post("/auth/locale/en", data={"next": "/"})
    assert "Technology areas" in client.get("/").get_data(as_text=True)
    assert client.post("/auth/locale/fr").status_code == 400


def test_forms_need_a_csrf_token(app: Flask, client: FlaskClient, people: dict) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/auth/login", data={"email": "researcher@test.xm", "password": "x"})
    assert response.status_code == 400
    assert "安全令牌" in response.get_data(as_text=True)


def test_only_a_signed_in_users_locale_switch_needs_a_csrf_token(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict
) -> None:
    """A visitor's switch changes only their session (so visitors' pages carry no token and
    can be cached); a signed-in user's is stored on the account, so it is checked."""
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/auth/locale/en", data={"next": "/"}).status_code == 302
    app.config["WTF_CSRF_ENABLED"] = False
    auth.login("researcher@test.xm")
    app.config["WTF_CSRF_ENABLED"] = True
    refused = client.post("/auth/locale/en", data={"next": "/"})
    assert refused.status_code == 400 and people["researcher"].locale != "en"


def test_session_cookie_flags(client: FlaskClient, auth: AuthActions, people: dict) -> None:
    response = auth.login("researcher@test.xm")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
