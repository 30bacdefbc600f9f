"""In a real browser: a firm registers with its credit code, a broker verifies it."""

from __future__ import annotations

import pytest

from tests.e2e.browsing import log_in

pytestmark = pytest.mark.e2e


def test_register_then_broker_verifies(page, base_url: str) -> None:  # noqa: ANN001
    page.goto(f"{base_url}/auth/register")
    assert "注册" in page.title() or page.locator("h1").inner_text() == "注册"
    page.fill("input[name=email]", "buyer@xm-portal.cn")
    page.fill("input[name=name]", "王五")
    page.fill("input[name=password]", "a-long-password")
    page.fill("input[name=password_confirm]", "a-long-password")
    page.check("input[name=role][value=enterprise]")
    page.check("input[name=org_mode][value=create]")
    page.fill("input[name=org_name]", "厦门浏览器测试科技有限公司")
    page.select_option("select[name=org_kind]", "enterprise")
    page.fill("input[name=org_credit_code]", "91330100799655058B")
    page.click("input[name=submit]")
    assert "注册成功" in page.content()

    # Log-out sits in the account menu, under the user's name.
    page.click("nav .dropdown-toggle:has-text('王五')")
    page.click("button:has-text('退出')")
    log_in(page, base_url, "broker@demo.xm")
    page.goto(f"{base_url}/admin/verification")
    row = page.locator("tr", has_text="厦门浏览器测试科技有限公司")
    org_url = row.locator("a").get_attribute("href")
    row.locator("button:has-text('认证')").click()
    assert page.locator("tr", has_text="厦门浏览器测试科技有限公司").count() == 0
    page.goto(base_url + org_url)
    assert page.locator(".badge", has_text="已认证").count() == 1
