"""The pages: the office's overdue list across duty kinds, the form with its confirmation step,
the notice's page and the unit's list, and who gets a 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import District
from followup import actions
from followup.models import FollowUp
from followup.tests.conftest import accepted_case, at
from tests.dutyapp.models import Chore
from zuofeng.duty import clock

CASE = "cases.case"


def overdue_chore(d: District, title: str = "清理占道经营") -> Chore:
    chore = Chore(unit=d.town, title=title)
    clock.start_clock(chore, at=at(2026, 10, 12), limit_workdays=3)
    chore.save()
    return chore


def issue(d: District, case: Any, limit: int = 3) -> FollowUp:
    return actions.issue_notice(
        actor=d.olivia,
        object_type=CASE,
        object_id=case.pk,
        text="请说明超期原因并限期办结",
        limit_workdays=limit,
    )


def test_the_office_sees_overdue_duties_of_every_kind_oldest_first(
    district: District, overdue_case: Any
) -> None:
    chore = overdue_chore(district)
    not_yet = accepted_case(district, at(2030, 1, 7))  # due in 2030
    client = district.client_for(district.olivia)
    response = client.get(reverse("followup:overdue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert overdue_case.number in page
    assert "清理占道经营" in page
    assert not_yet.number not in page
    assert page.index("清理占道经营") < page.index(overdue_case.number)  # older deadline first
    assert "共 2 件超期事项" in page

    only_cases = client.get(reverse("followup:overdue"), {"kind": CASE}).content.decode()
    assert overdue_case.number in only_cases and "清理占道经营" not in only_cases
    town = client.get(reverse("followup:overdue"), {"unit": district.town.pk}).content.decode()
    assert "清理占道经营" in town and overdue_case.number not in town
    assert chore.pk


def test_the_overdue_list_is_paginated_with_a_constant_number_of_queries(
    district: District, overdue_case: Any
) -> None:
    client = district.client_for(district.olivia)
    url = reverse("followup:overdue")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(30):
        overdue_chore(district, f"事项{n:02d}")
    issue(district, overdue_case)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "共 31 件超期事项" in response.content.decode()
    assert "第 1 / 2 页" in response.content.decode()
    assert len(many) <= len(few) + 1  # + the follow-ups of the page, in one query
    second = client.get(url, {"page": 2}).content.decode()
    assert overdue_case.number in second  # the case's deadline is the newest


@pytest.mark.parametrize("who", ["alice", "ahead", "bob", "dora", "ruth"])
def test_the_office_pages_are_404_to_everyone_else(
    district: District, overdue_case: Any, who: str
) -> None:
    client = district.client_for(getattr(district, who))
    assert client.get(reverse("followup:overdue")).status_code == 404
    new = reverse("followup:new")
    params = {"kind": "urge", "object_type": CASE, "object_id": overdue_case.pk}
    assert client.get(new, params).status_code == 404
    assert client.post(new, {**params, "text": "快", "confirmed": "1"}).status_code == 404
    assert not FollowUp.objects.exists()


def test_urging_takes_a_confirmation_step(district: District, overdue_case: Any) -> None:
    client = district.client_for(district.olivia)
    url = reverse("followup:new")
    params = {"kind": "urge", "object_type": CASE, "object_id": overdue_case.pk}
    form = client.get(url, params)
    assert "催办意见" in form.content.decode()
    confirm = client.post(url, {**params, "text": "请本周内办结"})
    assert confirm.status_code == 200
    assert "确认催办" in confirm.content.decode()
    assert not FollowUp.objects.exists()
    done = client.post(url, {**params, "text": "请本周内办结", "confirmed": "1"})
    followup = FollowUp.objects.get()
    assert done.status_code == 302 and done.url == reverse("followup:detail", args=[followup.pk])
    assert followup.text == "请本周内办结"


def test_bad_input_is_shown_in_chinese_next_to_the_fields(
    district: District, overdue_case: Any
) -> None:
    client = district.client_for(district.olivia)
    params = {"kind": "notice", "object_type": CASE, "object_id": overdue_case.pk}
    response = client.post(reverse("followup:new"), {**params, "text": "", "limit_workdays": "0"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "必须填写督办要求" in page
    assert "办复时限应为 1 至 60 个工作日" in page
    instruction = {**params, "kind": "instruction", "leader": "", "text": "请抓紧"}
    page = client.post(reverse("followup:new"), instruction).content.decode()
    assert "必须填写批示领导" in page
    assert not FollowUp.objects.exists()


def test_a_second_notice_on_the_same_duty_shows_the_conflict(
    district: District, overdue_case: Any
) -> None:
    first = issue(district, overdue_case)
    client = district.client_for(district.olivia)
    params = {"kind": "notice", "object_type": CASE, "object_id": overdue_case.pk}
    response = client.post(
        reverse("followup:new"),
        {**params, "text": "再督办", "limit_workdays": "3", "confirmed": "1"},
    )
    assert response.status_code == 409
    assert f"该事项已有未办结的督办通知 {first.number}" in response.content.decode()
    assert FollowUp.objects.count() == 1


def test_the_notice_page_is_the_printable_notice_and_another_unit_gets_404(
    district: District, overdue_case: Any
) -> None:
    followup = issue(district, overdue_case, limit=3)
    url = reverse("followup:detail", args=[followup.pk])
    page = district.client_for(district.alice).get(url).content.decode()
    assert "督办通知书" in page
    assert followup.number in page
    assert district.market.name in page
    assert overdue_case.number in page
    assert "请说明超期原因并限期办结" in page
    assert "3 个工作日" in page
    assert "followup/notice.css" in page  # the A4 print sheet
    assert "提交办复" in page
    for outsider in (district.bob, district.dora, district.ruth):
        assert district.client_for(outsider).get(url).status_code == 404
    assert (
        district.client_for(district.bob)
        .post(reverse("followup:act", args=[followup.pk, "answer"]), {"reply": "已办"})
        .status_code
        == 404
    )


def test_the_unit_answers_from_its_list_and_the_office_closes(
    district: District, overdue_case: Any
) -> None:
    followup = issue(district, overdue_case)
    other_unit = issue(district, accepted_case(district, at(2026, 11, 2), unit=district.hr))
    alice = district.client_for(district.alice)
    listing = alice.get(reverse("followup:list")).content.decode()
    assert followup.number in listing
    assert other_unit.number not in listing
    assert "提交办复" in listing

    answer = reverse("followup:act", args=[followup.pk, "answer"])
    empty = alice.post(answer, {"reply": " ", "next": "list"})
    assert empty.status_code == 400
    assert "必须填写办复情况" in empty.content.decode()
    done = alice.post(answer, {"reply": "已于12月2日办结", "next": "list"})
    assert done.status_code == 302 and done.url == reverse("followup:list")
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.ANSWERED

    # The unit cannot review its own answer: no form, and the step is refused.
    page = alice.get(reverse("followup:detail", args=[followup.pk])).content.decode()
    assert "审核通过，办结" not in page
    olivia = district.client_for(district.olivia)
    page = olivia.get(reverse("followup:detail", args=[followup.pk])).content.decode()
    assert "审核通过，办结" in page and "退回重办" in page
    no_reason = olivia.post(reverse("followup:act", args=[followup.pk, "return"]), {"reason": ""})
    assert "必须填写退回理由" in no_reason.content.decode()
    olivia.post(reverse("followup:act", args=[followup.pk, "close"]), {"note": "同意办结"})
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.CLOSED
    again = olivia.post(reverse("followup:act", args=[followup.pk, "close"]), {"note": ""})
    assert again.status_code == 409
    assert "不能办结" in again.content.decode()


def test_the_office_list_filters_by_unit_and_status(district: District, overdue_case: Any) -> None:
    mine = issue(district, overdue_case)
    theirs = issue(district, accepted_case(district, at(2026, 11, 2), unit=district.hr))
    client = district.client_for(district.olivia)
    hr_only = client.get(reverse("followup:list"), {"unit": district.hr.pk}).content.decode()
    assert theirs.number in hr_only and mine.number not in hr_only
    closed = client.get(reverse("followup:list"), {"status": "closed"}).content.decode()
    assert mine.number not in closed


def test_the_office_can_list_only_what_was_escalated_to_it(
    district: District, overdue_case: Any
) -> None:
    import time_machine

    from zuofeng.duty.sweep import sweep

    chore = overdue_chore(district)
    fresh = accepted_case(district, at(2026, 11, 30))  # due 7 December
    sweep(at(2026, 12, 8, 20))
    with time_machine.travel(at(2026, 12, 8, 20), tick=False):
        # Logged in at the travelled time: a staff session idle for days has expired.
        client = district.client_for(district.olivia)
        page = client.get(reverse("followup:overdue"), {"escalated": "office"}).content.decode()
        assert overdue_case.number in page and chore.title in page
        assert fresh.number not in page  # a day late: escalated to its head only
        assert fresh.number in client.get(reverse("followup:overdue")).content.decode()


def test_the_follow_up_list_costs_the_same_queries_for_one_row_or_many(
    district: District, overdue_case: Any
) -> None:
    issue(district, overdue_case)
    client = district.client_for(district.alice)
    url = reverse("followup:list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(5):
        case = accepted_case(district, at(2026, 11, 2))
        issue(district, case)
        actions.urge_duty(
            actor=district.olivia, object_type=CASE, object_id=case.pk, text="请尽快办结"
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("提交办复") == 6
    assert len(many) == len(one)
