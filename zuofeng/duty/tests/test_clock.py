"""The duty clock: start, pause, resume, stop, warning levels and escalation targets."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from zuofeng.duty import clock
from zuofeng.duty.models import EscalationLevel, WarningLevel

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=SH)


def new_duty() -> SimpleNamespace:
    return SimpleNamespace(
        limit_workdays=None,
        clock_started_at=None,
        clock_paused_at=None,
        paused_workdays=0,
        clock_stopped_at=None,
        due_at=None,
        warning_level=WarningLevel.NONE,
        returned_for_quality=False,
        escalation_level=EscalationLevel.NONE,
    )


pytestmark = pytest.mark.django_db


def test_started_clock_is_due_after_the_limit_in_working_days() -> None:
    duty = new_duty()
    clock.start_clock(duty, at=at(2026, 9, 30), limit_workdays=5)
    assert duty.due_at.date() == dt.date(2026, 10, 13)


def test_pause_pushes_the_deadline_back_by_the_working_days_paused() -> None:
    duty = new_duty()
    clock.start_clock(duty, at=at(2026, 11, 2), limit_workdays=3)  # Monday → due Thu 5th
    assert duty.due_at.date() == dt.date(2026, 11, 5)
    clock.pause_clock(duty, at=at(2026, 11, 3))
    clock.resume_clock(duty, at=at(2026, 11, 10))  # 5 working days later
    assert duty.paused_workdays == 5
    assert duty.due_at.date() == dt.date(2026, 11, 12)


def test_pause_and_resume_on_the_same_day_changes_nothing() -> None:
    duty = new_duty()
    clock.start_clock(duty, at=at(2026, 11, 2), limit_workdays=3)
    clock.pause_clock(duty, at=at(2026, 11, 3, 9))
    clock.resume_clock(duty, at=at(2026, 11, 3, 17))
    assert duty.due_at.date() == dt.date(2026, 11, 5)


def test_invalid_moves_are_refused() -> None:
    duty = new_duty()
    with pytest.raises(clock.ClockStateError):
        clock.pause_clock(duty, at=at(2026, 11, 2))
    clock.start_clock(duty, at=at(2026, 11, 2), limit_workdays=3)
    with pytest.raises(clock.ClockStateError):
        clock.resume_clock(duty, at=at(2026, 11, 2))
    with pytest.raises(clock.ClockStateError):
        clock.start_clock(duty, at=at(2026, 11, 2), limit_workdays=3)
    clock.stop_clock(duty, at=at(2026, 11, 3))
    with pytest.raises(clock.ClockStateError):
        clock.stop_clock(duty, at=at(2026, 11, 4))


def test_warning_levels_follow_the_remaining_working_days() -> None:
    duty = new_duty()
    clock.start_clock(duty, at=at(2026, 11, 2), limit_workdays=5)  # due Mon 9th
    assert clock.warning_for(duty, at(2026, 11, 3)) == WarningLevel.NONE
    assert clock.warning_for(duty, at(2026, 11, 6)) == WarningLevel.BLUE  # 1 working day left
    assert clock.warning_for(duty, at(2026, 11, 9, 8)) == WarningLevel.YELLOW  # due today
    assert clock.warning_for(duty, at(2026, 11, 10)) == WarningLevel.RED


def test_returned_for_quality_is_yellow_even_with_time_left() -> None:
    duty = new_duty()
    clock.start_clock(duty, at=at(2026, 11, 2), limit_workdays=10)
    duty.returned_for_quality = True
    assert clock.warning_for(duty, at(2026, 11, 3)) == WarningLevel.YELLOW


def test_paused_or_stopped_clock_keeps_its_level() -> None:
    duty = new_duty()
    clock.start_clock(duty, at=at(2026, 11, 2), limit_workdays=1)
    clock.pause_clock(duty, at=at(2026, 11, 2))
    assert clock.warning_for(duty, at(2026, 11, 30)) == WarningLevel.NONE
    assert clock.escalation_for(duty, at(2026, 11, 30)) == EscalationLevel.NONE


def test_overdue_duty_goes_to_the_head_then_to_the_office(settings: object) -> None:
    duty = new_duty()
    clock.start_clock(duty, at=at(2026, 11, 2), limit_workdays=1)  # due Tue 3rd
    assert clock.escalation_for(duty, at(2026, 11, 3)) == EscalationLevel.NONE
    assert clock.escalation_for(duty, at(2026, 11, 4)) == EscalationLevel.HEAD
    assert clock.escalation_for(duty, at(2026, 11, 5)) == EscalationLevel.HEAD
    # Three working days late (default setting) → supervision office.
    assert clock.escalation_for(duty, at(2026, 11, 6)) == EscalationLevel.OFFICE


def test_escalation_waits_out_the_holiday_in_working_days() -> None:
    duty = new_duty()
    clock.start_clock(duty, at=at(2026, 9, 29), limit_workdays=1)  # due Wed 30 Sep
    # Late since 1 Oct, but the holiday is not working days: still only the head on 8 Oct.
    assert clock.escalation_for(duty, at(2026, 10, 8)) == EscalationLevel.HEAD
    assert clock.escalation_for(duty, at(2026, 10, 12)) == EscalationLevel.OFFICE


def test_extension_moves_the_deadline() -> None:
    duty = new_duty()
    clock.start_clock(duty, at=at(2026, 11, 2), limit_workdays=1)
    clock.extend_clock(duty, extra_workdays=2)
    assert duty.due_at.date() == dt.date(2026, 11, 5)


def test_time_limits_come_from_settings(settings: object) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "DUTY_BLUE_WORKDAYS": 3}
    duty = new_duty()
    clock.start_clock(duty, at=at(2026, 11, 2), limit_workdays=10)  # due 16th
    assert clock.warning_for(duty, at(2026, 11, 11)) == WarningLevel.BLUE
