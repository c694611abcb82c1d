"""差评整改: a bad rating opens a work order for the unit that decided the case, on the duty
clock (verify in 2 working days, finish in 15, configurable); verify → rectify or explain →
call back → the head approves; out-of-order steps are refused; overdue orders escalate.

The helpers at the top (`decided_case`, `rate`, `bad_order`, ...) are shared by the other
test files of this app.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import actions as case_actions
from cases.models import Case
from catalog.tests.factories import make_matter
from conftest import District
from evaluations import actions
from evaluations.models import Evaluation, Level, Rectification
from org.models import Unit
from zuofeng.audit.chain import verify_chain
from zuofeng.audit.models import AuditEvent
from zuofeng.duty.models import (
    Escalation,
    EscalationLevel,
    Notification,
    WarningLevel,
)
from zuofeng.duty.sweep import sweep
from zuofeng.transitions import Conflict
from zuofeng.workdays.calendar import LOCAL_TZ, end_of_day

pytestmark = pytest.mark.django_db

APPLICANT_NAME, APPLICANT_PHONE = "张三丰", "13800001234"
# Monday 29 September 2025, the last working days before the National Day holiday
# (1–8 October; Saturday 11 October is a swapped working day).
BEFORE_NATIONAL_DAY = dt.datetime(2025, 9, 29, 10, 0, tzinfo=LOCAL_TZ)


# --- shared helpers --------------------------------------------------------------------------


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LOCAL_TZ)  # type: ignore[misc]


def member_of(d: District, unit: Unit) -> Any:
    return {d.market.pk: d.alice, d.hr.pk: d.bob}[unit.pk]


def decided_case(
    d: District,
    *,
    unit: Unit | None = None,
    at: dt.datetime | None = None,
    channel: str = Case.Channel.WINDOW,
) -> Case:
    """A case of `unit` (market by default) submitted, accepted and approved at `at`."""
    unit = unit or d.market
    staff = member_of(d, unit)
    case = case_actions.submit_case(
        actor=d.amy if unit == d.market else staff,
        matter=make_matter(unit, promised_limit_days=5),
        channel=channel,
        applicant_name=APPLICANT_NAME,
        applicant_phone=APPLICANT_PHONE,
        applicant_id_number="110101199001011234",
        applicant_user=d.ruth,
        at=at,
    )
    case = case_actions.accept_case(actor=staff, case=case, at=at)
    return case_actions.decide_case(actor=staff, case=case, approve=True, at=at)


def rate(
    d: District, case: Case, level: int, *, at: dt.datetime | None = None, **kwargs: Any
) -> Evaluation:
    # The rater follows the signed SMS link: no login, the link is the credential.
    kwargs.setdefault("source", Evaluation.Source.SMS_LINK)
    return actions.rate_case(actor=None, case=case, level=level, at=at, **kwargs)


def bad_order(
    d: District,
    *,
    unit: Unit | None = None,
    at: dt.datetime | None = None,
    level: int = Level.DISSATISFIED,
    **kwargs: Any,
) -> Rectification:
    """A rectification opened by a bad rating of a freshly decided case."""
    evaluation = rate(d, decided_case(d, unit=unit, at=at), level, at=at, **kwargs)
    return Rectification.objects.get(evaluation=evaluation)


def verified(d: District, order: Rectification, at: dt.datetime | None = None) -> Rectification:
    return actions.verify_rectification(
        actor=d.alice, rectification=order, finding="窗口人员答复不清，属实", at=at
    )


def rectified(
    d: District,
    order: Rectification,
    outcome: str = Rectification.Outcome.IMMEDIATE,
    at: dt.datetime | None = None,
) -> Rectification:
    return actions.rectify(
        actor=d.alice,
        rectification=verified(d, order, at),
        outcome=outcome,
        measures="已对窗口人员进行业务培训",
        at=at,
    )


def awaiting_approval(
    d: District, order: Rectification, at: dt.datetime | None = None
) -> Rectification:
    return actions.record_callback(
        actor=d.olivia,
        rectification=rectified(d, order, at=at),
        answer=Rectification.CallbackAnswer.SATISFIED,
        note="电话回访，表示满意",
        at=at,
    )


def trail(order: Rectification) -> list[str]:
    return list(AuditEvent.objects.for_object(order).values_list("action", flat=True))


# --- opening ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "opens"),
    [(1, True), (2, True), (3, False), (4, False), (5, False)],
)
def test_only_dissatisfied_and_very_dissatisfied_open_a_rectification(
    district: District, level: int, opens: bool
) -> None:
    evaluation = rate(district, decided_case(district), level)

    assert Rectification.objects.filter(evaluation=evaluation).exists() is opens
    assert evaluation.is_bad is opens


def test_the_rectification_goes_to_the_unit_that_decided_the_case(district: District) -> None:
    d = district
    # Submitted to the market bureau, transferred to human resources, decided there.
    case = case_actions.submit_case(
        actor=d.amy,
        matter=make_matter(d.market),
        channel=Case.Channel.WINDOW,
        applicant_name=APPLICANT_NAME,
        applicant_phone=APPLICANT_PHONE,
        applicant_id_number="110101199001011234",
    )
    case_actions.transfer_case(actor=d.alice, case=case, to_unit=d.hr, reason="属人社局职责")
    case = case_actions.accept_case(actor=d.bob, case=case)
    case = case_actions.decide_case(actor=d.bob, case=case, approve=True)

    order = Rectification.objects.get(evaluation=rate(d, case, Level.VERY_DISSATISFIED))

    assert order.unit == d.hr
    assert order.evaluation.unit == d.hr
    assert order.status == Rectification.Status.VERIFYING
    assert order.number.startswith("ZG")
    assert order.clock_running


def test_verify_is_due_in_2_working_days_and_the_whole_in_15_across_national_day(
    district: District,
) -> None:
    order = bad_order(district, at=BEFORE_NATIONAL_DAY)

    # 30 Sep is the 1st working day, then 1–8 Oct are holidays: the 2nd is 9 Oct.
    assert order.verify_due_at == end_of_day(dt.date(2025, 10, 9))
    # …and the 15th is 27 Oct, counting the swapped working Saturday 11 Oct.
    assert order.due_at == end_of_day(dt.date(2025, 10, 27))
    assert order.limit_workdays == 15
    assert order.opened_at == BEFORE_NATIONAL_DAY


def test_a_city_allowing_5_working_days_for_the_whole_order_gets_5(
    district: District, settings: Any
) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "RECTIFY_FINISH_WORKDAYS": 5}

    order = bad_order(district, at=BEFORE_NATIONAL_DAY)

    assert order.limit_workdays == 5
    # 30 Sep, 9, 10, 11 (Saturday, swapped), 13 Oct.
    assert order.due_at == end_of_day(dt.date(2025, 10, 13))
    assert order.verify_due_at == end_of_day(dt.date(2025, 10, 9))


def test_verification_is_never_due_after_the_whole_order(district: District, settings: Any) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "RECTIFY_FINISH_WORKDAYS": 1}

    order = bad_order(district, at=BEFORE_NATIONAL_DAY)

    assert order.due_at == end_of_day(dt.date(2025, 9, 30))
    assert order.verify_due_at == order.due_at


# --- the flow --------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", Rectification.Outcome.values)
def test_the_full_flow_closes_the_order_on_time_and_stops_its_clock(
    district: District, outcome: str
) -> None:
    d = district
    with time_machine.travel(BEFORE_NATIONAL_DAY, tick=False) as traveller:
        order = bad_order(d, level=Level.VERY_DISSATISFIED)
        traveller.shift(dt.timedelta(days=1))
        order = actions.verify_rectification(
            actor=d.alice, rectification=order, finding="经调取录像，窗口人员态度生硬，属实"
        )
        assert order.status == Rectification.Status.RECTIFYING
        assert order.verified_at is not None and not order.verified_late

        order = actions.rectify(
            actor=d.alice, rectification=order, outcome=outcome, measures="已约谈并整改"
        )
        assert order.status == Rectification.Status.CALLBACK
        assert order.outcome == outcome

        traveller.shift(dt.timedelta(days=9))
        order = actions.record_callback(
            actor=d.olivia,
            rectification=order,
            answer=Rectification.CallbackAnswer.SATISFIED,
            note="电话回访，评价人表示认可",
            re_rating=Level.SATISFIED,
        )
        assert order.status == Rectification.Status.APPROVAL

        order = actions.approve_rectification(actor=d.ahead, rectification=order)

    order.refresh_from_db()
    assert order.status == Rectification.Status.CLOSED
    assert order.approved_by == d.ahead
    assert order.closed_at is not None
    assert order.clock_stopped_at == order.closed_at
    assert order.closed_on_time is True
    assert not order.overdue_at_stop
    # The re-rating is recorded beside the original, which stays on file unchanged.
    assert order.re_rating == Level.SATISFIED
    assert Evaluation.objects.get(pk=order.evaluation_id).level == Level.VERY_DISSATISFIED
    assert trail(order) == [
        "evaluations.open_rectification",
        "evaluations.verify_rectification",
        "evaluations.rectify",
        "evaluations.record_callback",
        "evaluations.approve_rectification",
    ]
    assert verify_chain() is None


def test_an_explanation_must_be_written_for_解释说明(district: District) -> None:
    d = district
    order = verified(d, bad_order(d))

    with pytest.raises(ValidationError) as caught:
        actions.rectify(
            actor=d.alice,
            rectification=order,
            outcome=Rectification.Outcome.EXPLAINED,
            measures="   ",
        )

    assert "解释说明" in caught.value.message_dict
    order.refresh_from_db()
    assert order.status == Rectification.Status.RECTIFYING
    assert order.outcome == ""


def test_an_explanation_is_stored_as_the_orders_answer(district: District) -> None:
    d = district
    order = actions.rectify(
        actor=d.alice,
        rectification=verified(d, bad_order(d)),
        outcome=Rectification.Outcome.EXPLAINED,
        measures="该事项依法需现场核查，已向评价人说明法定时限和依据",
    )

    order.refresh_from_db()
    assert order.get_outcome_display() == "解释说明"
    assert "法定时限" in order.measures


def test_an_unknown_outcome_is_refused(district: District) -> None:
    d = district
    order = verified(d, bad_order(d))

    with pytest.raises(ValidationError):
        actions.rectify(actor=d.alice, rectification=order, outcome="later", measures="x")


def test_a_rater_who_could_not_be_reached_cannot_re_rate(district: District) -> None:
    d = district
    order = rectified(d, bad_order(d))

    with pytest.raises(ValidationError):
        actions.record_callback(
            actor=d.olivia,
            rectification=order,
            answer=Rectification.CallbackAnswer.UNREACHABLE,
            re_rating=Level.SATISFIED,
        )
    order = actions.record_callback(
        actor=d.olivia, rectification=order, answer=Rectification.CallbackAnswer.UNREACHABLE
    )

    assert order.status == Rectification.Status.APPROVAL
    assert order.re_rating is None


def test_a_re_rating_must_be_a_real_level(district: District) -> None:
    d = district
    order = rectified(d, bad_order(d))

    with pytest.raises(ValidationError):
        actions.record_callback(
            actor=d.olivia,
            rectification=order,
            answer=Rectification.CallbackAnswer.SATISFIED,
            re_rating=9,
        )


# --- who may act -----------------------------------------------------------------------------


def test_only_the_unit_head_may_approve_closure(district: District) -> None:
    d = district
    order = awaiting_approval(d, bad_order(d))

    for someone in (d.alice, d.amy, d.bob, d.olivia, d.root):
        with pytest.raises(PermissionDenied):
            actions.approve_rectification(actor=someone, rectification=order)

    order.refresh_from_db()
    assert order.status == Rectification.Status.APPROVAL
    assert actions.approve_rectification(actor=d.ahead, rectification=order).closed_at


def test_nobody_approves_for_a_unit_without_a_head(district: District) -> None:
    d = district
    # Human resources has no head: the system (actor None) must not pass as its head.
    order = bad_order(d, unit=d.hr)
    order = actions.verify_rectification(actor=d.bob, rectification=order, finding="属实")
    order = actions.rectify(
        actor=d.bob, rectification=order, outcome=Rectification.Outcome.IMMEDIATE, measures="已改"
    )
    order = actions.record_callback(
        actor=d.olivia, rectification=order, answer=Rectification.CallbackAnswer.BASIC
    )

    for someone in (None, d.bob, d.ahead):
        with pytest.raises(PermissionDenied):
            actions.approve_rectification(actor=someone, rectification=order)
        with pytest.raises(PermissionDenied):
            actions.return_rectification(actor=someone, rectification=order, reason="不到位")


@pytest.mark.parametrize("someone", ["bob", "olivia", "ruth"])
def test_only_the_rated_units_staff_work_the_order(district: District, someone: str) -> None:
    order = bad_order(district)

    with pytest.raises(PermissionDenied):
        actions.verify_rectification(
            actor=getattr(district, someone), rectification=order, finding="属实"
        )

    order.refresh_from_db()
    assert order.status == Rectification.Status.VERIFYING


def test_the_head_may_return_poor_work_which_turns_yellow_and_goes_back_to_rectifying(
    district: District,
) -> None:
    d = district
    with time_machine.travel(BEFORE_NATIONAL_DAY, tick=False):
        order = awaiting_approval(d, bad_order(d))
        order = actions.return_rectification(
            actor=d.ahead, rectification=order, reason="措施空泛，请写明培训时间和人员"
        )

        assert order.status == Rectification.Status.RECTIFYING
        assert order.returned_for_quality is True
        assert order.warning_level == WarningLevel.YELLOW
        event = AuditEvent.objects.for_object(order).last()
        assert event.action == "evaluations.return_rectification"
        assert event.reason == "措施空泛，请写明培训时间和人员"
        note = Notification.objects.get(audience=Notification.Audience.UNIT_STAFF)
        assert note.unit == d.market
        assert note.link == reverse("evaluations:rectification", args=[order.pk])
        # The sweep agrees with the level the action set: no second warning event.
        sweep(BEFORE_NATIONAL_DAY)
        assert "duty.warning" not in trail(order)

        # Rework clears the flag; the deadline's own level (none yet) applies again.
        order = actions.rectify(
            actor=d.alice,
            rectification=order,
            outcome=Rectification.Outcome.BY_DEADLINE,
            measures="9月30日前完成窗口人员培训，名单附后",
        )
        assert order.returned_for_quality is False
        assert order.warning_level == WarningLevel.NONE
        order = actions.record_callback(
            actor=d.olivia, rectification=order, answer=Rectification.CallbackAnswer.SATISFIED
        )
        order = actions.approve_rectification(actor=d.ahead, rectification=order)

    assert order.status == Rectification.Status.CLOSED


def test_a_return_needs_a_reason(district: District) -> None:
    d = district
    order = awaiting_approval(d, bad_order(d))

    with pytest.raises(ValidationError):
        actions.return_rectification(actor=d.ahead, rectification=order, reason=" ")


# --- out of order ----------------------------------------------------------------------------


def _verify(d: District, order: Rectification) -> Any:
    return actions.verify_rectification(actor=d.alice, rectification=order, finding="属实")


def _rectify(d: District, order: Rectification) -> Any:
    return actions.rectify(
        actor=d.alice, rectification=order, outcome=Rectification.Outcome.IMMEDIATE, measures="改"
    )


def _callback(d: District, order: Rectification) -> Any:
    return actions.record_callback(
        actor=d.olivia, rectification=order, answer=Rectification.CallbackAnswer.SATISFIED
    )


def _approve(d: District, order: Rectification) -> Any:
    return actions.approve_rectification(actor=d.ahead, rectification=order)


def _return(d: District, order: Rectification) -> Any:
    return actions.return_rectification(actor=d.ahead, rectification=order, reason="不到位")


STEP_CALLS = {
    "verify": _verify,
    "rectify": _rectify,
    "callback": _callback,
    "approve": _approve,
    "return": _return,
}
ALLOWED = {
    Rectification.Status.VERIFYING: {"verify"},
    Rectification.Status.RECTIFYING: {"rectify"},
    Rectification.Status.CALLBACK: {"callback"},
    Rectification.Status.APPROVAL: {"approve", "return"},
    Rectification.Status.CLOSED: set(),
}


def order_in(d: District, status: str) -> Rectification:
    order = bad_order(d)
    path = ["verify", "rectify", "callback", "approve"]
    for step in path[: list(ALLOWED).index(status)]:
        order = STEP_CALLS[step](d, order)
    assert order.status == status
    return order


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (status, step)
        for status, allowed in ALLOWED.items()
        for step in STEP_CALLS
        if step not in allowed
    ],
)
def test_a_step_out_of_order_is_a_conflict_that_changes_nothing(
    district: District, status: str, step: str
) -> None:
    order = order_in(district, status)
    before = Rectification.objects.filter(pk=order.pk).values().get()
    events = AuditEvent.objects.count()

    with pytest.raises(Conflict) as caught:
        STEP_CALLS[step](district, order)

    message = str(caught.value)
    assert order.number in message
    assert f"当前状态为“{Rectification.Status(status).label}”" in message
    assert "请刷新后查看最新状态" in message
    assert Rectification.objects.filter(pk=order.pk).values().get() == before
    assert AuditEvent.objects.count() == events


# --- the duty clock --------------------------------------------------------------------------


def test_an_overdue_rectification_escalates_to_the_head_then_the_office(
    district: District,
) -> None:
    d = district
    order = bad_order(d, at=BEFORE_NATIONAL_DAY)  # due 27 October
    link = reverse("evaluations:rectification", args=[order.pk])

    sweep(local(2025, 10, 24, 9))  # one working day left: blue
    order.refresh_from_db()
    assert order.warning_level == WarningLevel.BLUE
    assert order.escalation_level == EscalationLevel.NONE

    sweep(local(2025, 10, 28, 9))  # a day late: red, and the head is told
    order.refresh_from_db()
    assert order.warning_level == WarningLevel.RED
    assert order.escalation_level == EscalationLevel.HEAD
    head_note = Notification.objects.get(audience=Notification.Audience.UNIT_HEAD)
    assert head_note.unit == d.market and head_note.link == link
    assert order.number in head_note.title

    sweep(local(2025, 10, 30, 9))  # three working days late: the office
    order.refresh_from_db()
    assert order.escalation_level == EscalationLevel.OFFICE
    assert list(
        Escalation.objects.filter(duty_id=str(order.pk))
        .order_by("level")
        .values_list("level", "unit")
    ) == [(EscalationLevel.HEAD, d.market.pk), (EscalationLevel.OFFICE, d.market.pk)]
    assert Notification.objects.filter(audience=Notification.Audience.OFFICE, link=link).exists()

    # Idempotent: sweeping again changes nothing.
    events = AuditEvent.objects.count()
    sweep(local(2025, 10, 30, 9, 5))
    assert AuditEvent.objects.count() == events
    assert trail(order).count("duty.escalate") == 2


def test_a_closed_order_no_longer_escalates_and_a_late_close_is_not_on_time(
    district: District,
) -> None:
    d = district
    order = awaiting_approval(d, bad_order(d, at=BEFORE_NATIONAL_DAY), at=BEFORE_NATIONAL_DAY)
    late = local(2025, 10, 28, 9)

    order = actions.approve_rectification(actor=d.ahead, rectification=order, at=late)
    sweep(local(2025, 11, 10, 9))

    order.refresh_from_db()
    assert order.closed_on_time is False
    assert order.overdue_at_stop
    assert order.escalation_level == EscalationLevel.NONE
    assert not Escalation.objects.filter(duty_id=str(order.pk)).exists()
