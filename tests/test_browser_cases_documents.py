"""In a real browser at phone width (360 px): the clerk gives a one-time notice with a text
for the applicant and an internal note, and prints the 一次性告知书 from the case page. The
printed page carries the applicant's text and every material, never the internal note, a QR
code drawn inline, and nothing wider than the screen."""

from __future__ import annotations

from typing import Any

import pytest

from cases import actions
from cases.models import Case
from catalog.tests.factories import make_matter
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_prints_the_one_time_notice_on_a_phone(
    browser_page: Any, live_server: Any, district: Any
) -> None:
    matter = make_matter(district.market, name="食品经营许可", promised_limit_days=5)
    case = actions.submit_case(
        actor=district.amy,
        matter=matter,
        channel=Case.Channel.WINDOW,
        applicant_name="路思",
        applicant_phone="13900001234",
        applicant_id_number="110101199001011234",
    )
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("alice")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()

    page.goto(f"/staff/cases/{case.pk}/")
    page.get_by_text("受理期限").first.wait_for()  # the acceptance clock runs
    page.get_by_label("需补正的全部材料").fill("营业执照副本\n房屋租赁合同")
    page.get_by_label("告知申请人的说明（申请人可见，印在一次性告知书上）").fill(
        "租赁合同需加盖出租方公章"
    )
    page.get_by_label("内部备注（仅工作人员可见，不告知申请人）").fill("申请人曾两次来电")
    page.get_by_role("button", name="发出补正告知").click()
    page.get_by_text("受理期限不再计算").first.wait_for()
    page.get_by_role("link", name="打印一次性告知书").click()
    page.get_by_role("heading", name="补正材料一次性告知书").wait_for()

    body = page.locator("main").inner_text()
    assert "租赁合同需加盖出租方公章" in body
    assert "营业执照副本" in body and "房屋租赁合同" in body
    assert "申请人曾两次来电" not in body
    assert page.locator("svg.qr-code").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
