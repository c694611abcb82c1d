"""催办, 督办 and 批示 through the actions: who may, what the unit receives, numbering, states."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cases import actions as case_actions
from conftest import District
from followup import actions
from followup.models import FollowUp
from followup.tests.conftest import accepted_case, at
from zuofeng.audit.models import AuditEvent
from zuofeng.duty.models import Notification
from zuofeng.transitions import Conflict

CASE = "cases.case"


def notice(d: District, case: Any, when: Any = None, limit: int = 3) -> FollowUp:
    return actions.issue_notice(
        actor=d.olivia,
        object_type=CASE,
        object_id=case.pk,
        text="请于期限内办结并书面说明超期原因",
        limit_workdays=limit,
        at=when or at(2026, 12, 1),
    )


def test_the_office_urges_an_overdue_case_and_the_unit_is_told(
    district: District, overdue_case: Any
) -> None:
    followup = actions.urge_duty(
        actor=district.olivia, object_type=CASE, object_id=overdue_case.pk, text="请尽快办结"
    )
    assert followup.kind == FollowUp.Kind.URGE
    assert followup.status == FollowUp.Status.SENT
    assert followup.unit == district.market
    assert followup.duty_label == f"办件 {overdue_case.number}"
    note = Notification.objects.get(link=f"/staff/followup/{followup.pk}/")
    assert note.unit == district.market
    assert note.audience == Notification.Audience.UNIT_STAFF
    assert "督查室催办" in note.title
    event = AuditEvent.objects.get(action="followup.urge_duty")
    assert event.object_id == str(followup.pk)
    assert event.chain == f"unit:{district.market.pk}"


@pytest.mark.parametrize("who", ["alice", "ahead", "bob", "dora", "ruth"])
def test_only_the_office_may_urge_issue_or_record(
    district: District, overdue_case: Any, who: str
) -> None:
    actor = getattr(district, who)
    common = {"actor": actor, "object_type": CASE, "object_id": overdue_case.pk}
    with pytest.raises(PermissionDenied):
        actions.urge_duty(**common, text="请尽快办结")
    with pytest.raises(PermissionDenied):
        actions.issue_notice(**common, text="请办结", limit_workdays=3)
    with pytest.raises(PermissionDenied):
        actions.record_instruction(**common, leader="区长 张某", text="请抓紧")
    assert not FollowUp.objects.exists()


def test_a_decided_case_cannot_be_urged_or_noticed_but_a_leader_may_still_instruct(
    district: District, overdue_case: Any
) -> None:
    case_actions.decide_case(actor=district.alice, case=overdue_case, approve=True)
    common = {"actor": district.olivia, "object_type": CASE, "object_id": overdue_case.pk}
    with pytest.raises(Conflict, match="已办结"):
        actions.urge_duty(**common, text="请尽快办结")
    with pytest.raises(Conflict):
        actions.issue_notice(**common, text="请办结", limit_workdays=3)
    instruction = actions.record_instruction(
        **common, leader="区长 张某", text="此件办理超期，请市场监管局在全局通报并整改"
    )
    assert instruction.leader == "区长 张某"
    assert Notification.objects.filter(
        audience=Notification.Audience.UNIT_HEAD, title__startswith="区长 张某批示"
    ).exists()


def test_a_duty_that_does_not_exist_is_refused_in_chinese(district: District) -> None:
    with pytest.raises(ValidationError, match="找不到要督办的事项"):
        actions.urge_duty(actor=district.olivia, object_type=CASE, object_id=999999, text="x")
    with pytest.raises(ValidationError, match="找不到要督办的事项"):
        actions.urge_duty(actor=district.olivia, object_type="org.unit", object_id=1, text="x")
    with pytest.raises(ValidationError, match="找不到要督办的事项"):
        actions.urge_duty(actor=district.olivia, object_type=CASE, object_id="abc", text="x")


def test_bad_input_is_refused_with_every_reason_and_nothing_saved(
    district: District, overdue_case: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.issue_notice(
            actor=district.olivia,
            object_type=CASE,
            object_id=overdue_case.pk,
            text="  ",
            limit_workdays=0,
        )
    errors = caught.value.message_dict
    assert errors["督办要求"] == ["必须填写督办要求"]
    assert errors["办复时限"] == ["办复时限应为 1 至 60 个工作日"]
    with pytest.raises(ValidationError, match="不能包含网页代码"):
        actions.record_instruction(
            actor=district.olivia,
            object_type=CASE,
            object_id=overdue_case.pk,
            leader="区长",
            text="<script>alert(1)</script>",
        )
    assert not FollowUp.objects.exists()
    assert not Notification.objects.filter(link__startswith="/staff/followup/").exists()


def test_notices_are_numbered_per_year(district: District) -> None:
    cases = [accepted_case(district, at(2026, 11, 2)) for _ in range(3)]
    first = notice(district, cases[0], at(2026, 12, 1))
    second = notice(district, cases[1], at(2026, 12, 2))
    next_year = notice(district, cases[2], at(2027, 1, 4))
    assert first.number == "督办〔2026〕第1号"
    assert second.number == "督办〔2026〕第2号"
    assert next_year.number == "督办〔2027〕第1号"
    assert str(first) == "督办〔2026〕第1号"


def test_a_refused_notice_does_not_use_up_a_number(district: District, overdue_case: Any) -> None:
    notice(district, overdue_case)
    with pytest.raises(Conflict, match="督办〔2026〕第1号"):
        notice(district, overdue_case)
    other = notice(district, accepted_case(district, at(2026, 11, 2)))
    assert other.number == "督办〔2026〕第2号"


def test_a_second_live_notice_on_the_same_duty_is_refused_even_past_the_check(
    district: District, overdue_case: Any
) -> None:
    """The database backstop: the constraint refuses a second live notice for one duty."""
    first = notice(district, overdue_case)
    duplicate = FollowUp(
        kind=FollowUp.Kind.NOTICE,
        status=FollowUp.Status.OPEN,
        object_type=CASE,
        object_id=str(overdue_case.pk),
        duty_label="x",
        unit=district.market,
        text="x",
        issued_by=district.olivia,
        created_at=first.created_at,
        year=2026,
        seq=99,
    )
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_the_notice_reaches_unit_staff_and_head(district: District, overdue_case: Any) -> None:
    followup = notice(district, overdue_case, at(2026, 12, 1), limit=3)
    # Three working days from Tuesday 1 December: Friday 4 December.
    assert followup.due_at is not None
    assert followup.due_at.astimezone(at(2026, 1, 1).tzinfo).date().isoformat() == "2026-12-04"
    audiences = set(
        Notification.objects.filter(link=f"/staff/followup/{followup.pk}/").values_list(
            "audience", flat=True
        )
    )
    assert audiences == {Notification.Audience.UNIT_STAFF, Notification.Audience.UNIT_HEAD}


def test_unit_answers_office_returns_unit_answers_again_office_closes(
    district: District, overdue_case: Any
) -> None:
    followup = notice(district, overdue_case, at(2026, 12, 1), limit=3)
    answered = actions.answer_notice(
        actor=district.alice, followup=followup, reply="已办结，超期原因已说明", at=at(2026, 12, 2)
    )
    assert answered.status == FollowUp.Status.ANSWERED
    assert answered.clock_paused_at == at(2026, 12, 2)
    assert Notification.objects.filter(
        audience=Notification.Audience.OFFICE, title__contains="已办复"
    ).exists()

    returned = actions.return_notice(
        actor=district.olivia, followup=answered, reason="未说明超期原因", at=at(2026, 12, 3)
    )
    assert returned.status == FollowUp.Status.RETURNED
    assert returned.returned_for_quality
    assert returned.returned_count == 1
    assert returned.clock_paused_at is None

    again = actions.answer_notice(
        actor=district.ahead, followup=returned, reply="超期原因：系统故障两天", at=at(2026, 12, 4)
    )
    closed = actions.close_notice(actor=district.olivia, followup=again, at=at(2026, 12, 7))
    assert closed.status == FollowUp.Status.CLOSED
    # Done when the accepted answer came, not when the office got round to reading it.
    assert closed.clock_stopped_at == at(2026, 12, 4)
    assert not closed.overdue_at_stop
    actions_seen = list(
        AuditEvent.objects.filter(object_type="followup.followup")
        .order_by("created_at", "pk")
        .values_list("action", flat=True)
    )
    assert actions_seen == [
        "followup.issue_notice",
        "followup.answer_notice",
        "followup.return_notice",
        "followup.answer_notice",
        "followup.close_notice",
    ]


def test_only_the_accountable_unit_answers_and_only_the_office_reviews(
    district: District, overdue_case: Any
) -> None:
    followup = notice(district, overdue_case)
    for outsider in (district.bob, district.olivia, district.ruth):
        with pytest.raises(PermissionDenied), transaction.atomic():
            actions.answer_notice(actor=outsider, followup=followup, reply="已办")
    answered = actions.answer_notice(actor=district.alice, followup=followup, reply="已办")
    for outsider in (district.alice, district.ahead, district.bob):
        with pytest.raises(PermissionDenied), transaction.atomic():
            actions.close_notice(actor=outsider, followup=answered)
        with pytest.raises(PermissionDenied), transaction.atomic():
            actions.return_notice(actor=outsider, followup=answered, reason="不行")


def test_steps_from_the_wrong_state_are_conflicts(district: District, overdue_case: Any) -> None:
    followup = notice(district, overdue_case)
    with pytest.raises(Conflict, match="不能办结"), transaction.atomic():
        actions.close_notice(actor=district.olivia, followup=followup)
    with pytest.raises(Conflict, match="不能退回"), transaction.atomic():
        actions.return_notice(actor=district.olivia, followup=followup, reason="不行")
    answered = actions.answer_notice(actor=district.alice, followup=followup, reply="已办")
    with pytest.raises(Conflict, match="不能办复"), transaction.atomic():
        actions.answer_notice(actor=district.alice, followup=answered, reply="再办")
    closed = actions.close_notice(actor=district.olivia, followup=answered)
    with pytest.raises(Conflict), transaction.atomic():
        actions.return_notice(actor=district.olivia, followup=closed, reason="不行")
    urge = actions.urge_duty(
        actor=district.olivia, object_type=CASE, object_id=overdue_case.pk, text="快"
    )
    with pytest.raises(Conflict), transaction.atomic():
        actions.answer_notice(actor=district.alice, followup=urge, reply="已办")


def test_a_closed_notice_lets_the_office_issue_another(
    district: District, overdue_case: Any
) -> None:
    first = notice(district, overdue_case)
    first = actions.answer_notice(actor=district.alice, followup=first, reply="已办")
    actions.close_notice(actor=district.olivia, followup=first)
    second = notice(district, overdue_case, at(2026, 12, 2))
    assert second.number == "督办〔2026〕第2号"
