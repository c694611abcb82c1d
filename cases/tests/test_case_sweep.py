"""The sweep on real cases: warning colours as time passes, escalation to the head and then
to the supervision office, idempotence, and the SQL thresholds agreeing with the clock."""

from __future__ import annotations

import datetime as dt
import itertools
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from cases import actions
from cases.models import Case
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District
from zuofeng.audit.chain import verify_chain
from zuofeng.audit.models import AuditEvent
from zuofeng.duty import clock
from zuofeng.duty.models import Escalation, EscalationLevel, Notification, WarningLevel
from zuofeng.duty.sweep import sweep, target_escalation, target_warning
from zuofeng.workdays.models import DayOverride

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=SH)


def matter_with(d: District, limit: int) -> Matter:
    return make_matter(d.market, promised_limit_days=limit, statutory_limit_days=max(limit, 20))


def accepted(d: District, when: dt.datetime, limit: int = 5, matter: Matter | None = None) -> Case:
    case = actions.submit_case(
        actor=d.amy,
        matter=matter or matter_with(d, limit),
        channel=Case.Channel.WINDOW,
        applicant_name="王五",
        applicant_phone="13700002222",
        applicant_id_number="110101197001012222",
        applicant_user=d.ruth,
        at=when,
    )
    return actions.accept_case(actor=d.amy, case=case, at=when)


def state(case: Case) -> tuple[str, int]:
    case.refresh_from_db()
    return case.warning_level, case.escalation_level


def head_and_office_notices(d: District) -> list[str]:
    return list(
        Notification.objects.filter(
            unit=d.market,
            audience__in=[Notification.Audience.UNIT_HEAD, Notification.Audience.OFFICE],
        )
        .order_by("created_at", "id")
        .values_list("audience", flat=True)
    )


def test_an_accepted_case_turns_blue_yellow_red_and_escalates_to_head_then_office(
    district: District,
) -> None:
    case = accepted(district, at(2026, 11, 2))  # Monday, 5 working days: due Monday 9th
    sweep(at(2026, 11, 4))
    assert state(case) == (WarningLevel.NONE, EscalationLevel.NONE)

    sweep(at(2026, 11, 6))  # Friday: one working day left
    assert state(case) == (WarningLevel.BLUE, EscalationLevel.NONE)
    staff_note = Notification.objects.get(audience=Notification.Audience.UNIT_STAFF)
    assert staff_note.unit == district.market
    assert staff_note.title == f"办件 {case.number} 临近期限"
    assert staff_note.link == reverse("cases:staff_detail", args=[case.pk])

    sweep(at(2026, 11, 9, 8))  # due today
    assert state(case) == (WarningLevel.YELLOW, EscalationLevel.NONE)

    sweep(at(2026, 11, 10, 0, 1))  # a minute past midnight: overdue, to the head at once
    assert state(case) == (WarningLevel.RED, EscalationLevel.HEAD)
    escalation = Escalation.objects.get()
    assert (escalation.level, escalation.unit, escalation.duty_id, escalation.due_at) == (
        EscalationLevel.HEAD,
        district.market,
        str(case.pk),
        case.due_at,
    )
    assert head_and_office_notices(district) == [Notification.Audience.UNIT_HEAD]

    sweep(at(2026, 11, 11, 17))  # two working days late: still the head's
    assert state(case) == (WarningLevel.RED, EscalationLevel.HEAD)

    sweep(at(2026, 11, 12, 9))  # three working days late: the supervision office
    assert state(case) == (WarningLevel.RED, EscalationLevel.OFFICE)
    levels = list(Escalation.objects.order_by("level").values_list("level", flat=True))
    assert levels == [EscalationLevel.HEAD, EscalationLevel.OFFICE]
    assert head_and_office_notices(district) == [
        Notification.Audience.UNIT_HEAD,
        Notification.Audience.OFFICE,
    ]

    changes = list(
        AuditEvent.objects.for_object(case)
        .filter(action__startswith="duty.")
        .values_list("action", "after")
    )
    assert changes == [
        ("duty.warning", {"warning_level": "blue"}),
        ("duty.warning", {"warning_level": "yellow"}),
        ("duty.warning", {"warning_level": "red"}),
        ("duty.escalate", {"escalation_level": 1}),
        ("duty.escalate", {"escalation_level": 2}),
    ]
    assert verify_chain() is None


def test_escalation_to_the_office_counts_working_days_across_national_day(
    district: District,
) -> None:
    case = accepted(district, at(2026, 9, 29), limit=1)  # due Wednesday 30 September
    sweep(at(2026, 10, 1))
    assert state(case) == (WarningLevel.RED, EscalationLevel.HEAD)
    sweep(at(2026, 10, 9))  # the holiday does not count: 8 and 9 October are two days
    assert state(case) == (WarningLevel.RED, EscalationLevel.HEAD)
    sweep(at(2026, 10, 10))  # Saturday 10 October is a make-up working day: the third
    assert state(case) == (WarningLevel.RED, EscalationLevel.OFFICE)


