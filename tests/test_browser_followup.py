"""In a real browser, an escalation that leads somewhere: the office finds an overdue case on
its list, urges it, issues a numbered 督办 notice with its own deadline (each after a
confirmation step), the unit answers from its phone-sized list, and the office closes it."""

from __future__ import annotations

from typing import Any

import pytest

from followup.models import FollowUp
from followup.tests.conftest import accepted_case, at
from tests.test_browser_case_journey import log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_urges_and_notices_an_overdue_case_unit_answers_office_closes(
    browser_page: Any, live_server: Any, district: Any
) -> None:
    case = accepted_case(district, at(2026, 11, 2))

    office = browser_page
    log_in(office, "olivia")
    office.goto("/staff/followup/overdue/")
    row = office.get_by_role("row").filter(has_text=case.number)
    row.get_by_role("link", name="催办").click()
    office.get_by_label("催办意见").fill("该件已超期，请本周内办结")
    office.get_by_role("button", name="下一步：确认").click()
    office.get_by_role("button", name="确认催办").click()
    office.locator(".notification.is-success").wait_for()

    office.goto("/staff/followup/overdue/")
    row = office.get_by_role("row").filter(has_text=case.number)
    assert "催办 1 次" in row.inner_text()
    row.get_by_role("link", name="督办").click()
    office.get_by_role("button", name="下一步：确认").click()  # empty: refused in Chinese
    office.get_by_text("必须填写督办要求").wait_for()
    office.get_by_label("督办要求").fill("请说明超期原因，限期办结并书面办复")
    office.get_by_label("办复时限（工作日）").fill("3")
    office.get_by_role("button", name="下一步：确认").click()
    office.get_by_role("button", name="确认督办").click()
    sheet = office.get_by_role("article", name="督办通知书")
    sheet.wait_for()
    notice = FollowUp.objects.get(kind=FollowUp.Kind.NOTICE)
    assert notice.number in sheet.inner_text()
    assert district.market.name in sheet.inner_text()

    unit = new_page(office, live_server.url)
    unit.set_viewport_size({"width": 360, "height": 740})
    log_in(unit, "alice")
    unit.goto("/staff/followup/")
    unit.get_by_text(notice.number).wait_for()
    assert unit.evaluate("document.documentElement.scrollWidth") <= 360
    unit.get_by_label("办复情况").fill("已于当日办结，超期系材料流转延误，已整改")
    unit.get_by_role("button", name="提交办复").click()
    unit.locator(".notification.is-success").wait_for()

    office.reload()
    office.get_by_role("button", name="办结", exact=True).click()
    office.locator(".notification.is-success").wait_for()
    notice.refresh_from_db()
    assert notice.status == FollowUp.Status.CLOSED
    assert office.get_by_text("已办结").first.is_visible()
