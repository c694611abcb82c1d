"""Issue 16, triage teaches the classifier: unsure suggestions come first in the queue and
are marked as such, with the close alternatives on the triage page; the office sees per
month how often suggestions were confirmed or corrected; and what triage decided is what
the next training reads."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from complaints import actions
from complaints.classifier.labels import confirmed_labels
from complaints.classifier.model import LOW_CONFIDENCE
from complaints.models import Complaint
from conftest import District

pytestmark = pytest.mark.django_db

QUEUE = "/staff/complaints/triage/"
LEARNING = "/staff/complaints/triage/learning/"
ATTITUDE = "市场监管局窗口的工作人员态度很差，问了三遍都不耐烦，还让我明天再来"
MIXED = "开会走过场，窗口态度也差，还要好处费"


def file(d: District, text: str, confidence: float | None = None) -> Complaint:
    complaint, _ = actions.file_complaint(
        actor=None, channel=Complaint.Channel.WEB, text=text, unit=d.market
    )
    if confidence is not None:
        Complaint.objects.filter(pk=complaint.pk).update(confidence=confidence)
        complaint.refresh_from_db()
    return complaint


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_unsure_suggestions_come_first_and_are_marked(district: District) -> None:
    sure_old = file(district, ATTITUDE, 0.97)
    unsure_new = file(district, ATTITUDE, LOW_CONFIDENCE - 0.1)
    page = html(district.client_for(district.olivia).get(QUEUE))
    assert page.index(unsure_new.number) < page.index(sure_old.number)
    rows = re.findall(r"<tr data-triage-row.*?</tr>", page, re.S)
    marked = [row for row in rows if "把握不大" in row]
    assert len(marked) == 1 and unsure_new.number in marked[0]
    assert "系统把握不大的排在前面" in page


def test_then_next_follows_the_same_order(district: District) -> None:
    first = file(district, ATTITUDE, 0.97)
    file(district, ATTITUDE, 0.96)
    unsure = file(district, ATTITUDE, 0.3)
    olivia = district.client_for(district.olivia)
    response = olivia.post(
        f"/staff/complaints/{first.pk}/triage/",
        {"category": "service", "unit": "MKT", "note": "", "then": "next"},
    )
    assert response["Location"] == f"/staff/complaints/{unsure.pk}/triage/"


def test_an_unsure_suggestion_shows_its_close_alternatives(district: District) -> None:
    complaint = file(district, MIXED)
    assert complaint.confidence < LOW_CONFIDENCE, "this text mixes three problems"
    olivia = district.client_for(district.olivia)
    page = html(olivia.get(f"/staff/complaints/{complaint.pk}/triage/"))
    assert "系统把握不大，请仔细甄别" in page
    assert 'id="alternatives"' in page and "也可能是" in page
    sure = file(district, ATTITUDE, 0.97)
    page = html(olivia.get(f"/staff/complaints/{sure.pk}/triage/"))
    assert "系统把握不大" not in page and "也可能是" not in page


def test_the_office_sees_per_month_how_often_suggestions_were_confirmed_or_corrected(
    district: District,
) -> None:
    october = dt.datetime(2026, 10, 15, 10, tzinfo=dt.UTC)
    november = dt.datetime(2026, 11, 16, 10, tzinfo=dt.UTC)
    triaged = []
    for at, category in ((october, None), (october, "integrity"), (november, None)):
        complaint = file(district, ATTITUDE)
        actions.triage(
            actor=district.olivia,
            complaint=complaint,
            category=category or complaint.suggested_category_id,
            at=at,
        )
        triaged.append(complaint)
    file(district, ATTITUDE)  # still waiting: not counted
    olivia = district.client_for(district.olivia)
    assert LEARNING in html(olivia.get(QUEUE)), "linked from the triage queue"
    page = html(olivia.get(LEARNING))
    assert "2026年10月：确认 1 件，更正 1 件（采纳率 50%）" in page
    assert "2026年11月：确认 1 件，更正 0 件（采纳率 100%）" in page
    october_table = page[page.index('data-month="2026-10"') :].split("</table>")[0]
    assert "纪检" in october_table or "廉洁" in october_table  # corrected to integrity
    assert page.index("2026年11月") < page.index("2026年10月")
    # What triage decided is what the next training reads.
    labels = confirmed_labels()
    assert sorted(c for c, _ in labels) == sorted(
        Complaint.objects.get(pk=c.pk).category_id for c in triaged
    )


def test_the_learning_page_is_for_the_office_only(district: District) -> None:
    assert district.client_for(district.alice).get(LEARNING).status_code == 404
    page = html(district.client_for(district.olivia).get(LEARNING))
    assert "还没有甄别分办过的举报" in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_learning_page_and_the_marked_queue_fit_a_phone(
    browser_page, live_server, district: District
) -> None:
    from tests.test_browser_case_journey import log_in

    for category in (None, "integrity"):
        complaint = file(district, ATTITUDE)
        actions.triage(
            actor=district.olivia,
            complaint=complaint,
            category=category or complaint.suggested_category_id,
        )
    file(district, MIXED)
    page = browser_page
    log_in(page, "olivia")
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(QUEUE)
        page.locator("[data-unsure]").first.wait_for()
        page.screenshot(path=f"/tmp/zf_triage_unsure_{width}.png", full_page=True)
        page.get_by_role("link", name="建议采纳情况").click()
        page.get_by_role("heading", name="系统建议采纳情况").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=f"/tmp/zf_triage_learning_{width}.png", full_page=True)