def test_running_the_sweep_twice_changes_nothing_the_second_time(district: District) -> None:
    accepted(district, at(2026, 10, 26), limit=1)  # long overdue by 6 November
    accepted(district, at(2026, 11, 2), limit=5)  # blue on 6 November
    accepted(district, at(2026, 11, 6), limit=0)  # immediate: yellow on the day
    first = sweep(at(2026, 11, 6))
    assert first.counts
    counts = (
        AuditEvent.objects.count(),
        Notification.objects.count(),
        Escalation.objects.count(),
    )
    levels = list(Case.objects.order_by("pk").values_list("warning_level", "escalation_level"))
    second = sweep(at(2026, 11, 6, 11))
    # Periodic steps may report zero counts; nothing may have moved.
    assert {name: c for name, c in second.counts.items() if any(c.values())} == {}
    assert (
        AuditEvent.objects.count(),
        Notification.objects.count(),
        Escalation.objects.count(),
    ) == counts
    assert (
        list(Case.objects.order_by("pk").values_list("warning_level", "escalation_level")) == levels
    )
    assert verify_chain() is None


def test_decided_cases_are_not_escalated(district: District) -> None:
    late_but_decided = accepted(district, at(2026, 10, 26), limit=1)  # due 27 October
    actions.decide_case(
        actor=district.alice, case=late_but_decided, approve=True, at=at(2026, 10, 30)
    )
    red_then_decided = accepted(district, at(2026, 10, 26), limit=1)
    sweep(at(2026, 10, 28))
    assert state(red_then_decided) == (WarningLevel.RED, EscalationLevel.HEAD)
    actions.decide_case(
        actor=district.alice,
        case=red_then_decided,
        approve=False,
        reason="不符合条件",
        legal_basis="第三十八条",
        at=at(2026, 10, 29),
    )
    sweep(at(2026, 11, 30))
    assert state(late_but_decided) == (WarningLevel.NONE, EscalationLevel.NONE)
    assert state(red_then_decided) == (WarningLevel.RED, EscalationLevel.HEAD)
    assert list(Escalation.objects.values_list("duty_id", "level")) == [
        (str(red_then_decided.pk), EscalationLevel.HEAD)
    ]


def test_a_case_waiting_for_the_applicants_materials_is_not_escalated(
    district: District,
) -> None:
    case = accepted(district, at(2026, 11, 2), limit=5)  # due 9 November
    actions.request_supplement(
        actor=district.alice, case=case, materials=["健康证明"], at=at(2026, 11, 3)
    )
    sweep(at(2026, 11, 30))
    assert state(case) == (WarningLevel.NONE, EscalationLevel.NONE)
    assert not Escalation.objects.exists()
    assert not Notification.objects.exists()
    # Supplied on 1 December (20 working days later): the deadline moved with the pause.
    case = actions.supply_materials(
        actor=district.amy, case=case, note="已当面提交", at=at(2026, 12, 1)
    )
    assert case.due_at.astimezone(SH).date() == dt.date(2026, 12, 7)
    sweep(at(2026, 12, 1, 11))
    assert state(case) == (WarningLevel.NONE, EscalationLevel.NONE)
    sweep(at(2026, 12, 7, 11))
    assert state(case) == (WarningLevel.YELLOW, EscalationLevel.NONE)


def test_a_case_nobody_decides_to_accept_is_deemed_accepted_and_then_overdue(
    district: District,
) -> None:
    matter = matter_with(district, 1)
    actions.submit_case(
        actor=district.amy,
        matter=matter,
        channel=Case.Channel.WINDOW,
        applicant_name="王五",
        applicant_phone="13700002222",
        applicant_id_number="110101197001012222",
        at=at(2026, 10, 1),
    )
    # Received on the national holiday; nobody accepted, refused or gave a notice. By
    # 1 December it counts as accepted from receipt, and its one promised day is long past.
    assert sweep(at(2026, 12, 1)).counts["cases.acceptance"]["deemed_accepted"] == 1
    case = Case.objects.get()
    assert case.status == Case.Status.ACCEPTED and case.deemed_accepted
    assert case.accepted_at == at(2026, 10, 1)
    assert case.warning_level == WarningLevel.RED


