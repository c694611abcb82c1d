"""A 督办 notice on the shared clock (the sweep warns and escalates it like any duty), its
measure on the scorecard's registry, and the panel a duty's page includes."""

from __future__ import annotations

from typing import Any

from django.template import Context, Template
from django.test import RequestFactory

from conftest import District
from followup import actions
from followup.models import FollowUp
from followup.tests.conftest import at
from zuofeng.duty.models import Escalation, EscalationLevel, Notification, WarningLevel
from zuofeng.duty.registry import registered_duties
from zuofeng.duty.sweep import sweep
from zuofeng.measures import get_measure

CASE = "cases.case"
TYPE = "followup.followup"


def issue(d: District, case: Any, when: Any, limit: int = 2) -> FollowUp:
    return actions.issue_notice(
        actor=d.olivia,
        object_type=CASE,
        object_id=case.pk,
        text="请限期办结",
        limit_workdays=limit,
        at=when,
    )


def level(followup: FollowUp) -> tuple[str, int]:
    followup.refresh_from_db()
    return followup.warning_level, followup.escalation_level


def test_notices_are_registered_as_duties() -> None:
    assert TYPE in {kind.object_type for kind in registered_duties()}


def test_the_sweep_warns_and_escalates_an_unanswered_notice(
    district: District, overdue_case: Any
) -> None:
    # Issued Monday 7 December with 2 working days: due at the end of Wednesday 9 December.
    followup = issue(district, overdue_case, at(2026, 12, 7))
    before = Escalation.objects.filter(duty_type=TYPE).count()
    sweep(at(2026, 12, 8))
    assert level(followup)[0] == WarningLevel.BLUE
    sweep(at(2026, 12, 9))
    assert level(followup)[0] == WarningLevel.YELLOW
    sweep(at(2026, 12, 10))
    assert level(followup) == (WarningLevel.RED, EscalationLevel.HEAD)
    escalation = Escalation.objects.get(duty_type=TYPE, level=EscalationLevel.HEAD)
    assert escalation.unit == district.market
    assert escalation.duty_label == followup.number
    assert before == 0
    head_note = Notification.objects.get(
        audience=Notification.Audience.UNIT_HEAD,
        title__contains="超期",
        link=f"/staff/followup/{followup.pk}/",
    )
    assert head_note.title == f"督办通知 {followup.number} 超期已升级至一把手"


def test_an_answered_notice_is_not_escalated_while_the_office_reviews(
    district: District, overdue_case: Any
) -> None:
    followup = issue(district, overdue_case, at(2026, 12, 7))
    actions.answer_notice(
        actor=district.alice, followup=followup, reply="已办结", at=at(2026, 12, 8)
    )
    sweep(at(2026, 12, 21))
    assert level(followup)[1] == EscalationLevel.NONE
    assert not Escalation.objects.filter(duty_type=TYPE).exists()


def test_a_returned_notice_turns_yellow_at_the_next_sweep(
    district: District, overdue_case: Any
) -> None:
    followup = issue(district, overdue_case, at(2026, 12, 7), limit=5)
    followup = actions.answer_notice(
        actor=district.alice, followup=followup, reply="已办", at=at(2026, 12, 8)
    )
    actions.return_notice(
        actor=district.olivia, followup=followup, reason="未附办理结果", at=at(2026, 12, 8, 15)
    )
    sweep(at(2026, 12, 8, 16))
    assert level(followup)[0] == WarningLevel.YELLOW


def test_overdue_notices_are_counted_in_the_month_the_deadline_passed(
    district: District, overdue_case: Any
) -> None:
    from followup.tests.conftest import accepted_case

    late = issue(district, overdue_case, at(2026, 12, 7))  # due 9 December, never answered
    on_time = issue(district, accepted_case(district, at(2026, 11, 2)), at(2026, 12, 7))
    actions.answer_notice(actor=district.alice, followup=on_time, reply="已办", at=at(2026, 12, 8))
    answered_late = issue(district, accepted_case(district, at(2026, 11, 2)), at(2026, 12, 7))
    answered_late = actions.answer_notice(
        actor=district.alice, followup=answered_late, reply="已办", at=at(2026, 12, 11)
    )
    actions.close_notice(actor=district.olivia, followup=answered_late, at=at(2026, 12, 14))
    actions.urge_duty(  # urges are not notices and never count
        actor=district.olivia, object_type=CASE, object_id=overdue_case.pk, text="快"
    )

    overdue = get_measure("followup_notice_overdue")
    assert overdue.time_dependent and "办复期限" in overdue.definition
    december = overdue.records(
        district.market.pk, at(2026, 12, 1).date(), at(2027, 1, 1).date(), at(2026, 12, 15)
    )
    assert set(december.values_list("pk", flat=True)) == {late.pk, answered_late.pk}
    # Before the deadline passed, the unanswered one was not yet overdue.
    early = overdue.records(
        district.market.pk, at(2026, 12, 1).date(), at(2027, 1, 1).date(), at(2026, 12, 9)
    )
    assert late.pk not in set(early.values_list("pk", flat=True))
    due = get_measure("followup_notice_due").records(
        district.market.pk, at(2026, 12, 1).date(), at(2027, 1, 1).date(), at(2026, 12, 15)
    )
    assert due.count() == 3
    assert not overdue.records(
        district.hr.pk, at(2026, 12, 1).date(), at(2027, 1, 1).date(), at(2026, 12, 15)
    ).exists()


PANEL = Template("{% load followup_tags %}{% followup_panel duty %}")


def render_panel(user: Any, duty: Any) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return PANEL.render(Context({"request": request, "duty": duty}))


def test_the_panel_shows_the_office_its_buttons_and_the_duty_s_follow_ups(
    district: District, overdue_case: Any
) -> None:
    html = render_panel(district.olivia, overdue_case)
    assert "暂无催办、督办或领导批示" in html
    assert "kind=urge&amp;object_type=cases.case&amp;object_id=" in html
    assert "kind=notice" in html and "kind=instruction" in html

    followup = issue(district, overdue_case, at(2026, 12, 7))
    html = render_panel(district.olivia, overdue_case)
    assert followup.number in html
    assert "督办中" in html
    assert "kind=notice" not in html  # one live notice per duty


def test_the_unit_sees_its_follow_ups_in_the_panel_without_buttons(
    district: District, overdue_case: Any
) -> None:
    followup = issue(district, overdue_case, at(2026, 12, 7))
    html = render_panel(district.alice, overdue_case)
    assert followup.number in html
    assert "kind=urge" not in html
    # Another unit's clerk sees nothing of it (they cannot open the case either).
    assert followup.number not in render_panel(district.bob, overdue_case)


def test_the_panel_shows_nothing_for_a_record_that_is_not_a_duty(district: District) -> None:
    assert render_panel(district.olivia, district.market).strip() == ""


def test_the_scorecard_rollups_count_a_notice_once_its_deadline_passes(
    district: District, overdue_case: Any
) -> None:
    from scorecard import rollups

    codes = ["followup_notice_due", "followup_notice_overdue"]
    december, january = at(2026, 12, 1).date(), at(2027, 1, 1).date()
    issue(district, overdue_case, at(2026, 12, 7))  # due at the end of 9 December
    rollups.refresh(at(2026, 12, 8))
    assert rollups.totals(december, january, codes)[district.market.pk] == {
        "followup_notice_due": 1
    }
    # Nothing about the notice changes: only its deadline passes, and the refresh finds it.
    rollups.refresh(at(2026, 12, 10))
    assert rollups.totals(december, january, codes)[district.market.pk] == {
        "followup_notice_due": 1,
        "followup_notice_overdue": 1,
    }
