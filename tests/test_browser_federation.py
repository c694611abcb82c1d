"""In a real browser, the city office's federation pages (the demo city of three districts) fit
a phone (360 px, no horizontal scroll) and a desktop (1280 px), and the office follows a
district from the ranking to its page."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.utils import timezone

from demo.federation import build_city
from federation.tests.helpers import fill_month
from tests.test_browser_case_journey import log_in
from zuofeng.periods import month_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_horizontal_scroll(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_city_office_follows_a_district_from_the_ranking_on_a_phone_and_a_desktop(
    browser_page: Any, live_server: Any, district: Any
) -> None:
    today = timezone.localdate()
    last = month_start(month_start(today) - dt.timedelta(days=1))
    fill_month(last)
    build_city(1, today, now=timezone.now(), months=2)
    page = browser_page
    shots = os.environ.get("ZUOFENG_SCREENSHOTS")
    log_in(page, "olivia")
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/staff/federation/?month={last:%Y-%m}")
        assert (
            page.get_by_role("heading", name="区县排名").is_visible()
            or "区县排名" in page.content()
        )
        assert no_horizontal_scroll(page), width
        if shots:
            page.screenshot(path=f"{shots}/federation_dashboard_{width}.png", full_page=True)
    page.get_by_role("link", name="演示·东湖区").first.click()
    page.wait_for_load_state()
    assert "区县得分" in page.content()
    assert no_horizontal_scroll(page)
    if shots:
        page.screenshot(path=f"{shots}/federation_district_360.png", full_page=True)
    page.goto("/staff/federation/directives/")
    assert "全市优化营商环境" in page.content()
    assert no_horizontal_scroll(page)
