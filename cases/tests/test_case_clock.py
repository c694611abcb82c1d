"""A case's clock: the promised limit in working days from acceptance, paused while the
applicant supplies missing materials, across the national holidays and into a year whose
holidays are not published yet."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from cases import actions
from cases.models import Case, CaseEvent
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District
from zuofeng.audit.chain import verify_chain
from zuofeng.workdays import calendar
from zuofeng.workdays.models import DayOverride

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=SH)


def last_moment(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime.combine(dt.date(y, m, d), dt.time.max, tzinfo=SH)


def matter_with(d: District, limit: int) -> Matter:
    return make_matter(d.market, promised_limit_days=limit, statutory_limit_days=max(limit, 20))


def submitted(d: District, limit: int = 5, when: dt.datetime | None = None) -> Case:
    return actions.submit_case(
        actor=d.amy,
        matter=matter_with(d, limit),
        channel=Case.Channel.WINDOW,
        applicant_name="李四",
        applicant_phone="13900001111",
        applicant_id_number="110101198001011111",
        applicant_user=d.ruth,
        at=when or at(2026, 9, 1),
    )


def accept_on(d: District, moment: dt.datetime, limit: int = 5) -> Case:
    """Accept a new case with `now` frozen at `moment` (the action's default time)."""
    case = submitted(d, limit, when=moment - dt.timedelta(hours=1))
    with time_machine.travel(moment, tick=False):
        return actions.accept_case(actor=d.amy, case=case)


def test_due_date_is_the_promised_limit_in_working_days_from_acceptance(
    district: District,
) -> None:
    # Submitted weeks earlier: receipt starts the acceptance clock, acceptance the promised one.
    case = submitted(district, 5, when=at(2026, 10, 20))
    assert case.clock_phase == Case.ClockPhase.ACCEPTANCE
    case = actions.accept_case(actor=district.amy, case=case, at=at(2026, 11, 2, 10))
    assert case.accepted_at == case.clock_started_at == at(2026, 11, 2, 10)
    assert case.due_at == last_moment(2026, 11, 9)
    assert case.limit_workdays == 5
    assert case.clock_phase == Case.ClockPhase.PROCESSING


def test_accepted_on_the_eve_of_national_day_with_five_days_is_due_on_october_13(
    district: District,
) -> None:
    case = accept_on(district, at(2026, 9, 30, 16))
    assert case.accepted_at == at(2026, 9, 30, 16)
    assert case.due_at == last_moment(2026, 10, 13)
    notice = case.events.get(kind=CaseEvent.Kind.ACCEPTED).public_note
    assert notice == "已受理，承诺 2026年10月13日 前办结"


def test_a_deadline_ends_at_the_last_second_of_the_day_in_shanghai(district: District) -> None:
    case = accept_on(district, at(2026, 9, 30, 16))
    local = case.due_at.astimezone(SH)
    assert (local.date(), local.hour, local.minute, local.second) == (
        dt.date(2026, 10, 13),
        23,
        59,
        59,
    )
    # Stored in UTC: 15:59:59 the same day.
    utc = case.due_at.astimezone(dt.UTC)
    assert (utc.date(), utc.hour) == (dt.date(2026, 10, 13), 15)


def test_accepted_late_in_2026_is_due_in_2027_after_the_predicted_new_years_day(
    district: District,
) -> None:
    # No 2027 notice yet, 元旦 predicted by law: Thursday 31 Dec, Mon 4, Tue 5, Wed 6, Thu 7.
    assert calendar.year_status(2027) == "predicted"
    case = accept_on(district, at(2026, 12, 30))
    assert case.due_at == last_moment(2027, 1, 7)


def test_holidays_entered_for_2027_move_the_deadline_of_cases_accepted_afterwards(
    district: District,
) -> None:
    DayOverride.objects.create(date=dt.date(2027, 1, 4), is_workday=False, name="元旦")
    case = accept_on(district, at(2026, 12, 30))
    assert case.due_at == last_moment(2027, 1, 8)


def test_immediate_matter_is_due_at_the_end_of_the_same_working_day(district: District) -> None:
    case = accept_on(district, at(2026, 11, 26, 15), limit=0)
    assert case.due_at == last_moment(2026, 11, 26)
    assert case.limit_workdays == 0


def test_immediate_matter_accepted_during_the_holiday_is_due_on_the_first_working_day(
    district: District,
) -> None:
    case = accept_on(district, at(2026, 10, 3, 11), limit=0)
    assert case.due_at == last_moment(2026, 10, 8)


def test_the_clock_does_not_run_while_the_applicant_supplies_materials(
    district: District,
) -> None:
    case = accept_on(district, at(2026, 11, 2))  # Monday, due Monday 9th
    assert case.due_at == last_moment(2026, 11, 9)
    with time_machine.travel(at(2026, 11, 3), tick=False):
        actions.request_supplement(actor=district.alice, case=case, materials=["健康证明"])
    case.refresh_from_db()
    assert case.status == Case.Status.SUPPLEMENT
    assert case.clock_paused_at == at(2026, 11, 3)
    assert not case.clock_running
    with time_machine.travel(at(2026, 11, 10), tick=False):  # five working days later
        case = actions.supply_materials(actor=district.amy, case=case, note="已当面提交")
    assert case.status == Case.Status.ACCEPTED
    assert case.clock_running
    assert case.paused_workdays == 5
    assert case.due_at == last_moment(2026, 11, 16)
    assert verify_chain() is None


def test_a_pause_across_national_day_pushes_the_deadline_by_working_days_only(
    district: District,
) -> None:
    # Monday 28 Sep, 5 days: 29, 30 Sep, 8, 9 Oct, Saturday 10 Oct (a make-up working day).
    case = accept_on(district, at(2026, 9, 28))
    assert case.due_at == last_moment(2026, 10, 10)
    actions.request_supplement(
        actor=district.alice, case=case, materials=["健康证明"], at=at(2026, 9, 29)
    )
    # Paused from 29 Sep to 9 Oct: 30 Sep, 8 Oct, 9 Oct are working days, the holiday is not.
    case = actions.supply_materials(
        actor=district.amy, case=case, note="已当面提交", at=at(2026, 10, 9)
    )
    assert case.paused_workdays == 3
    assert case.due_at == last_moment(2026, 10, 14)


def test_materials_supplied_the_same_day_leave_the_deadline_where_it_was(
    district: District,
) -> None:
    case = accept_on(district, at(2026, 11, 2))
    actions.request_supplement(
        actor=district.alice, case=case, materials=["健康证明"], at=at(2026, 11, 3, 9)
    )
    case = actions.supply_materials(
        actor=district.amy, case=case, note="已当面提交", at=at(2026, 11, 3, 16)
    )
    assert case.paused_workdays == 0
    assert case.due_at == last_moment(2026, 11, 9)


def test_two_pauses_add_up(district: District) -> None:
    case = accept_on(district, at(2026, 11, 2))
    for asked, supplied in [(at(2026, 11, 3), at(2026, 11, 4)), (at(2026, 11, 5), at(2026, 11, 9))]:
        actions.request_supplement(
            actor=district.alice, case=case, materials=["健康证明"], at=asked
        )
        case = actions.supply_materials(
            actor=district.amy, case=case, note="已当面提交", at=supplied
        )
    assert case.paused_workdays == 1 + 2
    assert case.due_at == last_moment(2026, 11, 12)
    assert case.one_time_rule_broken


def test_a_notice_before_acceptance_does_not_start_or_shift_the_clock(
    district: District,
) -> None:
    case = submitted(district, 5, when=at(2026, 11, 2, 9))
    actions.request_supplement(
        actor=district.amy, case=case, materials=["营业执照"], at=at(2026, 11, 2, 10)
    )
    case.refresh_from_db()
    # The notice discharged the acceptance duty: no clock while the applicant gathers papers.
    assert case.clock_started_at is None and case.due_at is None
    case = actions.supply_materials(
        actor=district.amy, case=case, note="已当面提交", at=at(2026, 11, 5)
    )
    # Complete papers: a new acceptance period from their receipt.
    assert case.clock_phase == Case.ClockPhase.ACCEPTANCE
    assert case.clock_started_at == at(2026, 11, 5)
    case = actions.accept_case(actor=district.amy, case=case, at=at(2026, 11, 5))
    assert case.paused_workdays == 0
    assert case.due_at == last_moment(2026, 11, 12)


def test_a_transfer_does_not_restart_the_clock(district: District) -> None:
    case = accept_on(district, at(2026, 11, 2))
    actions.transfer_case(
        actor=district.alice, case=case, to_unit=district.hr, reason="属人社局", at=at(2026, 11, 4)
    )
    case.refresh_from_db()
    assert case.due_at == last_moment(2026, 11, 9)
    assert case.clock_running


def test_a_decision_stops_the_clock_and_remembers_whether_it_was_late(
    district: District,
) -> None:
    on_time = accept_on(district, at(2026, 11, 2))
    on_time = actions.decide_case(
        actor=district.alice, case=on_time, approve=True, at=at(2026, 11, 9, 17)
    )
    late = accept_on(district, at(2026, 11, 2))
    late = actions.decide_case(
        actor=district.alice, case=late, approve=True, at=at(2026, 11, 10, 0, 5)
    )
    assert on_time.clock_stopped_at == at(2026, 11, 9, 17) and not on_time.overdue_at_stop
    assert late.overdue_at_stop
    assert not on_time.clock_running and not late.clock_running
