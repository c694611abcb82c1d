"""Issue 14, done when (problems and forums): the office records a forum and raises a problem
at it, which becomes a duty of the market regulator; the unit reports it solved; the office's
callback to the raiser closes it; and the raiser follows it with the receipt code on a phone
(360 px), never seeing anyone's contact. The unit's pages never show the raiser's phone.

Each person in their own session, every step through the pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import District
from problems.models import Problem
from tests.test_browser_case_journey import log_in, new_page

PHONE = "13900005555"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_forum_problem_solved_by_the_unit_closed_by_the_callback_followed_on_a_phone(
    browser_page: Any, live_server: Any, district: District
) -> None:
    office = browser_page
    log_in(office, "olivia")

    # 1. The office records a forum: who came (kinds and numbers), the minutes.
    office.goto("/staff/forums/")
    office.get_by_text("还没有登记座谈会").wait_for()
    office.get_by_role("link", name="登记座谈会").first.click()
    office.get_by_label("座谈会主题").fill("石桥社区群众座谈会")
    held = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    office.get_by_label("召开日期").fill(held)
    office.get_by_label("地点").fill("石桥社区党群服务中心")
    office.get_by_label("组织单位").select_option(label=district.town.name)
    office.get_by_label("会议纪要").fill("群众代表反映农贸市场周边秩序等问题，督查室逐条交办。")
    office.get_by_role("button", name="保存").click()
    # Nobody counted: the form says what is missing, in Chinese, and keeps what was typed.
    office.get_by_text("请至少填写一类参会人员的人数").wait_for()
    office.get_by_label("群众代表人数").fill("12")
    office.get_by_label("企业代表人数").fill("5")
    office.get_by_role("button", name="保存").click()
    office.get_by_text("座谈会已登记").wait_for()

    # 2. A problem raised there, given to the market regulator with the raiser's phone.
    office.get_by_role("textbox", name="问题", exact=True).fill("农贸市场门口早高峰占道经营")
    office.get_by_label("具体情况").fill("每天早上七点到九点商贩占道，车辆无法通行，反映多次无人管")
    office.get_by_label("责任单位").select_option(label=district.market.name)
    office.get_by_label("反映人姓名").fill("测试居民")
    office.get_by_label("反映人电话").fill(PHONE)
    office.get_by_role("button", name="交办").click()
    office.get_by_text("问题办理回执").wait_for()
    code = office.locator(".receipt-code").inner_text().strip()
    problem = Problem.objects.get()
    assert problem.unit == district.market and problem.clock_running and len(code) == 14

    # 3. The unit sees it in its list (not the phone) and reports what it did.
    unit = new_page(browser_page, live_server.url)
    log_in(unit, "alice")
    unit.goto("/staff/problems/")
    unit.get_by_role("link", name="农贸市场门口早高峰占道经营").click()
    assert PHONE not in unit.content() and "测试居民" not in unit.content()
    unit.get_by_role("button", name="提交办理情况").click()
    unit.get_by_text("请填写办理情况").wait_for()
    unit.get_by_label("办理情况").fill("已设置早市临时疏导点，执法队员每天早高峰值守")
    unit.get_by_role("button", name="提交办理情况").click()
    unit.get_by_text("已报告办理情况，等待督查室回访").wait_for()
    assert PHONE not in unit.content()
    # The unit cannot record the callback on its own work.
    assert unit.get_by_role("button", name="记录回访结果").count() == 0

    # 4. The office reads the contact (audited), calls back, and the problem closes.
    office.goto(f"/staff/problems/{problem.pk}/")
    office.get_by_role("button", name="查看反映人联系方式").click()
    office.get_by_text(PHONE).wait_for()
    office.get_by_label("满意", exact=True).check()
    office.get_by_label("回访说明").fill("反映人表示早高峰已经通畅")
    office.get_by_role("button", name="记录回访结果").click()
    office.get_by_text("回访满意，已办结").wait_for()
    problem.refresh_from_db()
    assert problem.status == Problem.Status.CLOSED and problem.solved_on_time

    # 5. The raiser follows it on a phone with the receipt code.
    phone = new_page(browser_page, live_server.url)
    phone.set_viewport_size({"width": 360, "height": 740})
    phone.goto("/problems/follow/")
    phone.get_by_label("查询码").fill("WRONG-CODE-000")
    phone.get_by_role("button", name="查询").click()
    phone.get_by_text("未找到该问题，请核对查询码").wait_for()
    phone.get_by_label("查询码").fill(code.lower())
    phone.get_by_role("button", name="查询").click()
    phone.get_by_text("农贸市场门口早高峰占道经营").wait_for()
    phone.get_by_text("已解决", exact=True).first.wait_for()
    body = phone.content()
    assert "已设置早市临时疏导点" in body and PHONE not in body and "测试居民" not in body
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
