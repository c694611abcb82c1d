"""Issue 11, triage at hotline scale: after one 12345 import hundreds of complaints wait. The
office filters the queue, confirms confident suggestions in bulk above a threshold it sets
(each complaint through the same audited action, after a step that shows how many), handles
a group of near-duplicates with one decision, moves through the queue from the keyboard (or
with plain buttons), and reads whole words behind each suggestion."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from complaints import actions
from complaints.classifier.words import whole_words
from complaints.handling import actions as handling
from complaints.models import Complaint, ComplaintEvent, TriageSettings
from conftest import District
from zuofeng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

QUEUE = "/staff/complaints/triage/"
ATTITUDE = "市场监管局窗口的工作人员态度很差，问了三遍都不耐烦，还让我明天再来"
LAMP = "青石路的路灯坏了一个月了也没人修，晚上走路很危险，打电话反映了好几次都没人管"
BRIBE = "执法人员检查时暗示要好处费，不给就说要罚款"


def file(
    d: District, text: str, unit: Any = None, channel: str = Complaint.Channel.WEB
) -> Complaint:
    actor = None if channel == Complaint.Channel.WEB else d.olivia
    complaint, _ = actions.file_complaint(actor=actor, channel=channel, text=text, unit=unit)
    return complaint


def set_confidence(complaint: Complaint, value: float) -> Complaint:
    Complaint.objects.filter(pk=complaint.pk).update(confidence=value)
    complaint.refresh_from_db()
    return complaint


def page(client: Any, url: str, **params: Any) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


# --- filters -------------------------------------------------------------------------------------


def test_the_queue_filters_by_channel_category_confidence_and_unit(district: District) -> None:
    web = set_confidence(file(district, ATTITUDE, district.market), 0.95)
    letter = set_confidence(
        file(district, ATTITUDE, district.hr, channel=Complaint.Channel.LETTER), 0.7
    )
    lamp = set_confidence(file(district, LAMP), 0.3)
    olivia = district.client_for(district.olivia)

    def numbers(**params: Any) -> set[str]:
        html = page(olivia, QUEUE, **params)
        return set(re.findall(r'data-number="([^"]+)"', html))

    assert numbers() == {web.number, letter.number, lamp.number}
    assert numbers(channel="letter") == {letter.number}
    assert numbers(category=lamp.suggested_category_id) >= {lamp.number}
    assert web.number not in numbers(category="integrity")
    assert numbers(band="high") == {web.number}  # the default threshold is 90 %
    assert numbers(band="middle") == {letter.number}
    assert numbers(band="low") == {lamp.number}
    assert numbers(unit=district.hr.code) == {letter.number}
    assert numbers(unit="none") == {lamp.number}
    assert "没有符合筛选条件" in page(olivia, QUEUE, unit=district.town.code)


# --- bulk confirmation ---------------------------------------------------------------------------


def test_bulk_confirmation_shows_how_many_then_confirms_each_with_its_own_audit(
    district: District,
) -> None:
    sure = [set_confidence(file(district, ATTITUDE, district.market), 0.96) for _ in range(3)]
    unsure = set_confidence(file(district, ATTITUDE, district.market), 0.6)
    no_unit = set_confidence(file(district, LAMP), 0.97)  # cannot be routed without a unit
    olivia = district.client_for(district.olivia)
    assert "有 <strong>3</strong> 件建议的置信度达到 90%" in page(olivia, QUEUE)

    confirm = page(olivia, reverse("complaints:triage_bulk"))
    assert "将按系统建议分办" in confirm and 'id="bulk-count">3<' in confirm
    # Nothing happened yet: the page is a confirmation step.
    assert Complaint.objects.filter(status=Complaint.Status.TRIAGE).count() == 5

    ids = re.search(r'name="ids" value="([^"]+)"', confirm).group(1)  # type: ignore[union-attr]
    done = olivia.post(reverse("complaints:triage_bulk"), {"ids": ids, "back": QUEUE})
    assert done.status_code == 302 and done["Location"] == QUEUE
    for complaint in sure:
        complaint.refresh_from_db()
        assert complaint.status == Complaint.Status.ROUTED
        assert complaint.category_id == complaint.suggested_category_id
        assert complaint.handling_unit == district.market
        assert complaint.triaged_by == district.olivia
        assert complaint.events.filter(kind=ComplaintEvent.Kind.TRIAGED).count() == 1
    triaged = AuditEvent.objects.filter(action="complaints.triage")
    assert sorted(int(e.object_id) for e in triaged) == sorted(c.pk for c in sure)
    for other in (unsure, no_unit):
        other.refresh_from_db()
        assert other.status == Complaint.Status.TRIAGE
    follow = page(olivia, QUEUE)
    assert "批量确认（置信度 ≥ 90%）：已分办 3 件" in follow

    # Posting the same list again (a reload) does nothing twice.
    again = olivia.post(reverse("complaints:triage_bulk"), {"ids": ids, "back": QUEUE})
    assert again.status_code == 302
    assert triaged.count() == 3


def test_bulk_confirmation_follows_the_filters(district: District) -> None:
    web = set_confidence(file(district, ATTITUDE, district.market), 0.95)
    letter = set_confidence(
        file(district, ATTITUDE, district.market, channel=Complaint.Channel.LETTER), 0.95
    )
    olivia = district.client_for(district.olivia)
    confirm = page(olivia, reverse("complaints:triage_bulk"), channel="letter")
    assert 'id="bulk-count">1<' in confirm and letter.number in confirm
    assert web.number not in confirm


def test_the_office_sets_the_threshold_and_every_change_is_audited(district: District) -> None:
    complaint = set_confidence(file(district, ATTITUDE, district.market), 0.8)
    olivia = district.client_for(district.olivia)
    assert "没有置信度达到 90%" in page(olivia, QUEUE)

    refused = olivia.post(reverse("complaints:triage_settings"), {"percent": "30"})
    assert refused.status_code == 400 and "不能低于 50%" in refused.content.decode()
    saved = olivia.post(
        reverse("complaints:triage_settings"), {"percent": "75", "reason": "热线数据质量较好"}
    )
    assert saved.status_code == 302
    assert TriageSettings.current().bulk_threshold == 0.75
    event = AuditEvent.objects.get(action="complaints.set_bulk_threshold")
    assert event.actor_id == district.olivia.pk and event.reason == "热线数据质量较好"
    assert event.before == {"bulk_threshold": 0.9} and event.after == {"bulk_threshold": 0.75}
    assert "有 <strong>1</strong> 件建议的置信度达到 75%" in page(olivia, QUEUE)
    assert complaint.number in page(olivia, reverse("complaints:triage_bulk"))

    # Only the office: a unit gets 404, and the action refuses anyone else.
    alice = district.client_for(district.alice)
    assert alice.post(reverse("complaints:triage_settings"), {"percent": "50"}).status_code == 404
    with pytest.raises(Exception, match="督查室"):
        handling.set_bulk_threshold(actor=district.alice, threshold=0.5)
    assert TriageSettings.current().bulk_threshold == 0.75


# --- near-duplicate groups -----------------------------------------------------------------------


def test_a_group_of_near_duplicates_is_triaged_with_one_decision(district: District) -> None:
    group = [file(district, LAMP, district.town) for _ in range(3)]
    other = file(district, ATTITUDE, district.market)
    cluster = Complaint.objects.get(pk=group[0].pk).cluster_id
    assert cluster is not None
    assert set(Complaint.objects.filter(cluster_id=cluster).values_list("pk", flat=True)) == {
        c.pk for c in group
    }
    olivia = district.client_for(district.olivia)
    queue = page(olivia, QUEUE)
    assert "同类 3 件" in queue and "一并分办 3 件" in queue

    url = reverse("complaints:triage_group", args=[cluster])
    assert "javascript:" not in page(olivia, url, back="javascript:alert(1)")
    shown = page(olivia, url, back=f"{QUEUE}?channel=web")
    assert f'href="{QUEUE}?channel=web"' in shown
    for complaint in group:
        assert complaint.number in shown
    done = olivia.post(
        url, {"category": "service", "unit": district.town.code, "note": "", "back": QUEUE}
    )
    assert done.status_code == 302
    for complaint in group:
        complaint.refresh_from_db()
        assert complaint.status == Complaint.Status.ROUTED
        assert complaint.category_id == "service"
        assert complaint.handling_unit == district.town
    assert AuditEvent.objects.filter(action="complaints.triage").count() == 3
    other.refresh_from_db()
    assert other.status == Complaint.Status.TRIAGE
    assert "同类举报 3 件一并分办：已分办 3 件" in page(olivia, QUEUE)


# --- the keyboard flow's plain-HTML actions ------------------------------------------------------


def test_each_row_confirms_its_suggestion_and_returns_to_the_same_filtered_queue(
    district: District,
) -> None:
    complaint = file(district, ATTITUDE, district.market)
    lamp = file(district, LAMP)
    olivia = district.client_for(district.olivia)
    queue = page(olivia, QUEUE, channel="web")
    assert "data-triage-row" in queue and "data-confirm-suggestion" in queue
    assert "triage.js" in queue and "<kbd>j</kbd>" in queue
    back = f"{QUEUE}?channel=web"
    done = olivia.post(reverse("complaints:triage_confirm", args=[complaint.pk]), {"back": back})
    assert done.status_code == 302 and done["Location"] == back
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ROUTED
    assert complaint.handling_unit == district.market
    # Without a unit the suggestion cannot be confirmed as is: the correction page opens.
    refused = olivia.post(reverse("complaints:triage_confirm", args=[lamp.pk]), {"back": back})
    assert refused["Location"] == reverse("complaints:triage", args=[lamp.pk])
    # An outside address in "back" is not followed.
    outside = file(district, BRIBE, district.market)
    away = olivia.post(
        reverse("complaints:triage_confirm", args=[outside.pk]),
        {"back": "https://evil.example/"},
    )
    assert away["Location"] == QUEUE


# --- whole words ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "spans", "fragment"),
    [
        ("办事窗口推来推去，了也没人管", ["去,了也没人", "办事窗口"], "了也没人"),
        ("说是为人民服务，结果为民、了解情况都做不到", ["为民、了"], "民、了"),
    ],
)
def test_the_words_behind_a_suggestion_are_whole_words(
    text: str, spans: Any, fragment: str
) -> None:
    words = whole_words(text, spans)
    assert words and fragment not in words
    for word in words:
        assert len(word) >= 2 and word in text.replace(",", "，")
        assert word not in {"了", "也", "我们", "了解"}


def test_triage_shows_whole_words_for_the_classifiers_fragments(
    district: District,
) -> None:
    complaint = file(district, "办事窗口推来推去，了也没人管", district.market)
    Complaint.objects.filter(pk=complaint.pk).update(category_words=["去,了也没人", "办事窗口"])
    olivia = district.client_for(district.olivia)
    for html in (
        page(olivia, QUEUE),
        page(olivia, reverse("complaints:triage", args=[complaint.pk])),
    ):
        assert ">去,了也没人<" not in html and ">了也没人<" not in html
        assert ">没人管<" in html


def test_the_api_gives_the_same_whole_words(district: District) -> None:
    complaint = file(district, "办事窗口推来推去，了也没人管", district.market)
    Complaint.objects.filter(pk=complaint.pk).update(category_words=["去,了也没人", "办事窗口"])
    olivia = district.client_for(district.olivia)
    words = olivia.get(f"/api/complaints/{complaint.pk}/").json()["category_words"]
    assert "没人管" in words and "去,了也没人" not in words


def test_the_queue_costs_the_same_queries_for_three_rows_or_twelve(district: District) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    olivia = district.client_for(district.olivia)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page(olivia, QUEUE)
        return len(captured)

    for _ in range(3):
        file(district, ATTITUDE, district.market)
    file(district, LAMP, district.town)
    file(district, LAMP, district.town)
    few = queries()
    for _ in range(4):
        file(district, ATTITUDE, district.hr)
        file(district, LAMP, district.town)
    assert queries() == few
