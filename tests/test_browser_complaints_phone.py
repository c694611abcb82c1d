"""Issue 11: a resident's complaint pages on a phone (360 × 740) — the form, the receipt,
我的举报 and one complaint with its answer and timeline. Nothing wider than the screen, no
table cell squeezed below two characters, dates on one line, the receipt code on one line.
Screenshots go to /tmp (zf_phone_complaint_*.png)."""

from __future__ import annotations

from typing import Any

import pytest

from complaints import actions
from complaints.models import Complaint
from tests.test_browser_case_journey import log_in, new_page
from tests.test_browser_public_phone import MEASURE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 360, 740
TEXT = (
    "区市场监督管理局政务服务窗口的工作人员态度非常恶劣，我问了三遍怎么填表都不耐烦，还让我明天再来"
)
ANSWER = "经核实，窗口工作人员接待时态度生硬，已对其批评教育并当面致歉，窗口增设了填表引导员。"


def check(page: Any, name: str) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=f"/tmp/zf_phone_complaint_{name}.png", full_page=True)
    measured = page.evaluate(MEASURE)
    assert measured["width"] <= WIDTH, f"{name}: page {measured['width']} px wide"
    assert measured["problems"] == [], f"{name}: {measured['problems']}"


def test_a_residents_complaint_pages_read_well_at_360_px(
    browser_page: Any, live_server: Any, district: Any
) -> None:
    phone = new_page(browser_page, live_server.url)
    phone.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    phone.on("dialog", lambda dialog: dialog.accept())
    log_in(phone, "ruth")

    phone.goto("/complaints/new/")
    check(phone, "file")
    phone.get_by_label("查找被举报单位").fill("市场")
    phone.get_by_label("被举报干部").fill("王科长")
    phone.get_by_label("反映的问题").fill(TEXT)
    phone.get_by_role("button", name="提交举报").click()
    phone.get_by_role("heading", name="举报已提交").wait_for()
    check(phone, "receipt")
    code = phone.locator("#receipt-code")
    box = code.bounding_box()
    assert box is not None and box["height"] < 2 * 28, "the receipt code wraps"

    # A second complaint, answered, with a long unit name and a timeline.
    complaint = Complaint.objects.get()
    actions.triage(actor=district.olivia, complaint=complaint, category="service")
    actions.answer(actor=district.alice, complaint=complaint, text=ANSWER)
    actions.file_complaint(
        actor=district.ruth, channel=Complaint.Channel.WEB, text=TEXT, unit=district.hr
    )

    phone.goto("/my/complaints/")
    check(phone, "mine")
    phone.get_by_role("link", name=complaint.number).click()
    phone.get_by_role("heading", name="举报办理进度").wait_for()
    check(phone, "detail")
