"""A resident's day on a phone (360 × 740): home → search a matter → its page → look up a
case → my cases → one case → 评价公示. On every page nothing is wider than the screen, no
table cell is squeezed below two characters, dates stay on one line; the resident's overdue
case is marked 超期 and offers a way to complain. Screenshots go to /tmp (zf_phone_*.png)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cases import actions as case_actions
from catalog.tests.factories import make_matter
from conftest import PASSWORD
from evaluations import actions as rating_actions
from evaluations.models import Evaluation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 360, 740

# Everything measured in the page: the page's width, table cells narrower than two of their
# own characters, and dates ("2026年12月3日") that the browser broke across two lines.
MEASURE = """() => {
  const problems = [];
  for (const cell of document.querySelectorAll("td, th")) {
    const rect = cell.getBoundingClientRect();
    // Skipped: empty cells, and visually hidden headers kept for screen readers (a 1 px
    // clipped thead on phones).
    const group = cell.parentElement.parentElement.getBoundingClientRect();
    if (!cell.innerText.trim() || rect.width === 0 || group.width <= 1 || group.height <= 1)
      continue;
    const style = getComputedStyle(cell);
    const inner = rect.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (inner < 2 * parseFloat(style.fontSize) - 1)
      problems.push("narrow cell: " + cell.innerText.trim().slice(0, 20));
  }
  for (const tag of document.querySelectorAll(".tag, .button")) {
    if (tag.offsetParent !== null && tag.scrollWidth > tag.clientWidth + 1)
      problems.push("clipped: " + tag.innerText.trim());
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const date = /\\d{4}年\\d{1,2}月\\d{1,2}日/g;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement || node.parentElement.offsetParent === null) continue;
    for (const match of node.data.matchAll(date)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (tops.size > 1) problems.push("date on two lines: " + match[0]);
    }
  }
  return {width: document.documentElement.scrollWidth, problems};
}"""


def check(page: Any, name: str) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=f"/tmp/zf_phone_{name}.png", full_page=True)
    measured = page.evaluate(MEASURE)
    assert measured["width"] <= WIDTH, f"{name}: page {measured['width']} px wide"
    assert measured["problems"] == [], f"{name}: {measured['problems']}"


@pytest.fixture
def resident_cases(district: Any) -> dict[str, Any]:
    licence = make_matter(
        district.market,
        code="MKT-0001",
        name="个体工商户营业执照设立登记",
        online=True,
        promised_limit_days=3,
        place="示范区市民中心二楼 B 区（人民路 88 号）",
        hours="工作日 上午 9:00—12:00，下午 13:30—17:00（法定节假日除外）",
        window="15—18 号综合受理窗口",
        materials=[
            {"name": "个体工商户登记（备案）申请书", "originals": 1, "copies": 0, "notes": ""},
            {"name": "经营者身份证明", "originals": 1, "copies": 1, "notes": "原件核验后退回"},
            {"name": "经营场所使用证明", "originals": 0, "copies": 1, "notes": ""},
        ],
    )
    for code, name in [("MKT-0002", "企业营业执照变更登记"), ("MKT-0003", "营业执照遗失补领")]:
        make_matter(district.market, code=code, name=name, online=True)
    benefit = make_matter(
        district.hr,
        code="HRS-0001",
        name="失业保险金申领",
        online=True,
        materials=[{"name": "营业执照", "originals": 0, "copies": 1, "notes": ""}],
    )
    now = timezone.now()

    def apply(matter: Any, days_ago: int) -> Any:
        return case_actions.submit_case(
            actor=district.ruth,
            matter=matter,
            channel="online",
            applicant_name="路思",
            applicant_phone="13900001234",
            applicant_id_number="11010519491231002X",
            applicant_user=district.ruth,
            at=now - dt.timedelta(days=days_ago),
        )

    late = apply(licence, 40)
    late = case_actions.accept_case(actor=district.alice, case=late, at=now - dt.timedelta(days=39))
    # Decided and rated last month: 评价公示 opens on the last complete month.
    month_start = timezone.localtime(now).replace(day=1, hour=10, minute=0)
    done = apply(benefit, 45)
    done = case_actions.accept_case(actor=district.bob, case=done, at=now - dt.timedelta(days=44))
    done = case_actions.decide_case(
        actor=district.bob, case=done, approve=True, at=month_start - dt.timedelta(days=3)
    )
    rating_actions.rate_case(
        actor=district.ruth,
        case=done,
        level=5,
        source=Evaluation.Source.APPLICANT_PAGE,
        comment="窗口工作人员耐心细致，一次就办好了，给个大大的赞",
        allow_publication=True,
        at=month_start - dt.timedelta(days=2),
    )
    apply(licence, 0)
    return {"late": late, "done": done}


def test_a_residents_phone_journey_reads_well_at_360_px(
    browser_page: Any, live_server: Any, resident_cases: dict[str, Any]
) -> None:
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    late = resident_cases["late"]

    page.goto("/")
    check(page, "1_home")
    page.get_by_label("搜索办事事项").fill("办理营业执照")
    page.get_by_label("搜索办事事项").press("Enter")
    page.wait_for_url("**/matters/?q=*")
    assert page.get_by_role("link", name="个体工商户营业执照设立登记").is_visible()
    assert page.get_by_role("link", name="失业保险金申领").count() == 0
    check(page, "2_search")

    page.get_by_role("link", name="个体工商户营业执照设立登记").click()
    page.wait_for_url("**/matters/MKT-0001/")
    assert page.get_by_text("15—18 号综合受理窗口").is_visible()
    assert page.get_by_text("工作日 上午 9:00—12:00", exact=False).is_visible()
    assert page.get_by_text("原件 0 份").count() == 0
    check(page, "3_matter")

    page.goto("/cases/lookup/")
    page.get_by_label("办件编号").fill(late.number)
    page.get_by_label("查询码").fill(late.query_code)
    page.get_by_role("button", name="查询").click()
    page.get_by_role("heading", name="办理进度").wait_for()
    assert page.locator("#overdue-mark").inner_text() == "超期"
    assert page.get_by_role("link", name="向督查室投诉举报").is_visible()
    check(page, "4_lookup")
    done = resident_cases["done"]
    page.goto("/cases/lookup/")
    page.get_by_label("办件编号").fill(done.number)
    page.get_by_label("查询码").fill(done.query_code)
    page.get_by_role("button", name="查询").click()
    page.get_by_role("heading", name="办理进度").wait_for()
    assert page.locator("#overdue-mark").count() == 0
    rate = page.get_by_role("link", name="登录后评价")
    assert rate.get_attribute("href") == f"/my/cases/{done.number}/rate/"

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("ruth")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    page.goto("/my/cases/")
    row = page.locator("tr", has=page.get_by_role("link", name=late.number))
    assert row.get_by_text("超期", exact=True).is_visible()
    check(page, "5_my_cases")

    page.get_by_role("link", name=late.number).click()
    page.wait_for_url(f"**/my/cases/{late.number}/")
    assert page.locator("#overdue-mark").inner_text() == "超期"
    assert page.get_by_role("link", name="对办理有意见？我要投诉").is_visible()
    check(page, "6_my_case")
    page.goto(f"/my/cases/{resident_cases['done'].number}/")
    assert page.locator("#overdue-mark").inner_text() == "超期办结"
    check(page, "6_my_decided_case")

    page.goto("/ratings/")
    assert page.get_by_text("给个大大的赞", exact=False).is_visible()
    check(page, "7_ratings")
