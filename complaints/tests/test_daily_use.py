"""Issue 11, what the office and residents hit in daily use of complaints: the 12345 import is
linked and its tiles follow the progress bar, reopening says what actually happens, and the
resident's pages read at phone width. (Triage at hotline scale: test_triage_scale.py; the
reveal's post/redirect/get and the short receipt codes: test_staff_pages.py, test_actions.py.)
"""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse

from complaints.intake import hotline
from complaints.models import Complaint, ComplaintEvent, HotlineImport
from complaints.tests.test_hotline import ROWS, csv_bytes, source
from complaints.tests.test_public_pages import FOLLOW_URL, answered, file_one, follow
from conftest import District

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Any:
    cache.clear()
    yield
    cache.clear()


# --- defect 8: the 12345 import is linked and live ---------------------------------------------


def test_the_office_finds_the_hotline_import_from_its_complaint_pages(district: District) -> None:
    olivia = district.client_for(district.olivia)
    # The complaint pages' own row of buttons (the main menu is the portal's).
    link = f'href="{reverse("complaints:hotline_upload")}">12345热线导入</a>'
    for name in ("complaints:staff_queue", "complaints:triage_queue", "complaints:hot_spots"):
        assert link in olivia.get(reverse(name)).content.decode(), name
    # A unit does not see the link (the page answers it 404 anyway).
    alice = district.client_for(district.alice)
    assert link not in alice.get(reverse("complaints:staff_queue")).content.decode()


def test_the_polled_progress_carries_the_result_tiles(district: District) -> None:
    """The tiles stayed 0 until a manual reload: they now live in the fragment htmx swaps."""
    job = hotline.create_import(
        actor=district.olivia, source=source(), name="export.csv", data=csv_bytes(ROWS)
    )
    olivia = district.client_for(district.olivia)
    url = reverse("complaints:hotline_progress", args=[job.pk])
    pending = olivia.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in pending
    assert re.search(r'data-tile="created">0<', pending)

    hotline.run_import(job)
    job.refresh_from_db()
    assert job.status == HotlineImport.Status.DONE and job.created_count == 3
    done = olivia.get(url).content.decode()
    assert 'hx-trigger="every 1s"' not in done  # polling stops with the final swap
    assert re.search(r'data-tile="total">3<', done)
    assert re.search(r'data-tile="created">3<', done)
    assert reverse("complaints:triage_queue") in done


# --- defect 11: reopening says what happens ----------------------------------------------------


def test_reopening_tells_the_complainant_who_handles_it_and_by_when(
    client: Any, district: District
) -> None:
    complaint, code = file_one(client, district)
    answered(complaint, district)
    follow(client, complaint.number, code)
    client.post(FOLLOW_URL, {"step": "callback", "result": "dissatisfied"})
    client.post(FOLLOW_URL, {"step": "reopen", "reason": "事情还是没办"})
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.HANDLING
    page = client.get(FOLLOW_URL).content.decode()
    assert "已按您的要求重新办理" not in page
    due = f"{complaint.due_at.astimezone(TZ):%Y年%m月%d日}"
    for said in ("重新办理", district.market.name, "重新计算", due):
        assert said in page, said
    note = complaint.events.get(kind=ComplaintEvent.Kind.REOPENED).public_note
    assert district.market.name in note and due in note
