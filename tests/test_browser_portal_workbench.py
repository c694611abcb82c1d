"""In a real browser at phone width: a unit head opens the workbench, sees what waits for the
head first, opens the inbox from the menu's unread count, follows a notification to its duty
and marks the rest read (issue 11: role workbenches, notifications go nowhere)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from portal.tests.test_workbench import escalated_case
from tests.test_browser_case_journey import log_in
from zuofeng.duty.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_head_at_phone_width_workbench_then_inbox(browser_page: Any, district: Any) -> None:
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 780})
    case = escalated_case(district)
    for title, link in (
        ("办件超期升级至一把手", f"/staff/cases/{case.pk}/"),
        ("3 件办件红色预警", "/staff/cases/?level=red"),
    ):
        Notification.objects.create(
            unit=district.market,
            audience=Notification.Audience.UNIT_HEAD,
            title=title,
            link=link,
            created_at=timezone.now(),
        )
    log_in(page, "ahead")
    page.goto("/staff/")
    lead = page.locator(".workbench-lead").first
    assert "超期升级到我" in lead.inner_text()
    # Nothing on the workbench is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.locator(".navbar-burger").click()
    inbox_link = page.locator("a.inbox-link")
    assert inbox_link.locator(".inbox-badge").inner_text() == "2"
    inbox_link.click()
    page.get_by_role("link", name="办件超期升级至一把手").click()
    page.wait_for_url(f"**/staff/cases/{case.pk}/")

    page.goto("/inbox/")
    assert page.locator(".inbox-item.is-unread").count() == 1
    page.get_by_role("button", name="全部标为已读").click()
    page.wait_for_load_state()
    assert page.locator(".inbox-item.is-unread").count() == 0
    assert page.locator(".inbox-badge").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_every_role_s_menu_bar_fits_a_laptop_screen(browser_page: Any, district: Any) -> None:
    # A bar wider than 1280 px pushed 账户安全 and 退出 off a laptop's screen.
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    for username, start in (("olivia", "/staff/"), ("ahead", "/staff/"), ("ruth", "/")):
        page.context.clear_cookies()
        log_in(page, username)
        page.goto(start)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, username
        # 账户安全 and 退出 open from the user's name.
        page.locator(".navbar-end .has-dropdown").hover()
        page.get_by_role("button", name="退出").wait_for()
        assert page.get_by_role("link", name="账户安全").is_visible()
