"""Issue 12, done when: a directive from the office down to a leaf, the unit's report returned
once then accepted, a yellow card, a 督办 notice from the task's page, 销号 by a second person
with the residents' callback, and the reopening by new complaints.

Every step a person takes goes through the pages, each person in their own session; the
sweep steps and the new complaints are run as the scheduler and the public would.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from complaints.intake.actions import file_complaint
from conftest import District
from followup.models import FollowUp
from supervision.cards import sweep_cards
from supervision.models import Report, Task
from supervision.reopening import sweep_reopen
from supervision.tests.factories import BLANK_PDF
from tests.test_browser_case_journey import log_in, new_page

PROBLEM = "幸福小区化粪池满溢，污水流到小区门口道路上，气味很大，居民出行困难"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_directive_down_to_a_leaf_reported_carded_closed_and_reopened(
    browser_page: Any, live_server: Any, district: District
) -> None:
    deadline = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    office = browser_page
    log_in(office, "olivia")

    # 1. The office records a directive and breaks it into a task and a leaf.
    office.goto("/staff/supervision/")
    office.get_by_role("link", name="录入决策部署").click()
    office.get_by_label("决策部署名称").fill("幸福小区环境整治")
    office.get_by_label("来源（会议或文号）").fill("区政府第40次常务会议")
    office.get_by_label("日期", exact=False).first.fill(timezone.localdate().isoformat())
    office.get_by_label("牵头领导").fill("王副区长")
    office.get_by_label("内容摘要").fill("两个月内解决幸福小区污水外溢问题。")
    office.get_by_role("button", name="保存").click()
    office.get_by_role("link", name="添加一级任务").click()
    office.get_by_label("任务名称").fill("污水治理")
    office.get_by_label("牵头单位").select_option(label=district.market.name)
    office.get_by_label("完成时限").fill(deadline)
    office.get_by_label("权重").fill("100")
    office.get_by_role("button", name="添加").click()
    office.get_by_role("link", name="分解").click()
    office.get_by_label("任务名称").fill("化粪池清掏扩容")
    office.get_by_label("牵头单位").select_option(label=district.market.name)
    office.get_by_label("完成时限").fill(deadline)
    office.get_by_label("权重").fill("100")
    office.get_by_label("涉及群众切身利益").check()
    office.get_by_label("问题描述").fill(PROBLEM)
    office.get_by_role("button", name="添加").click()
    office.get_by_role("button", name="下达").click()
    office.get_by_text("已下达").first.wait_for()
    leaf = Task.objects.get(title="化粪池清掏扩容")
    assert leaf.clock_started_at is not None

    # 2. The unit reports "done" without anything concrete; the office returns it.
    unit = new_page(browser_page, live_server.url)
    log_in(unit, "alice")
    unit.goto("/staff/supervision/mine/")
    unit.get_by_role("link", name="化粪池清掏扩容").click()
    unit.get_by_role("link", name="报送进展").click()
    unit.get_by_label("进展情况").fill("已完成。我单位高度重视，扎实推进，取得明显成效。")
    unit.get_by_label("当前状态").select_option(label="已完成")
    unit.get_by_role("button", name="报送").click()
    unit.get_by_text("进展已报送").wait_for()
    office.goto(f"/staff/supervision/tasks/{leaf.pk}/")
    office.get_by_label("退回原因").fill("没有清掏记录和验收材料")
    office.get_by_role("button", name="退回").click()
    office.get_by_text("已退回").first.wait_for()

    # 3. The sweep gives the task a yellow card, kept in its history.
    sweep_cards(timezone.now())
    office.reload()
    assert office.locator("h1 .tag", has_text="黄牌").count() == 1
    assert "进展报送被退回" in office.locator("#card-history").inner_text()

    # 3b. The office issues a 督办 notice from the task's own page; the unit reads it there.
    office.locator(".followup-panel").get_by_role("link", name="督办", exact=True).click()
    office.get_by_label("督办要求").fill("请补齐清掏记录和验收材料，三个工作日内书面办复")
    office.get_by_label("办复时限（工作日）").fill("3")
    office.get_by_role("button", name="下一步：确认").click()
    office.get_by_role("button", name="确认督办").click()
    office.get_by_role("article", name="督办通知书").wait_for()
    notice = FollowUp.objects.get(kind=FollowUp.Kind.NOTICE, object_id=str(leaf.pk))
    unit.reload()
    assert notice.number in unit.locator(".followup-panel").inner_text()
    office.goto(f"/staff/supervision/tasks/{leaf.pk}/")

    # 4. The unit reports again with facts; the office accepts; the tree shows 100 %.
    unit.get_by_role("link", name="报送进展").click()
    unit.get_by_label("进展情况").fill("12月2日清掏化粪池2座，新建溢流管38米，12月3日验收合格。")
    unit.get_by_label("当前状态").select_option(label="已完成")
    unit.get_by_role("button", name="报送").click()
    unit.get_by_text("进展已报送").wait_for()
    office.reload()
    office.get_by_role("button", name="采纳").click()
    office.get_by_text("已采纳").first.wait_for()
    office.goto(f"/staff/supervision/{leaf.directive_id}/")
    assert "100.0%" in office.locator("#tree").inner_text()
    assert Report.objects.filter(task=leaf, status=Report.Status.ACCEPTED).count() == 1

    # 5. 销号: the unit asks with evidence; a second person closes with the callback.
    unit.get_by_role("link", name="申请销号").click()
    unit.get_by_label("销号依据").fill("化粪池已清掏扩容，溢流管接入市政管网")
    unit.get_by_label("佐证材料").set_input_files(
        {"name": "验收单.pdf", "mimeType": "application/pdf", "buffer": BLANK_PDF}
    )
    unit.get_by_role("button", name="提交销号申请").click()
    unit.get_by_text("已申请销号").first.wait_for()
    office.goto(f"/staff/supervision/tasks/{leaf.pk}/")
    office.get_by_role("button", name="审核通过，销号").click()
    assert "群众回访情况" in office.locator(".notification.is-danger").inner_text()
    office.get_by_label("群众回访情况").fill("回访居民5户，均表示满意")
    office.get_by_role("button", name="审核通过，销号").click()
    office.get_by_text("已销号").first.wait_for()

    # 6. New complaints about the same problem reopen it, and the office is told.
    for text in (
        "幸福小区化粪池又满溢了，污水流到小区门口道路上",
        "幸福小区污水外溢，门口道路上气味很大，出行困难",
    ):
        file_complaint(actor=None, channel="web", text=text, unit=district.market)
    assert sweep_reopen(timezone.now()) == {"reopened": 1}
    office.reload()
    assert "重新打开" in office.content()
    leaf.refresh_from_db()
    assert leaf.status == Task.Status.ACTIVE
