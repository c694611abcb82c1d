"""Issue 11, the office's day with complaints, in a real browser: from the complaint pages to
the 12345 import, upload a small export and watch the result tiles fill in as the import
finishes (no reload), then triage it in bulk — filter by unit, raise the threshold's reach,
confirm the confident suggestions in one go, handle a group of near-duplicates with one
decision, and confirm the last one from the keyboard."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from complaints.intake import tasks
from complaints.intake.views import hotline as hotline_views
from complaints.models import Complaint, HotlineImport, HotlineSource
from complaints.tests.test_hotline import HEADERS, MAPPING, csv_bytes
from org.models import Unit
from tests.test_browser_case_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TZ = ZoneInfo("Asia/Shanghai")
LAMP = "青石路的路灯坏了一个月了也没人修，晚上走路很危险"
MARKET = (
    "市场监管局窗口态度不好",
    "营业执照跑了五趟还没办下来，窗口说材料不全又不一次说清",
    "市场监管局办事窗口工作人员上班时间玩手机，群众排长队没人理",
)
BRIBE = "执法人员检查时暗示要好处费，不给就说要罚款"


def export() -> bytes:
    start = timezone.now().astimezone(TZ) - dt.timedelta(hours=3)
    texts = [(t, "市场监管局") for t in MARKET] + [(LAMP, "青石镇")] * 3 + [(BRIBE, "")]
    rows = []
    for i, (text, unit) in enumerate(texts):
        at = start + dt.timedelta(minutes=10 * i)
        rows.append(
            [f"GD{i:03d}", f"{at:%Y-%m-%d %H:%M:%S}", text, unit, "", "", "", "", "", "电话"]
        )
    return csv_bytes(rows, "utf-8", HEADERS)


class Held:
    """The task queue of the upload view, held: the import waits until the test runs it."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def enqueue(self, import_id: int) -> None:
        self.ids.append(import_id)


def test_the_office_imports_a_hotline_export_and_triages_it_in_bulk(
    browser_page: Any, live_server: Any, district: Any, monkeypatch: Any
) -> None:
    Unit.objects.filter(pk=district.market.pk).update(short_name="市场监管局")
    Unit.objects.filter(pk=district.town.pk).update(short_name="青石镇")
    HotlineSource.objects.create(name="12345市民热线", column_map=MAPPING)
    held = Held()
    monkeypatch.setattr(hotline_views, "import_hotline_file", held)

    office = browser_page
    office.on("dialog", lambda dialog: dialog.accept())
    log_in(office, "olivia")

    # 1. The hotline import is linked from the complaint pages.
    office.goto("/staff/complaints/")
    office.get_by_role("link", name="12345热线导入").click()
    office.get_by_role("heading", name="12345热线导入").wait_for()
    office.set_input_files(
        "input[name=file]",
        files=[{"name": "today.csv", "mimeType": "text/csv", "buffer": export()}],
    )
    office.get_by_role("button", name="上传并导入").click()
    office.get_by_role("heading", name="today.csv").wait_for()
    created = office.locator('[data-tile="created"]')
    assert created.inner_text() == "0"

    # 2. The import runs (a worker would); the tiles follow without a reload.
    assert len(held.ids) == 1
    tasks.import_hotline_file.call(held.ids[0])
    assert HotlineImport.objects.get().created_count == 7
    office.wait_for_function(
        "() => document.querySelector('[data-tile=\"created\"]').innerText.trim() === '7'"
    )
    assert office.locator('[data-tile="total"]').inner_text() == "7"
    office.get_by_role("link", name="去甄别分办").click()
    office.get_by_role("heading", name="甄别分办").wait_for()
    office.screenshot(path="/tmp/zf_office_triage.png", full_page=True)

    # 3. Filter by unit; the default threshold (90 %) reaches two of the three suggestions.
    office.get_by_label("被举报单位").select_option(label=district.market.name)
    office.get_by_role("button", name="筛选").click()
    assert office.locator("tr[data-triage-row]").count() == 3
    office.screenshot(path="/tmp/zf_office_triage_filtered.png", full_page=True)
    office.get_by_role("link", name="批量确认 2 件…").wait_for()

    # The office lowers its threshold to 80 % (audited), and the filtered queue now offers 3.
    office.get_by_role("link", name="批量确认下限：90%").click()
    office.get_by_label("批量确认的置信度下限（%）").fill("80")
    office.get_by_label("修改理由").fill("热线工单质量较好")
    office.get_by_role("button", name="保存").click()
    office.get_by_text("批量确认的置信度下限已改为 80%").wait_for()
    office.get_by_label("被举报单位").select_option(label=district.market.name)
    office.get_by_role("button", name="筛选").click()
    office.get_by_role("link", name="批量确认 3 件…").click()

    # 4. The confirmation step says how many, then one request routes them all.
    assert office.locator("#bulk-count").inner_text() == "3"
    office.get_by_role("button", name="确认分办 3 件").click()
    office.get_by_text("已分办 3 件").wait_for()
    market = Complaint.objects.filter(text__in=MARKET)
    assert {c.status for c in market} == {Complaint.Status.ROUTED}
    assert {c.handling_unit_id for c in market} == {district.market.pk}

    # 5. The three reports of the same broken lamp: one decision for the group.
    office.get_by_role("link", name="清除").click()
    office.get_by_role("link", name="一并分办 3 件").click()
    office.get_by_role("heading", name="同类举报一并分办（3 件）").wait_for()
    office.get_by_text(f"将分办至：{district.town.name}").wait_for()
    office.get_by_role("button", name="一并分办 3 件").click()
    office.get_by_text("同类举报 3 件一并分办：已分办 3 件").wait_for()
    lamps = Complaint.objects.filter(text=LAMP)
    assert {c.handling_unit_id for c in lamps} == {district.town.pk}

    # 6. The last one from the keyboard: Enter confirms the selected row's suggestion.
    office.locator("tr[data-triage-row].is-selected").wait_for()
    office.keyboard.press("Enter")
    office.get_by_text(f"已分办至{district.discipline.name}").wait_for()
    assert not Complaint.objects.filter(status=Complaint.Status.TRIAGE).exists()
    office.get_by_text("没有待甄别分办的举报").wait_for()
