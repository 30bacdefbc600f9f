"""The top bar on a laptop (1,366 px) and a phone (390 px), for a visitor and a broker: no
sideways scrolling, one line on the laptop, roadshows and patent navigation in the bar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.browsing import log_in

pytestmark = pytest.mark.e2e

LAPTOP, PHONE = 1366, 390
PUBLIC_ENTRIES = ("路演", "专利导航")
# Top edges of the bar's items; on one line they differ by a few pixels only.
ITEM_TOPS = """() => [...document.querySelectorAll(
  'nav.navbar .navbar-brand, nav.navbar .nav-item, nav.navbar form[role=search]')]
  .filter(el => el.offsetParent !== null).map(el => el.getBoundingClientRect().top)"""
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def bar_link(page: Any, label: str) -> Any:
    return page.locator("nav.navbar a.nav-link", has_text=label).first


def check_bar(page: Any, width: int, shot: Path) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(page.url)
    page.screenshot(path=str(shot))
    assert page.evaluate(OVERFLOW) <= 0
    if width == PHONE:  # collapsed behind the menu button; opened, it still fits
        page.click("nav .navbar-toggler")
        page.locator("#nav.show").wait_for()
        page.screenshot(path=str(shot.with_name(shot.stem + "-open.png")))
        assert page.evaluate(OVERFLOW) <= 0
    else:
        tops = page.evaluate(ITEM_TOPS)
        assert max(tops) - min(tops) < 8, tops
        assert page.locator("nav.navbar").bounding_box()["height"] < 70
    for label in PUBLIC_ENTRIES:
        assert bar_link(page, label).is_visible()


def test_the_bar_fits_laptops_and_phones(browser: Any, base_url: str, tmp_path: Path) -> None:
    for who in ("visitor", "broker"):
        context = browser.new_context(locale="zh-CN", viewport={"width": LAPTOP, "height": 800})
        page = context.new_page()
        if who == "broker":
            log_in(page, base_url, "broker@demo.xm")
        page.goto(f"{base_url}/")
        for width in (LAPTOP, PHONE):
            check_bar(page, width, tmp_path / f"bar-{who}-{width}.png")
        bar_link(page, "路演").click()
        assert page.locator("h1", has_text="路演").count() == 1
        context.close()


def test_english_pages_do_not_scroll_sideways(browser: Any, base_url: str) -> None:
    """English labels are longer: the bar may take a second row, but nothing runs past the
    window, on the bar or on the catalogue's cards and page links."""
    context = browser.new_context(locale="en-US", viewport={"width": LAPTOP, "height": 800})
    page = context.new_page()
    for path in ("/", "/catalogue/"):
        for width in (LAPTOP, PHONE):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(f"{base_url}{path}")
            assert page.locator("nav.navbar a.nav-link", has_text="Roadshows").count() == 1
            assert page.evaluate(OVERFLOW) <= 0, (path, width)
    context.close()
