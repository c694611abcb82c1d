"""Issue 15, done when: the office generates a report, edits it in the browser and downloads
the Word document with the edit in it; the preview reads at 360 px without sideways scroll."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from docx import Document

from conftest import District
from reports.models import Report, Version
from tests.test_browser_case_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_generates_edits_and_downloads_a_report(
    browser_page: Any, live_server: Any, district: District
) -> None:
    page = browser_page
    log_in(page, "olivia")
    page.goto("/staff/reports/")
    today = timezone.localdate()
    page.get_by_label("标题").fill("关于区市场监督管理局作风建设情况的调研报告")
    page.get_by_label("起始日期").fill((today - dt.timedelta(days=90)).isoformat())
    page.get_by_label("截止日期").fill((today - dt.timedelta(days=1)).isoformat())
    page.get_by_role("radio", name="单个单位").check()
    page.get_by_label("单位（范围为单个单位时）").select_option(label=district.market.name)
    page.get_by_role("button", name="生成报告").click()
    page.get_by_text("报告已生成（草稿）").wait_for()
    for heading in ("一、基本情况", "二、存在问题", "三、原因分析", "四、对策建议", "数据来源"):
        assert page.get_by_role("heading", name=heading).is_visible()

    # A figure opens the records behind it.
    page.locator("#report a.fact").first.click()
    page.get_by_text("清单").first.wait_for()
    page.go_back()

    # The office rewrites the measures section; a typed number is refused with the reason.
    page.get_by_role("link", name="修改报告").click()
    remedies = page.get_by_label("四、对策建议")
    remedies.fill("## （一）建立首问负责制\n首接单位对职责交叉事项牵头办理，共3个月完成。")
    page.get_by_role("button", name="保存为新版本").click()
    page.get_by_text("直接输入了数字（3）").wait_for()
    remedies.fill("## （一）建立首问负责制\n首接单位对职责交叉事项牵头办理，限期三个月完成。")
    page.get_by_label("修改说明").fill("改写对策建议")
    page.get_by_role("button", name="保存为新版本").click()
    page.get_by_text("修改已保存为新版本").wait_for()
    assert page.get_by_text("限期三个月完成。").is_visible()
    assert page.get_by_text("第 2 版（人工修改").is_visible()

    with page.expect_download() as info:
        page.get_by_role("link", name="下载 Word").click()
    paragraphs = [p.text for p in Document(info.value.path()).paragraphs]
    assert "首接单位对职责交叉事项牵头办理，限期三个月完成。" in paragraphs
    report = Report.objects.get()
    assert list(report.versions.values_list("origin", flat=True)) == [
        Version.Origin.GENERATED,
        Version.Origin.EDITED,
    ]

    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 361)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, wide
