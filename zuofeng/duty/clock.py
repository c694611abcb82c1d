"""The duty clock, written once for every kind of duty.

These functions change the clock fields of a `Duty` in memory; the calling action saves
the duty and writes its audit event in the same transaction. Rules:

- the deadline is the end of the `limit`-th working day after the clock starts, pushed
  back by the working days spent paused (补正: the applicant is supplying materials);
- blue: `DUTY_BLUE_WORKDAYS` working days or fewer remain; yellow: due today, or returned
  for poor quality; red: past the deadline;
- past the deadline the duty escalates to the unit head at once, and to the supervision
  office after `DUTY_ESCALATE_OFFICE_AFTER_WORKDAYS` more working days.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.conf import settings

from zuofeng.duty.models import EscalationLevel, WarningLevel
from zuofeng.workdays.calendar import (
    add_workdays,
    end_of_day,
    is_workday,
    local_date,
    workdays_between,
)


class ClockStateError(Exception):
    """The clock cannot make this move from its current state (a programming error or a race
    that the action layer turns into a user message)."""


class ClockFields(Protocol):
    limit_workdays: int | None
    clock_started_at: dt.datetime | None
    clock_paused_at: dt.datetime | None
    paused_workdays: int
    clock_stopped_at: dt.datetime | None
    due_at: dt.datetime | None
    warning_level: str
    returned_for_quality: bool
    escalation_level: int


def _config(name: str) -> int:
    return int(settings.ZUOFENG[name])


def start_clock(duty: ClockFields, *, at: dt.datetime, limit_workdays: int) -> None:
    if duty.clock_started_at is not None:
        raise ClockStateError("clock already started")
    duty.limit_workdays = limit_workdays
    duty.clock_started_at = at
    duty.clock_paused_at = None
    duty.paused_workdays = 0
    duty.clock_stopped_at = None
    duty.due_at = add_workdays(at, limit_workdays)
    duty.warning_level = WarningLevel.NONE
    duty.escalation_level = EscalationLevel.NONE


def restart_clock(duty: ClockFields, *, at: dt.datetime, limit_workdays: int) -> None:
    """A new phase with its own limit: a complaint's resolution after its response, or a
    complaint reopened by an unsatisfied complainant. Escalations already recorded stay."""
    duty.clock_started_at = None
    start_clock(duty, at=at, limit_workdays=limit_workdays)


def pause_clock(duty: ClockFields, *, at: dt.datetime) -> None:
    if duty.clock_started_at is None or duty.clock_stopped_at is not None:
        raise ClockStateError("clock is not running")
    if duty.clock_paused_at is not None:
        raise ClockStateError("clock already paused")
    duty.clock_paused_at = at


def resume_clock(duty: ClockFields, *, at: dt.datetime) -> None:
    if duty.clock_paused_at is None:
        raise ClockStateError("clock is not paused")
    duty.paused_workdays += max(0, workdays_between(duty.clock_paused_at, at))
    duty.clock_paused_at = None
    recompute_due(duty)


def stop_clock(duty: ClockFields, *, at: dt.datetime) -> None:
    if duty.clock_started_at is None or duty.clock_stopped_at is not None:
        raise ClockStateError("clock is not running")
    if duty.clock_paused_at is not None:
        resume_clock(duty, at=at)
    duty.clock_stopped_at = at


def extend_clock(duty: ClockFields, *, extra_workdays: int) -> None:
    """Grant more time (an approved extension): the deadline moves, warnings re-evaluate."""
    if duty.limit_workdays is None:
        raise ClockStateError("clock not started")
    duty.limit_workdays += extra_workdays
    recompute_due(duty)


def recompute_due(duty: ClockFields) -> None:
    """Set `due_at` from the clock's start, limit and paused days with today's calendar (also
    after an admin changed the calendar: see `zuofeng.duty.recompute`)."""
    assert duty.clock_started_at is not None and duty.limit_workdays is not None
    duty.due_at = add_workdays(duty.clock_started_at, duty.limit_workdays + duty.paused_workdays)


def remaining_workdays(duty: ClockFields, now: dt.datetime) -> int | None:
    """Working days left after today (0 on the last day, negative when overdue)."""
    if duty.due_at is None:
        return None
    return workdays_between(now, duty.due_at)


def warning_for(duty: ClockFields, now: dt.datetime) -> WarningLevel:
    """The level the duty should show now. A paused or stopped clock keeps its level."""
    if duty.clock_started_at is None or duty.due_at is None:
        return WarningLevel.NONE
    if duty.clock_stopped_at is not None or duty.clock_paused_at is not None:
        return WarningLevel(duty.warning_level)
    if now > duty.due_at:
        return WarningLevel.RED
    if duty.returned_for_quality or local_date(now) == local_date(duty.due_at):
        return WarningLevel.YELLOW
    if workdays_between(now, duty.due_at) <= _config("DUTY_BLUE_WORKDAYS"):
        return WarningLevel.BLUE
    return WarningLevel.NONE


def escalation_for(duty: ClockFields, now: dt.datetime) -> EscalationLevel:
    """The escalation the duty should have reached now; it never goes back down."""
    current = EscalationLevel(duty.escalation_level)
    if not (duty.clock_started_at and duty.due_at) or duty.clock_stopped_at or duty.clock_paused_at:
        return current
    if now <= duty.due_at:
        return current
    late_by = workdays_between(duty.due_at, now)
    target = (
        EscalationLevel.OFFICE
        if late_by >= _config("DUTY_ESCALATE_OFFICE_AFTER_WORKDAYS")
        else EscalationLevel.HEAD
    )
    return max(current, target)


# --- thresholds for set-based sweeps (one computation per sweep, not per row) -----------


def sweep_thresholds(now: dt.datetime) -> dict[str, dt.datetime]:
    """Deadlines at or before which a running duty reaches each level, as of `now`.

    The SQL sweep compares `due_at` with these instead of calling `warning_for` per row, and
    gives the same answers (tested against each other).
    """
    today = local_date(now)
    # Blue while at most N working days remain: every due date before the (N+1)-th working
    # day after today, including a deadline an admin later declared a holiday.
    blue_day = today
    remaining = _config("DUTY_BLUE_WORKDAYS") + 1
    while remaining > 0:
        blue_day += dt.timedelta(days=1)
        if is_workday(blue_day):
            remaining -= 1
    blue_day -= dt.timedelta(days=1)
    # The latest due date that is already `office_after` working days late today.
    office_day = today
    counted = 0
    while counted < _config("DUTY_ESCALATE_OFFICE_AFTER_WORKDAYS"):
        if is_workday(office_day):
            counted += 1
        office_day -= dt.timedelta(days=1)
    return {
        "red_before": now,
        "yellow_until": end_of_day(today),
        "blue_until": end_of_day(blue_day),
        "office_until": end_of_day(office_day),
    }
