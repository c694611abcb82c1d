"""The working-day calendar: library years, admin overrides, the override cache.

Years the library does not know (predicted from the statutory holidays): test_predicted_year.py.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from zuofeng.workdays import calendar
from zuofeng.workdays.models import DayOverride

SH = ZoneInfo("Asia/Shanghai")

# The calendar reads the admin override table for every year it is asked about.
pytestmark = pytest.mark.django_db


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=SH)


def test_five_working_days_after_national_day_eve_is_october_13() -> None:
    due = calendar.add_workdays(at(2026, 9, 30), 5)
    assert due.date() == dt.date(2026, 10, 13)


def test_deadline_ends_at_the_last_second_of_the_local_day() -> None:
    due = calendar.add_workdays(at(2026, 9, 30), 5)
    assert (due.hour, due.minute, due.second) == (23, 59, 59)
    assert due.utcoffset() == dt.timedelta(hours=8)


def test_make_up_saturdays_are_working_days_and_spring_festival_is_not() -> None:
    assert calendar.is_workday(dt.date(2026, 2, 14))
    assert calendar.is_workday(dt.date(2026, 2, 28))
    assert not calendar.is_workday(dt.date(2026, 2, 16))
    assert calendar.is_workday(dt.date(2026, 10, 10))


def test_utc_instant_late_in_the_evening_counts_as_the_next_local_day() -> None:
    # 2026-09-30 17:00 UTC is 2026-10-01 01:00 in Shanghai: a holiday, not a working day.
    moment = dt.datetime(2026, 9, 30, 17, tzinfo=dt.UTC)
    assert calendar.local_date(moment) == dt.date(2026, 10, 1)
    assert calendar.add_workdays(moment, 0).date() == dt.date(2026, 10, 8)


def test_immediate_duty_received_on_a_working_day_is_due_that_day() -> None:
    assert calendar.add_workdays(at(2026, 11, 26), 0).date() == dt.date(2026, 11, 26)


def test_workdays_between_counts_across_the_holiday() -> None:
    assert calendar.workdays_between(at(2026, 9, 30), at(2026, 10, 13)) == 5
    assert calendar.workdays_between(at(2026, 10, 13), at(2026, 9, 30)) == -5
    assert calendar.workdays_between(at(2026, 10, 2), at(2026, 10, 7)) == 0


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        calendar.add_workdays(dt.datetime(2026, 9, 30, 10), 1)  # noqa: DTZ001


def test_admin_overrides_define_a_year_the_library_does_not_know() -> None:
    DayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    DayOverride.objects.create(date=dt.date(2027, 1, 2), is_workday=True, name="元旦调休")
    assert not calendar.is_workday(dt.date(2027, 1, 1))
    assert calendar.is_workday(dt.date(2027, 1, 2))
    assert calendar.add_workdays(at(2026, 12, 31), 1).date() == dt.date(2027, 1, 2)
    assert 2027 not in calendar.uncovered_years(dt.date(2026, 11, 26))


def test_override_wins_over_the_library() -> None:
    DayOverride.objects.create(date=dt.date(2026, 11, 27), is_workday=False, name="临时调整")
    assert not calendar.is_workday(dt.date(2026, 11, 27))


def test_another_process_sees_an_admins_override_within_the_ttl(monkeypatch: object) -> None:
    assert not calendar.is_workday(dt.date(2027, 2, 20))  # cached: a predicted Saturday
    # Written as another process would: no signal reaches this process's cache.
    DayOverride.objects.bulk_create([DayOverride(date=dt.date(2027, 2, 20), is_workday=True)])
    assert not calendar.is_workday(dt.date(2027, 2, 20))
    later = calendar.time.monotonic() + calendar.OVERRIDES_TTL_SECONDS + 1
    monkeypatch.setattr(calendar.time, "monotonic", lambda: later)
    assert calendar.is_workday(dt.date(2027, 2, 20))
