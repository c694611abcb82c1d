"""Issue 14, done when (the visits part): a cadre logs a visit on a phone (360 px) with a problem
that becomes a duty of the unit it is assigned to; a second visit with a copied summary is
flagged and the office reviews the flag with a reason. Every page the cadre uses must fit the
phone (nothing wider than the screen, no squeezed cells). Screenshots go to /tmp
(zf_visits_*.png)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from problems.models import Problem
from tests.test_browser_case_journey import log_in, new_page
from tests.test_browser_public_phone import MEASURE
from visits.models import Visit, VisitFlag
from visits.samples import make_jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 360, 740
LEARNED = (
    "在柳塘村村委会与六位村民座谈。东头六户人家夏季用水高峰经常停水，村民要到邻村挑水；"
    "两位留守老人说医保报销材料要重复交。"
)
PROBLEM = "柳塘村东头夏季用水高峰停水"


def check(page: Any, name: str) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=f"/tmp/zf_visits_{name}.png", full_page=True)
    measured = page.evaluate(MEASURE)
    assert measured["width"] <= WIDTH, f"{name}: page {measured['width']} px wide"
    assert measured["problems"] == [], f"{name}: {measured['problems']}"


def fill_visit(phone: Any, day: dt.date, start: str, end: str, site: str) -> None:
    phone.goto("/staff/visits/new/")
    phone.get_by_label("走访日期").fill(day.isoformat())
    phone.get_by_label("开始时间").fill(start)
    phone.get_by_label("结束时间").fill(end)
    phone.get_by_label("地点类型").select_option(label="村")
    phone.get_by_label("地点名称").fill(site)
    phone.get_by_label("交谈对象1").select_option(label="群众/村民")
    phone.locator("#id_cp1_count").fill("6")
    phone.locator("#id_learned").fill(LEARNED)


def test_a_cadre_logs_a_visit_on_a_phone_and_a_copied_one_is_flagged_and_reviewed(
    browser_page: Any, live_server: Any, district: Any
) -> None:
    phone = new_page(browser_page, live_server.url)
    phone.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    log_in(phone, "alice")
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    # 1. The form refuses a visit with nobody talked to, in Chinese, next to the field.
    phone.goto("/staff/visits/new/")
    check(phone, "form")
    phone.get_by_label("地点名称").fill("柳塘村")
    phone.locator("#id_learned").fill(LEARNED)
    phone.get_by_role("button", name="保存走访记录").click()
    phone.get_by_text("请至少登记一类交谈对象").first.wait_for()
    assert not Visit.objects.exists()

    # 2. The visit with a problem for the township, the raiser's phone and a photo.
    fill_visit(phone, yesterday, "09:00", "11:00", "柳塘村")
    phone.locator("#id_cp1_name").fill("柳大伯")
    phone.locator("#id_cp1_phone").fill("13900001111")
    phone.locator("#id_pb1_title").fill(PROBLEM)
    phone.locator("#id_pb1_description").fill("六户人家夏季用水高峰停水，自来水管网老化需改造")
    phone.locator("#id_pb1_unit").select_option(label=district.town.name)
    phone.locator("#id_pb1_raiser").select_option(label="交谈对象1的联系人")
    phone.get_by_label("现场照片（选填，最多 9 张）").set_input_files(
        {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": make_jpeg("journey")}
    )
    phone.get_by_role("button", name="保存走访记录").click()
    phone.get_by_text("已交办的问题").wait_for()
    check(phone, "logged")
    problem = Problem.objects.get(title=PROBLEM)
    assert problem.unit == district.town and problem.due_at is not None and problem.has_raiser
    assert problem.number in phone.locator("#receipts").inner_text()

    # 3. Its page shows the problem with its owner; the contact is nowhere on it.
    phone.get_by_role("link", name="查看走访记录").click()
    phone.locator("#problems").wait_for()
    check(phone, "detail")
    page = phone.content()
    assert PROBLEM in page and "13900001111" not in page and "柳大伯" not in page

    # 4. A week later the same summary is logged again for another village: flagged.
    fill_visit(phone, timezone.localdate(), "08:00", "09:00", "桃源村")
    phone.locator("#id_no_problem_reason").fill("问题已在柳塘村走访时交办")
    phone.get_by_role("button", name="保存走访记录").click()
    phone.get_by_text("需督查室复核的疑点").wait_for()
    copied = Visit.objects.get(site__name="桃源村")
    flag = VisitFlag.objects.get(visit=copied)
    assert flag.kind == VisitFlag.Kind.COPIED_SUMMARY
    phone.goto("/staff/visits/mine/")
    check(phone, "mine")
    # The cadre reads no flag queue (the office's page is 404 for a unit's staff).
    assert phone.goto("/staff/visits/flags/").status == 404

    # 5. The office reviews it at 1280 px: a reason is required; the false-flag count shows.
    office = browser_page
    office.set_viewport_size({"width": 1280, "height": 900})
    log_in(office, "olivia")
    office.goto("/staff/visits/flags/")
    box = office.locator(f"#flag-{flag.pk}")
    assert "走访情况雷同" in box.inner_text()
    office.screenshot(path="/tmp/zf_visits_flags.png", full_page=True)
    box.get_by_label("复核意见").fill("两村由同一条老管网供水，但情况记录照抄上次，已提醒如实记录")
    box.get_by_role("button", name="确认疑点").click()
    office.get_by_text("疑点已确认").wait_for()
    flag.refresh_from_db()
    assert flag.status == VisitFlag.Status.CONFIRMED and flag.reviewer == district.olivia
    assert "已确认 1 条" in office.locator("#flag-counts").inner_text()
