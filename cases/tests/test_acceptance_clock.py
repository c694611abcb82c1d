"""The acceptance clock (issue 11, defect 5): an application waiting for acceptance is a duty
like any other. Within CASE_ACCEPTANCE_WORKDAYS (default 5, Administrative Licensing Law
Art. 32, working days per Art. 82) the unit accepts, refuses or gives the one-time notice; if
not, the sweep deems the case accepted from receipt and the promised clock runs from there."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from cases import actions
from cases.models import Case
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District
from zuofeng.audit.models import AuditEvent
from zuofeng.duty.models import Escalation, EscalationLevel, Notification, WarningLevel
from zuofeng.duty.sweep import sweep
from zuofeng.workdays.calendar import end_of_day

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=SH)


@pytest.fixture
def matter(district: District) -> Matter:
    return make_matter(district.market, name="食品经营许可", promised_limit_days=10, online=True)


def online(d: District, matter: Matter, when: dt.datetime, name: str = "张三丰") -> Case:
    return actions.submit_case(
        actor=d.ruth,
        matter=matter,
        channel=Case.Channel.ONLINE,
        applicant_name=name,
        applicant_phone="13800001234",
        applicant_id_number="110101199001011234",
        applicant_user=d.ruth,
        at=when,
    )


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_an_online_application_must_be_answered_within_five_working_days(
    district: District, matter: Matter
) -> None:
    # Received Monday 30 November (the day of receipt is not counted): five working days end
    # on Monday 7 December.
    case = online(district, matter, at(2026, 11, 30))

    assert case.status == Case.Status.SUBMITTED
    assert case.clock_phase == Case.ClockPhase.ACCEPTANCE
    assert case.due_at == end_of_day(dt.date(2026, 12, 7))


def test_the_acceptance_limit_is_a_setting(
    district: District, matter: Matter, settings: Any
) -> None:
    settings.CASE_ACCEPTANCE_WORKDAYS = 3
    case = online(district, matter, at(2026, 11, 30))

    assert case.due_at == end_of_day(dt.date(2026, 12, 3))


def test_the_acceptance_clock_warns_like_any_duty(district: District, matter: Matter) -> None:
    case = online(district, matter, at(2026, 11, 30))

    sweep(at(2026, 12, 4))  # one working day left
    case.refresh_from_db()
    assert case.warning_level == WarningLevel.BLUE
    sweep(at(2026, 12, 7))  # the last day
    case.refresh_from_db()
    assert case.warning_level == WarningLevel.YELLOW
    assert case.status == Case.Status.SUBMITTED


def test_nobody_answering_in_time_makes_the_case_accepted_from_receipt(
    district: District, matter: Matter
) -> None:
    case = online(district, matter, at(2026, 11, 30))

    result = sweep(at(2026, 12, 8, 9))  # the morning after the fifth working day

    case.refresh_from_db()
    assert result.counts["cases.acceptance"]["deemed_accepted"] == 1
    assert case.status == Case.Status.ACCEPTED
    assert case.deemed_accepted
    assert case.accepted_at == at(2026, 11, 30)
    # The promised ten working days run from receipt, not from the day the law stepped in.
    assert case.clock_phase == Case.ClockPhase.PROCESSING
    assert case.clock_started_at == at(2026, 11, 30)
    assert case.due_at == end_of_day(dt.date(2026, 12, 14))
    # The lapse was the unit's: it reached the head like any overdue duty.
    assert Escalation.objects.filter(
        duty_id=str(case.pk), level=EscalationLevel.HEAD, unit=district.market
    ).exists()
    event = AuditEvent.objects.get(action="cases.deem_acceptance", object_id=str(case.pk))
    assert event.actor is None and "视为受理" in event.reason
    assert "依法自收到申请之日起视为受理" in case.events.last().public_note
    assert Notification.objects.filter(
        unit=district.market,
        audience=Notification.Audience.UNIT_STAFF,
        title__contains=f"办件 {case.number} 受理期限届满，已依法视为受理",
    ).exists()
    # Twice is once.
    assert sweep(at(2026, 12, 8, 10)).counts["cases.acceptance"]["deemed_accepted"] == 0


def test_a_notice_given_in_time_ends_the_acceptance_clock(
    district: District, matter: Matter
) -> None:
    case = online(district, matter, at(2026, 11, 30))
    actions.request_supplement(
        actor=district.alice, case=case, materials=["营业执照副本"], at=at(2026, 12, 2)
    )

    sweep(at(2026, 12, 21))

    case.refresh_from_db()
    assert case.status == Case.Status.SUPPLEMENT
    assert not case.deemed_accepted and case.due_at is None
    assert not Escalation.objects.exists()

    # Complete papers start a new acceptance period from their receipt.
    case = actions.supply_materials(
        actor=district.alice, case=case, materials=["营业执照副本"], at=at(2026, 12, 21)
    )
    assert case.status == Case.Status.SUBMITTED
    assert case.due_at == end_of_day(dt.date(2026, 12, 28))


def test_a_refusal_in_time_leaves_no_clock_and_no_decided_case(
    district: District, matter: Matter
) -> None:
    case = online(district, matter, at(2026, 11, 30))
    case = actions.refuse_acceptance(
        actor=district.alice,
        case=case,
        reason="不属于本单位职权范围",
        legal_basis="《中华人民共和国行政许可法》第三十二条第一款第（二）项",
        at=at(2026, 12, 1),
    )

    assert case.due_at is None and case.clock_started_at is None
    assert case.clock_stopped_at is None  # not counted as a decided case in the on-time rate
    sweep(at(2026, 12, 21))
    case.refresh_from_db()
    assert case.status == Case.Status.NOT_ACCEPTED and not case.deemed_accepted


def test_a_case_received_before_the_clock_existed_gets_one_from_receipt(
    district: District, matter: Matter
) -> None:
    case = online(district, matter, at(2026, 11, 30))
    Case.objects.filter(pk=case.pk).update(
        clock_started_at=None, due_at=None, limit_workdays=None, clock_phase=""
    )

    result = sweep(at(2026, 12, 2))

    case.refresh_from_db()
    assert result.counts["cases.acceptance"]["acceptance_clock_started"] == 1
    assert case.due_at == end_of_day(dt.date(2026, 12, 7))


def test_new_applications_sort_by_their_acceptance_deadline_not_to_the_last_page(
    district: District, matter: Matter
) -> None:
    # A full first page of accepted cases with weeks to go, then two fresh applications.
    slow = make_matter(district.market, name="慢事项", promised_limit_days=20, online=True)
    for index in range(21):
        case = online(district, slow, at(2026, 11, 30), name=f"甲{index}")
        actions.accept_case(actor=district.alice, case=case, at=at(2026, 11, 30))
    older = online(district, matter, at(2026, 11, 30), name="李四")
    newer = online(district, matter, at(2026, 12, 2), name="王五")
    sweep(at(2026, 12, 7, 9))  # the older one's last day to answer

    html = page(district.client_for(district.alice), "/staff/cases/")

    numbers = re.findall(r'href="/staff/cases/\d+/">(\d+)</a>', html)
    assert len(numbers) == 20  # one full page
    assert numbers[:2] == [older.number, newer.number]
    assert '<span class="tag is-warning">黄色预警</span>' in html
    assert "受理</span>" in html  # the deadline is marked as the acceptance deadline


def test_the_case_page_shows_the_acceptance_deadline(
    district: District, matter: Matter, settings: Any
) -> None:
    case = online(district, matter, at(2026, 11, 30))

    html = page(district.client_for(district.alice), f"/staff/cases/{case.pk}/")

    assert "受理期限" in html
    assert "2026-12-07" in html
    assert "逾期未作决定的，自收到申请之日起视为受理" in html


def test_the_applicant_is_not_told_the_acceptance_deadline_is_a_promised_date(
    district: District, matter: Matter
) -> None:
    case = online(district, matter, at(2026, 11, 30))
    client = district.client_for(district.ruth)

    mine = page(client, f"/my/cases/{case.number}/")
    found = client.post(
        "/cases/lookup/", {"number": case.number, "query_code": case.query_code}
    ).content.decode()

    for html in (mine, found):
        # The date shows only as the acceptance deadline, never as the promised one.
        promised = re.findall(r"承诺办结日期</dt>\s*<dd>(.*?)</dd>", html, re.S)
        assert promised and all("2026年12月7日" not in dd for dd in promised)
        assert "受理后按承诺时限计算" in promised[0]
    assert "前受理、不予受理或一次性告知" in mine


def test_the_applicant_is_told_by_when_the_office_must_answer(
    district: District, matter: Matter
) -> None:
    case = online(district, matter, at(2026, 11, 30))

    html = page(district.client_for(district.ruth), f"/my/cases/{case.number}/receipt/")

    assert "应在 2026年12月7日 前受理、不予受理或一次性告知需补正的材料" in html