def test_manage_py_sweep_advances_real_cases(district: District) -> None:
    case = accepted(district, at(2026, 11, 2), limit=1)  # due 3 November
    out = StringIO()
    with time_machine.travel(at(2026, 11, 4, 9), tick=False):
        call_command("sweep", stdout=out)
    first = out.getvalue()
    assert first.startswith("sweep: ") and "'cases.case': {" in first
    assert state(case) == (WarningLevel.RED, EscalationLevel.HEAD)
    out = StringIO()
    with time_machine.travel(at(2026, 11, 4, 9, 5), tick=False):
        call_command("sweep", stdout=out)
    assert "cases.case" not in out.getvalue()


# --- the SQL twin agrees with the clock -------------------------------------------------


def sql_targets(now: dt.datetime) -> dict[int, tuple[str, int]]:
    rows = (
        Case.objects.filter(
            clock_started_at__isnull=False,
            clock_stopped_at__isnull=True,
            clock_paused_at__isnull=True,
        )
        .annotate(w=target_warning(now), e=target_escalation(now))
        .values_list("pk", "w", "e")
    )
    return {pk: (w, e) for pk, w, e in rows}


def clock_targets(cases: list[Case], now: dt.datetime) -> dict[int, tuple[str, int]]:
    return {
        c.pk: (clock.warning_for(c, now).value, clock.escalation_for(c, now).value)
        for c in cases
        if c.clock_running
    }


def moments(first: dt.datetime, last: dt.datetime, step_hours: int) -> list[dt.datetime]:
    result, now = [], first
    while now <= last:
        result.append(now)
        now += dt.timedelta(hours=step_hours)
    return result


def grid_of_cases(d: District, days: list[dt.date]) -> list[Case]:
    """Cases accepted on each day, early and late in the local evening, for several limits;
    one in three also paused for materials for a while."""
    matters = {limit: matter_with(d, limit) for limit in (0, 1, 2, 5)}
    cases = []
    for n, (day, hour, limit) in enumerate(itertools.product(days, (9, 23), matters)):
        start = dt.datetime.combine(day, dt.time(hour, 30), tzinfo=SH)
        case = accepted(d, start, matter=matters[limit])
        if n % 3 == 0:
            actions.request_supplement(
                actor=d.alice, case=case, materials=["健康证明"], at=start + dt.timedelta(hours=1)
            )
            case = actions.supply_materials(
                actor=d.ruth, case=case, note="已补正", at=start + dt.timedelta(hours=2, days=n % 5)
            )
        cases.append(case)
    return cases


@pytest.mark.parametrize(
    ("first_day", "last_now"),
    [
        (dt.date(2026, 9, 24), at(2026, 10, 30)),  # Mid-Autumn and National Day, make-up days
        (dt.date(2026, 12, 24), at(2027, 1, 29)),  # into 2027, weekends only
    ],
    ids=["national-day", "into-2027"],
)
def test_sql_thresholds_agree_with_the_clock_for_a_grid_of_cases_and_times(
    district: District, first_day: dt.date, last_now: dt.datetime
) -> None:
    days = [first_day + dt.timedelta(days=n) for n in range(0, 14)]
    cases = grid_of_cases(district, days)
    first_now = dt.datetime.combine(first_day, dt.time(0, 5), tzinfo=SH)
    seen: set[tuple[str, int]] = set()
    for now in moments(first_now, last_now, step_hours=7):
        expected = clock_targets(cases, now)
        assert sql_targets(now) == expected, now
        seen.update(expected.values())
    # Every colour and every escalation level was reached somewhere in the grid.
    assert {w for w, _ in seen} == {level.value for level in WarningLevel}
    assert {e for _, e in seen} == {level.value for level in EscalationLevel}
    # And the sweep itself, walked forward through the same times, lands where the clock says.
    for now in moments(first_now, last_now, step_hours=23):
        expected = {
            c.pk: (clock.warning_for(c, now).value, clock.escalation_for(c, now).value)
            for c in cases
        }
        sweep(now)
        for c in cases:
            c.refresh_from_db()
        assert {c.pk: (c.warning_level, c.escalation_level) for c in cases} == expected, now
    assert verify_chain() is None


def test_sql_thresholds_agree_when_2027_holidays_are_entered_after_acceptance(
    district: District,
) -> None:
    # Accepted before the 2027 notice: 2 working days from Wed 30 Dec (1 Jan is 元旦) is Mon 4 Jan;
    # the notice then makes 4 Jan a rest day, written as another process would (no recompute).
    case = accepted(district, at(2026, 12, 30), limit=2)
    assert case.due_at.astimezone(SH).date() == dt.date(2027, 1, 4)
    DayOverride.objects.create(date=dt.date(2027, 1, 4), is_workday=False, name="元旦")
    for now in moments(at(2026, 12, 30, 11), at(2027, 1, 8), step_hours=5):
        assert sql_targets(now) == clock_targets([case], now), now
