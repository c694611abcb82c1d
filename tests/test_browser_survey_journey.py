"""Issue 14, done when (surveys): the office builds a survey with skip logic, prints token
sheets, a resident answers on a phone (360 px) with a token, a second answer with the same
token is refused, and the office sees the chart."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import District
from surveys.models import Response, Survey, Token
from tests.test_browser_case_journey import log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_question(page: Any, kind: str, name: str, label: str, **fields: str) -> None:
    page.get_by_role("link", name=kind, exact=True).click()
    page.fill("#id_name", name)
    page.fill("#id_label", label)
    for field, value in fields.items():
        if field == "show_if_question":
            page.select_option(f"#id_{field}", value)
        elif field == "required":
            page.check("#id_required")
        else:
            page.fill(f"#id_{field}", value)
    page.get_by_role("button", name="保存题目").click()
    page.get_by_text("题目已保存").wait_for()


def test_office_builds_prints_tokens_resident_answers_once_on_a_phone_office_sees_chart(
    browser_page: Any, live_server: Any, district: District
) -> None:
    office = browser_page
    office.on("dialog", lambda dialog: dialog.accept())
    log_in(office, "olivia")

    # 1. The office builds a survey with skip logic and opens it.
    office.goto("/staff/surveys/")
    office.get_by_role("link", name="新建问卷").click()
    office.get_by_label("问卷标题").fill("政务服务大厅满意度调查")
    office.get_by_label("一次性答题码作答", exact=False).check()
    office.get_by_role("button", name="创建并添加题目").click()
    office.get_by_text("问卷已创建").wait_for()
    add_question(
        office,
        "单选",
        "visited",
        "近一年是否到大厅办过事？",
        choices="yes=是\nno=否",
        required="on",
    )
    add_question(
        office,
        "量表",
        "satisfaction",
        "您对大厅服务的总体满意度",
        show_if_question="visited",
        show_if_value="yes",
        required="on",
    )
    add_question(office, "文本", "advice", "您对改进作风有什么意见建议？")
    office.get_by_role("button", name="添加“所在乡镇（街道）”题（结果可按区域筛选）").click()
    office.get_by_text("显示条件：").wait_for()
    assert "${visited} = 'yes'" in office.content()
    office.get_by_role("button", name="开始收集").click()
    office.get_by_text("问卷已开始收集").wait_for()
    survey = Survey.objects.get(title="政务服务大厅满意度调查")
    assert survey.status == Survey.Status.OPEN

    # 2. It prints token sheets with QR codes.
    office.get_by_role("link", name="答题码与二维码").click()
    office.get_by_label("份数").fill("4")
    office.get_by_label("用途").fill("青石镇入户调查")
    office.get_by_role("button", name="生成并打印答题纸").click()
    office.get_by_text("已生成 4 个一次性答题码").wait_for()
    codes = office.locator("[data-token-code]").all_inner_texts()
    assert len(codes) == 4
    assert office.locator(".token-qr svg").count() == 4

    # 3. A resident on a phone types the code and answers; skip logic shows the scale only
    #    after "是".
    resident = new_page(browser_page, live_server.url)
    resident.set_viewport_size({"width": 360, "height": 740})
    resident.goto("/surveys/code/")
    resident.get_by_label("答题码").fill(codes[0].lower())
    resident.get_by_role("button", name="开始答题").click()
    satisfaction = resident.locator("#block-satisfaction")
    satisfaction.wait_for(state="hidden")  # answer.js runs once the page has loaded
    resident.get_by_label("否", exact=True).check()
    resident.wait_for_timeout(200)
    assert satisfaction.is_hidden()
    resident.get_by_label("是", exact=True).check()
    satisfaction.wait_for(state="visible")
    assert resident.evaluate("document.documentElement.scrollWidth") <= 360
    resident.get_by_role("button", name="提交答卷").click()
    resident.get_by_text("此题为必答题").first.wait_for()  # the server re-checks
    resident.get_by_label("满意", exact=True).check()
    resident.get_by_label("您对改进作风有什么意见建议？", exact=False).fill(
        "窗口工作人员态度冷淡，办事拖拉"
    )
    resident.get_by_label("您所在的乡镇（街道）", exact=False).select_option(value="QSZ")
    resident.get_by_role("button", name="提交答卷").click()
    resident.get_by_text("答卷已提交，感谢您的参与").wait_for()
    assert Response.objects.filter(survey=survey).count() == 1
    assert Token.objects.filter(survey=survey, used=True).count() == 1

    # 4. The same code again is refused with a clear message.
    resident.goto("/surveys/code/")
    resident.get_by_label("答题码").fill(codes[0])
    resident.get_by_role("button", name="开始答题").click()
    resident.get_by_text("该答题码已经使用过").wait_for()
    assert Response.objects.filter(survey=survey).count() == 1

    # 5. The office sees the chart.
    office.goto(f"/staff/surveys/{survey.pk}/results/")
    office.locator('[data-chart][data-ready="true"]').first.wait_for()
    assert office.locator("[data-total]").inner_text() == "1"
    office.get_by_text("服务意识差、效率低").wait_for()
