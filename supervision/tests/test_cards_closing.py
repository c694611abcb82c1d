"""Cards from the sweep with their history; 销号 by a second person; reopening by complaints."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.intake.actions import file_complaint
from org import actions as org_actions
from org.roles import Role
from supervision import actions
from supervision.cards import sweep_cards
from supervision.models import Card, CardEvent, Task
from supervision.reopening import sweep_reopen
from supervision.tests.factories import BLANK_PDF, directive, task
from zuofeng.duty.models import Notification

pytestmark = pytest.mark.django_db

ISSUED = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
PROBLEM = "青石镇幸福小区化粪池满溢，污水流到小区门口道路上，气味很大，居民出行困难"


def pdf(name: str = "验收单.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, BLANK_PDF, content_type="application/pdf")


def leaf(district: Any, unit: Any = None, **fields: Any) -> Task:
    with time_machine.travel(ISSUED, tick=False):
        d = directive(district.olivia)
        t = task(d, district.olivia, unit or district.market, weight=100, **fields)
        actions.issue_directive(d, actor=district.olivia)
    t.refresh_from_db()
    return t


def test_lagging_progress_gets_a_yellow_card_and_a_passed_deadline_red(district: Any) -> None:
    t = leaf(district, deadline=dt.date(2026, 12, 31))
    with time_machine.travel(dt.datetime(2026, 11, 6, 2, 0, tzinfo=dt.UTC), tick=False):
        sweep_cards(dt.datetime(2026, 11, 6, 2, 0, tzinfo=dt.UTC))
    t.refresh_from_db()
    assert t.card == Card.NONE  # one week in: behind by less than the margin
    at = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)
    sweep_cards(at)
    t.refresh_from_db()
    assert t.card == Card.YELLOW and "落后于时间进度" in t.card_reason
    assert t.lagging
    sweep_cards(at)  # twice: nothing new
    assert CardEvent.objects.filter(task=t).count() == 1
    sweep_cards(dt.datetime(2027, 1, 4, 2, 0, tzinfo=dt.UTC))
    t.refresh_from_db()
    assert t.card == Card.RED


def test_a_red_that_turns_yellow_stays_in_the_history(district: Any) -> None:
    t = leaf(district, deadline=dt.date(2026, 12, 31))
    sweep_cards(dt.datetime(2027, 1, 4, 2, 0, tzinfo=dt.UTC))
    with time_machine.travel(dt.datetime(2027, 1, 4, 3, 0, tzinfo=dt.UTC), tick=False):
        actions.update_task(
            t,
            actor=district.olivia,
            title=t.title,
            unit=t.unit,
            deadline=dt.date(2027, 3, 31),
            kind=t.kind,
        )
    sweep_cards(dt.datetime(2027, 1, 5, 2, 0, tzinfo=dt.UTC))
    t.refresh_from_db()
    assert t.card == Card.YELLOW
    history = list(
        CardEvent.objects.filter(task=t).order_by("started_at").values_list("card", "ended_at")
    )
    assert [card for card, _ in history] == [Card.RED, Card.YELLOW]
    assert history[0][1] is not None and history[1][1] is None


def test_a_returned_report_gives_a_yellow_card(district: Any) -> None:
    t = leaf(district, deadline=dt.date(2027, 6, 30))
    at = dt.datetime(2026, 11, 5, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(at, tick=False):
        report = actions.submit_report(
            t, actor=district.alice, text="已完成。", state=Task.State.DONE
        )
        actions.return_report(report, actor=district.olivia, reason="无佐证")
    sweep_cards(at)
    t.refresh_from_db()
    assert (t.card, t.card_reason) == (Card.YELLOW, "进展报送被退回")


def test_closing_needs_evidence_a_second_person_and_a_callback(district: Any) -> None:
    olga = org_actions.add_person(
        actor=None,
        username="olga",
        full_name="欧佳",
        roles=[Role.SUPERVISOR],
        unit=district.office,
        password="pw-zuofeng-1",
    )
    t = leaf(district, unit=district.office, affects_residents=True, problem_text=PROBLEM)
    with pytest.raises(ValidationError, match="佐证材料"):
        actions.request_close(t, actor=district.olivia, evidence="已清掏", attachments=[])
    actions.request_close(
        t, actor=district.olivia, evidence="化粪池已清掏并扩容", attachments=[pdf()]
    )
    with pytest.raises(ValidationError, match="申请人以外的另一人"):
        actions.close_task(t, actor=district.olivia, callback_note="居民满意")
    with pytest.raises(ValidationError, match="群众回访情况"):
        actions.close_task(t, actor=olga, callback_note="")
    actions.close_task(t, actor=olga, callback_note="回访5户居民，均表示满意")
    t.refresh_from_db()
    assert t.status == Task.Status.CLOSED and t.clock_stopped_at is not None


def test_a_closed_task_reopens_when_new_complaints_about_the_same_problem_arrive(
    district: Any,
) -> None:
    olga = org_actions.add_person(
        actor=None,
        username="olga",
        full_name="欧佳",
        roles=[Role.SUPERVISOR],
        unit=district.office,
        password="pw-zuofeng-1",
    )
    t = leaf(district, problem_text=PROBLEM)
    closed_at = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(closed_at, tick=False):
        actions.request_close(t, actor=district.alice, evidence="已清掏", attachments=[pdf()])
        actions.close_task(t, actor=olga)
    later = dt.datetime(2026, 12, 10, 2, 0, tzinfo=dt.UTC)
    file_complaint(actor=None, channel="web", text="社保卡补办要跑三趟", unit=district.hr, at=later)
    file_complaint(
        actor=None,
        channel="web",
        text="幸福小区化粪池又满溢了，污水流到小区门口道路上",
        unit=district.town,
        at=later,
    )
    assert sweep_reopen(later) == {"reopened": 0}  # one complaint is not yet a pattern
    file_complaint(
        actor=None,
        channel="web",
        text="青石镇幸福小区污水外溢，小区门口道路上气味很大",
        unit=district.town,
        at=later,
    )
    assert sweep_reopen(later) == {"reopened": 1}
    t.refresh_from_db()
    assert t.status == Task.Status.ACTIVE and t.reopened_count == 1 and t.clock_stopped_at is None
    assert Notification.objects.filter(
        audience=Notification.Audience.OFFICE, title__contains="重新打开"
    ).exists()
    assert sweep_reopen(later) == {"reopened": 0}
