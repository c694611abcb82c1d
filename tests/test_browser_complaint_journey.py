"""Issue 5, done when: an anonymous resident files a complaint about a named cadre's
attitude → triage sees the suggested category and confirms it → the unit answers without
seeing who complained → the resident follows up with the receipt and answers the callback.

Every step goes through the pages, in a real browser, each person in their own session.
"""

from __future__ import annotations

from typing import Any

import pytest

from complaints.models import Complaint
from conftest import District
from tests.test_browser_case_journey import log_in, new_page

TEXT = "市场监管局窗口的王科长态度非常恶劣，我问了三遍怎么填表，他都不耐烦，还说明天再来"
ANSWER = "经核实，王科长接待时态度生硬，已对其批评教育并当面致歉，窗口增设了填表引导员。"
CADRE = "王科长"


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_complaint_about_a_cadre_from_the_form_to_the_callback(
    browser_page: Any, live_server: Any, district: District
) -> None:
    resident = new_page(browser_page, live_server.url)
    resident.on("dialog", lambda dialog: dialog.accept())

    # 1. An anonymous resident files a complaint about a named cadre's attitude.
    resident.goto("/")
    resident.get_by_role("link", name="我要举报").first.click()
    resident.get_by_label("查找被举报单位").fill("市场")
    resident.get_by_label("被举报干部").fill(CADRE)
    resident.get_by_label("反映的问题").fill(TEXT)
    resident.get_by_role("button", name="提交举报").click()
    resident.get_by_role("heading", name="举报已提交").wait_for()
    number = resident.locator("#receipt-number").inner_text().strip()
    code = resident.locator("#receipt-code").inner_text().strip()
    complaint = Complaint.objects.get(number=number)
    assert complaint.subject_name == CADRE

    # 2. Triage sees the suggested category with the words behind it, and confirms it.
    office = browser_page
    office.on("dialog", lambda dialog: dialog.accept())
    log_in(office, "olivia")
    office.goto("/staff/complaints/triage/")
    office.locator("tr", has_text=number).get_by_role("link", name="更正", exact=True).click()
    office.get_by_role("heading", name=f"甄别分办 {number}").wait_for()
    suggestion = office.locator(".box", has_text="系统建议").inner_text()
    assert "服务意识差、效率低" in suggestion and "判断依据" in suggestion
    assert office.get_by_label("举报类别").locator("option:checked").inner_text() == (
        "服务意识差、效率低"
    )
    office.get_by_text(f"将分办至：{district.market.name}").wait_for()
    office.get_by_role("button", name="分办", exact=True).click()
    office.get_by_text("已分办至").first.wait_for()
    complaint.refresh_from_db()
    assert complaint.category_id == "service"
    assert complaint.handling_unit == district.market

    # 3. The unit finds it in its queue, responds and answers; nothing says who complained.
    unit = new_page(browser_page, live_server.url)
    unit.on("dialog", lambda dialog: dialog.accept())
    log_in(unit, "alice")
    unit.goto("/staff/complaints/")
    unit.get_by_role("link", name=number).click()
    unit.get_by_role("heading", name=f"举报 {number}").wait_for()
    assert "承办单位不能查看举报人身份" in unit.content()
    assert unit.get_by_role("link", name="查看举报人身份").count() == 0
    unit.get_by_label("响应说明（内部）").fill("已调取窗口录像，约谈当事人")
    unit.get_by_role("button", name="响应").click()
    unit.get_by_label("答复内容（举报人凭回执可见，勿写举报人个人信息）").fill(ANSWER)
    unit.get_by_role("button", name="提交答复").click()
    unit.get_by_text(ANSWER).first.wait_for()
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ANSWERED

    # 4. The resident follows up with the receipt, reads the answer, answers the callback.
    resident.goto("/complaints/follow/")
    resident.get_by_label("举报编号").fill(number)
    resident.get_by_label("查询码").fill(code)
    resident.get_by_role("button", name="查询").click()
    resident.get_by_role("heading", name="举报办理进度").wait_for()
    assert ANSWER in resident.content()
    assert "已调取窗口录像" not in resident.content()  # the unit's internal note stays inside
    resident.get_by_label("基本满意", exact=True).check()
    resident.get_by_role("button", name="提交评价").click()
    resident.get_by_text("回访结果已记录").wait_for()
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    assert complaint.callback == Complaint.Callback.BASIC
