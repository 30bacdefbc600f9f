"""In a real browser, a broker's roadshow from start to funnel: create it on a theme, take
proposed technologies and invitees, open registration; a waiting list that moves up; check-in
by typed code; a 1:1 meeting; feedback; the funnel's numbers."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal.accounts.models import Role
from portal.extensions import db
from portal.organizations.models import Organization
from portal.roadshows import proposals
from portal.taxonomy.models import TaxonomyArea
from tests.e2e.browsing import signed_in
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.e2e

FIRST_COMER = "first-comer@e2e.xm"
THEME = "A01"  # 能源绿色低碳转型: the plan action with the most demo technologies
MIN_SCORE = 0.5  # ROADSHOW_INVITE_MIN_SCORE


def flash_text(page: Any) -> str:
    return " ".join(page.locator(".alert").all_inner_texts())


def funnel_counts(page: Any) -> dict[str, int]:
    rows = page.locator("table tbody tr")
    return {
        rows.nth(i).locator("td").nth(0).inner_text(): int(
            rows.nth(i).locator("td").nth(1).inner_text()
        )
        for i in range(rows.count())
    }


def create_roadshow(broker: Any, base_url: str, day: date) -> str:
    """The broker's form; returns the roadshow's detail URL."""
    broker.goto(f"{base_url}/roadshows/new")
    broker.fill("input[name=title]", "浏览器测试储能专场路演")
    broker.select_option("select[name=areas]", THEME)
    broker.fill("input[name=starts_at]", f"{day.isoformat()}T14:00")
    broker.fill("input[name=ends_at]", f"{day.isoformat()}T17:00")
    deadline = day - timedelta(days=1)
    broker.fill("input[name=registration_deadline]", f"{deadline.isoformat()}T18:00")
    broker.fill("input[name=capacity]", "1")
    broker.fill("input[name=venue]", "厦门两岸股权交易中心路演厅")
    broker.click("input[name=submit]")
    assert "路演已创建" in flash_text(broker)
    roadshow_id = re.search(r"/roadshows/(\d+)/agenda", broker.url).group(1)
    return f"{base_url}/roadshows/{roadshow_id}"


def talk_with_invitee(live_app: Flask) -> tuple[str, int]:
    """A demo technology of 厦门大学 (the demo researcher's university) on the energy theme
    whose matches propose an organization to invite: its title and that organization."""
    with live_app.app_context():
        energy = db.session.scalar(select(TaxonomyArea.id).where(TaxonomyArea.code == THEME))
        for technology in proposals.propose_technologies([energy]):
            invitees = proposals.propose_invitees([technology.id], MIN_SCORE)
            if technology.organization == "厦门大学" and invitees:
                return technology.title, invitees[0].organization_id
    raise AssertionError("the demo data proposes no invitee for a 厦门大学 technology")


def test_broker_runs_a_roadshow_in_the_browser(
    browser: Any, base_url: str, live_app: Flask
) -> None:
    talk_title, invitee_org = talk_with_invitee(live_app)
    with live_app.app_context():  # the invited firm gets an account to receive the invitation
        make_user(FIRST_COMER, Role.ENTERPRISE, db.session.get(Organization, invitee_org))
    broker = signed_in(browser, base_url, "broker@demo.xm")
    roadshow = create_roadshow(broker, base_url, date.today() + timedelta(days=30))

    # Proposals: the technology onto the agenda, then every proposed invitee that has an
    # account (the others are listed without an invite button).
    broker.goto(f"{roadshow}/proposals")
    broker.locator("tr", has_text=talk_title).locator("button:has-text('加入议程')").click()
    assert "已加入议程" in flash_text(broker)
    assert broker.locator("tr", has_text=talk_title).locator(".badge").inner_text() == "已在议程"
    broker.click("button:has-text('全部邀请')")
    assert "已发送 1 份邀请" in flash_text(broker)
    assert FIRST_COMER in broker.locator("table tbody").inner_text()
    broker.goto(roadshow)
    broker.click("form:has(input[name=status][value=open]) button")
    assert "报名中" in flash_text(broker)

    # Capacity 1: the invitee accepts and takes the seat, the demo enterprise waits, then
    # moves up when the invitee cancels.
    first = signed_in(browser, base_url, FIRST_COMER, TEST_PASSWORD)
    first.goto(roadshow)
    first.click("button:has-text('接受邀请')")
    assert "感谢回复" in flash_text(first) and "已报名" in first.locator(".badge").all_inner_texts()
    enterprise = signed_in(browser, base_url, "enterprise@demo.xm")
    enterprise.goto(roadshow)
    enterprise.click("button:has-text('加入候补')")
    assert "候补名单" in flash_text(enterprise)
    first.click("button:has-text('取消报名')")
    assert "已取消报名" in flash_text(first)
    enterprise.goto(roadshow)
    enterprise.click("button:has-text('确认参加')")
    assert "名额为您保留" in flash_text(enterprise)

    # Check-in: the broker types the code shown on the enterprise's ticket.
    enterprise.click("a:has-text('入场凭证')")
    assert enterprise.locator("svg").count() >= 1
    code = enterprise.locator("code").inner_text()
    broker.goto(f"{roadshow}/check-in")
    broker.locator("input[name=code]").press_sequentially(code)
    broker.click("input[name=submit]")
    assert "签到成功：演示企业用户" in flash_text(broker)

    # 1:1 meeting: the broker sets the grid, the enterprise asks, the presenter accepts,
    # the broker books the first free slot and marks it held.
    broker.goto(f"{roadshow}/meetings")
    day = (date.today() + timedelta(days=30)).isoformat()
    broker.fill("input[name=meeting_minutes]", "15")
    broker.fill("input[name=meeting_tables]", "2")
    broker.fill("input[name=meetings_from]", f"{day}T16:00")
    broker.fill("input[name=meetings_until]", f"{day}T17:00")
    broker.click("input[name=submit][value='保存洽谈时段']")
    assert "alert-danger" not in broker.content()
    enterprise.goto(f"{roadshow}/meetings")
    enterprise.fill("textarea[name=message]", "想了解示范项目数据")
    enterprise.click("input[name=submit][value='预约洽谈']")
    assert "已发送洽谈预约" in flash_text(enterprise)
    presenter = signed_in(browser, base_url, "researcher@demo.xm")
    presenter.goto(f"{roadshow}/meetings")
    presenter.locator("tr", has_text="中航锂电").locator("button:has-text('接受洽谈')").click()
    assert "感谢回复" in flash_text(presenter)
    broker.goto(f"{roadshow}/meetings")
    broker.click("button:has-text('安排')")
    assert "已安排洽谈" in flash_text(broker)
    assert broker.locator("tr", has_text="中航锂电").locator("td").first.inner_text() == "16:00"
    broker.click("button:has-text('标记为已举行')")
    assert "已举行" in broker.locator("tr", has_text="中航锂电").inner_text()

    # Feedback: the attendee wants to negotiate.
    enterprise.goto(roadshow)
    enterprise.click("a:has-text('路演评价')")
    talk = enterprise.locator(".card", has_text=talk_title)
    talk.locator("select[name=interest]").select_option("negotiate")
    talk.locator("select[name=rating]").select_option("5")
    talk.locator("button:has-text('提交评价')").click()
    assert "感谢您的评价" in flash_text(enterprise)
    given = enterprise.locator(".card", has_text=talk_title).inner_text()
    assert "已评价：希望洽谈合作，5 分" in given

    # The funnel of this roadshow, reached from its page.
    broker.goto(roadshow)
    broker.click("main a:has-text('成效漏斗')")
    expected = {
        "受邀": 1,
        "报名": 1,
        "到场": 1,
        "洽谈举行": 1,
        "已联系": 1,
        "洽谈中": 0,
        "已签约": 0,
    }
    assert funnel_counts(broker) == expected
    # Filtered by its theme the numbers stay; by a period before it, nothing is left.
    broker.select_option("select[name=roadshow]", "")
    broker.select_option("select[name=area]", THEME)
    broker.click("button:has-text('筛选')")
    assert funnel_counts(broker) == expected
    broker.get_by_label("结束日期").fill(date.today().isoformat())
    broker.click("button:has-text('筛选')")
    assert set(funnel_counts(broker).values()) == {0}
    for page in (broker, first, enterprise, presenter):
        page.context.close()
