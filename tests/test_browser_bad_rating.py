"""In a real browser, a bad rating from the signed SMS link to the published results: the
resident rates 非常不满意 → the unit sees the work order → verifies and rectifies (it may not
record the return visit itself) → the resident reads the result through the same link and
confirms it → the head approves → the public page shows the month's numbers."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from catalog.tests.factories import make_matter
from evaluations.links import rating_link
from evaluations.models import Rectification
from evaluations.tests.test_rating_channels import decided_case
from tests.test_browser_case_journey import log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bad_rating_is_rectified_approved_and_published(
    browser_page: Any, live_server: Any, district: Any, settings: Any
) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "RATING_MIN_SAMPLE": 1}
    case = decided_case(district.alice, make_matter(district.market, name="食品经营许可证核发"))

    # The resident opens the link from the SMS, no login.
    resident = browser_page
    resident.goto(rating_link(case.pk))
    resident.get_by_label("非常不满意").check()
    resident.get_by_label("服务态度").check()
    resident.get_by_role("textbox", name="评价内容（选填）").fill(
        "窗口人员态度生硬，材料要求说不清楚"
    )
    resident.get_by_role("button", name="提交评价").click()
    resident.get_by_text("感谢").first.wait_for()
    order = Rectification.objects.get()

    # The unit finds the work order on its queue and works it through.
    staff = new_page(resident, live_server.url)
    log_in(staff, "alice")
    staff.goto("/staff/rectifications/")
    staff.get_by_role("link", name=order.number).click()
    staff.get_by_label("核实情况").fill("经调阅录像，情况属实")
    staff.get_by_role("button", name="登记核实").click()
    staff.get_by_text("整改中").first.wait_for()
    staff.get_by_label("立行立改").check()
    staff.get_by_label("整改措施 / 解释说明").fill("已对窗口人员批评教育，并更新一次性告知清单")
    staff.get_by_role("button", name="登记", exact=True).click()
    staff.get_by_text("待督查室回访评价人").first.wait_for()
    assert staff.get_by_role("button", name="登记回访").count() == 0

    # The resident opens the same link again, reads the unit's measures and confirms them.
    resident.goto(rating_link(case.pk))
    resident.get_by_text("已对窗口人员批评教育").first.wait_for()
    resident.get_by_label("满意", exact=True).check()
    resident.get_by_role("textbox", name="补充意见（选填）").fill("态度改进了")
    resident.get_by_role("button", name="提交确认").click()
    resident.get_by_text("回访结果：满意").first.wait_for()
    staff.reload()
    staff.get_by_text("待一把手审核").first.wait_for()

    head = new_page(resident, live_server.url)
    log_in(head, "ahead")
    head.goto(f"/staff/rectifications/{order.pk}/")
    head.once("dialog", lambda dialog: dialog.accept())  # the confirmation before closing
    head.get_by_role("button", name="审核通过，办结").click()
    head.locator(".notification.is-success").wait_for()
    order.refresh_from_db()
    assert order.status == Rectification.Status.CLOSED and order.closed_on_time

    # The public page for the month shows the unit's rating and the on-time rectification.
    month = timezone.localtime(order.opened_at)
    public = new_page(resident, live_server.url)
    public.goto(f"/ratings/{month.year}/{month.month}/")
    row = public.get_by_role("row").filter(has_text=district.market.name)
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    assert cells[0] == "1"  # ratings
    assert cells[1] == "0.0%"  # satisfaction
    assert cells[3] == "1"  # bad reviews
    assert "100.0%" in cells[4]  # rectified on time
