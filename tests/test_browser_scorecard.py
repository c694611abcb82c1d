"""In a real browser, the office's and the head's days (issues 6 and 11): office user A
computes last month, user B publishes it (nobody publishes their own numbers) → the public
rankings page shows it → the printable scorecard keeps every column on A4 landscape → the
market department's head starts at the workbench card, follows the biggest point loss to
exactly the records behind it (the cases not decided on time) and opens one.

The charts are drawn by ECharts from node_modules under the strict CSP: the test fails on any
CSP violation reported by the browser."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases import actions as cases
from catalog.tests.factories import make_matter
from scorecard.tests.factories import second_office
from scorecard.tests.fixtures import decide, rate, submit
from tests.test_browser_case_journey import log_in, new_page
from zuofeng.periods import month_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SH = ZoneInfo("Asia/Shanghai")


def last_month() -> dt.date:
    return month_start(month_start(timezone.localdate()) - dt.timedelta(days=1))


def watch_csp(page: Any, violations: list[str]) -> None:
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )


def test_office_publishes_public_sees_head_follows_the_biggest_loss_to_its_records(
    browser_page: Any, live_server: Any, district: Any
) -> None:
    month = last_month()
    morning = dt.datetime(month.year, month.month, 12, 10, tzinfo=SH)
    next_day = morning + dt.timedelta(days=1)

    def accepted_then(matter: Any, staff: Any) -> Any:
        return cases.accept_case(actor=staff, case=submit(district, matter, morning), at=morning)

    market_matter = make_matter(district.market, name="食品经营许可", promised_limit_days=5)
    hr_matter = make_matter(district.hr, name="就业登记", promised_limit_days=5)
    # Enough records for the volume-fair default (a rate needs ten cases or ratings): hr
    # decides twelve cases on time, the market ten, and leaves three past their deadline;
    # every decided case is rated.
    plan = ((hr_matter, district.bob, 12), (market_matter, district.alice, 10))
    for matter, staff, count in plan:
        for _ in range(count):
            rate(decide(district, accepted_then(matter, staff), next_day, staff), 5, next_day)
    overdue = [accepted_then(market_matter, district.alice) for _ in range(3)]
    violations: list[str] = []

    # The office computes last month (ended) and reviews the draft; it may not publish it.
    computer = browser_page
    watch_csp(computer, violations)
    log_in(computer, "olivia")
    computer.get_by_role("link", name="考核", exact=True).click()
    computer.get_by_label("考核月份").fill(f"{month:%Y-%m}")
    computer.get_by_role("button", name="计算该月考核").click()
    computer.get_by_text("待审核（未公开）").wait_for()
    assert computer.get_by_role("row").filter(has_text=district.market.name).count() == 1
    assert "须由另一名督查室人员" in computer.locator("#publish-blocked").inner_text()
    assert computer.get_by_role("button", name="审核通过并发布").count() == 0

    # A second office user reviews the same draft and publishes it.
    second_office(district)
    office = new_page(computer, live_server.url)
    watch_csp(office, violations)
    log_in(office, "oscar")
    office.goto(computer.url)
    office.get_by_text("待审核（未公开）").wait_for()
    office.once("dialog", lambda dialog: dialog.accept())  # data-confirm before publishing
    office.get_by_role("button", name="审核通过并发布").click()
    office.locator(".notification.is-success").wait_for()
    assert "已发布" in office.locator(".notification.is-success").inner_text()
    office.goto("/staff/scorecard/overview/")
    office.locator('[data-chart="heatmap"][data-ready="true"]').first.wait_for()
    office.locator('[data-chart="trends"][data-ready="true"] canvas').first.wait_for()

    # The public rankings page shows the month, departments and townships apart.
    public = new_page(office, live_server.url)
    watch_csp(public, violations)
    public.goto("/")
    public.get_by_role("link", name="考核排名").click()
    public.get_by_role("heading", name="部门排名").wait_for()
    assert f"{month.year}年{month.month}月" in public.locator("main").inner_text()
    departments = public.locator("table").first
    ranked = [
        row.strip() for row in departments.locator("tbody tr td:nth-child(2)").all_inner_texts()
    ]
    assert ranked == [district.hr.name, district.market.name]
    public.get_by_role("heading", name="乡镇（街道）排名").wait_for()

    # The printable scorecard: A4 landscape, no column cut off (the width @page leaves).
    office.goto(computer.url.rstrip("/") + "/print/")
    office.emulate_media(media="print")
    office.set_viewport_size({"width": 1062, "height": 750})  # 297 mm − 16 mm at 96 dpi
    table = office.locator(".score-table").first
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1")
    assert table.evaluate("t => t.getBoundingClientRect().right <= window.innerWidth")
    assert table.locator("th").last.is_visible()

    # The head's day: the workbench card → the biggest loss → the records behind it.
    head = new_page(office, live_server.url)
    watch_csp(head, violations)
    log_in(head, "ahead")
    head.goto("/staff/")
    biggest = head.locator("#card-losses li").first
    assert "按期办结率" in biggest.inner_text() and "10 ÷ 13 = 76.9%" in biggest.inner_text()
    biggest.get_by_role("link", name="查看失分的记录").click()
    head.get_by_role("heading", name="按期办结率").wait_for()
    assert head.locator("#record-count").inner_text() == "3"
    listed = head.locator("#records tbody tr td:first-child").all_inner_texts()
    assert sorted(t.strip() for t in listed) == sorted(c.number for c in overdue)
    head.get_by_role("link", name=overdue[0].number).click()
    head.get_by_text(overdue[0].number).first.wait_for()
    assert head.url.endswith(f"/staff/cases/{overdue[0].pk}/")
    # The unit page says the same, biggest loss first, and draws its trend under the CSP.
    head.goto("/staff/scorecard/unit/")
    head.locator('[data-chart="unit-trend"][data-ready="true"] canvas').first.wait_for()
    first = head.locator("#costliest tbody tr").first
    assert first.locator("td").first.inner_text().strip() == "按期办结率"

    assert violations == []
