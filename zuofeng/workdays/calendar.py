"""The working-day calendar of the People's Republic of China, in Asia/Shanghai.

Order of authority for one date: the admin override table, then the `chinese-calendar`
library for the years it knows, then, for a year it does not know, the statutory holidays the
law fixes (`statutory.py`) and weekends. Such a year is "predicted" until an admin enters the
State Council's notice (its swapped working days, 调休): the office's 工作台 and
`check --deploy` say so, because a deadline may still move by the swapped days.

Deadlines end at 23:59:59.999999 local time on their last working day.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar import constants as library_data

from zuofeng.workdays.statutory import statutory_holidays

logger = logging.getLogger(__name__)

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
LIBRARY_YEARS = range(
    min(day.year for day in library_data.holidays),
    max(day.year for day in library_data.holidays) + 1,
)

# Overrides are cached per process and year. An admin's edit clears this process's cache at
# once (signals); other processes (gunicorn workers, the sweep loop) see it within the TTL.
OVERRIDES_TTL_SECONDS = 60.0
_lock = threading.Lock()
_overrides_cache: dict[int, tuple[float, dict[dt.date, bool]]] = {}
_warned_years: set[int] = set()


def clear_cache() -> None:
    """Forget cached overrides (called when an admin edits the override table)."""
    with _lock:
        _overrides_cache.clear()
    _library_is_workday.cache_clear()


def _overrides_for_year(year: int) -> dict[dt.date, bool]:
    now = time.monotonic()
    with _lock:
        cached = _overrides_cache.get(year)
    if cached is not None and now - cached[0] < OVERRIDES_TTL_SECONDS:
        return cached[1]
    from zuofeng.workdays.models import DayOverride

    loaded = dict(DayOverride.objects.filter(date__year=year).values_list("date", "is_workday"))
    with _lock:
        _overrides_cache[year] = (now, loaded)
    return loaded


@lru_cache(maxsize=8192)
def _library_is_workday(day: dt.date) -> bool:
    return chinese_calendar.is_workday(day)


def is_workday(day: dt.date) -> bool:
    overrides = _overrides_for_year(day.year)
    if day in overrides:
        return overrides[day]
    if day.year in LIBRARY_YEARS:
        return _library_is_workday(day)
    if not overrides and day.year not in _warned_years:
        _warned_years.add(day.year)
        logger.warning(
            "No holiday notice for %s: statutory holidays predicted, swapped working days "
            "awaited until an admin enters them",
            day.year,
        )
    return day.weekday() < 5 and day not in statutory_holidays(day.year)


class YearStatus(StrEnum):
    LIBRARY = "library"  # published, and known to the chinese-calendar library
    ANNOUNCED = "announced"  # the library does not know it; an admin entered the notice
    PREDICTED = "predicted"  # statutory holidays only; the swapped working days are awaited


def year_status(year: int) -> YearStatus:
    """Where the year's holidays come from (see the module docstring)."""
    if year in LIBRARY_YEARS:
        return YearStatus.LIBRARY
    if _overrides_for_year(year):
        return YearStatus.ANNOUNCED
    return YearStatus.PREDICTED


def year_is_covered(year: int) -> bool:
    """Whether the year's published holiday notice is known (library or admin entries)."""
    return year_status(year) is not YearStatus.PREDICTED


def uncovered_years(today: dt.date, horizon_days: int = 365) -> list[int]:
    """Years between today and the horizon whose holidays are only predicted."""
    last = today + dt.timedelta(days=horizon_days)
    return [year for year in range(today.year, last.year + 1) if not year_is_covered(year)]


def local_date(moment: dt.datetime) -> dt.date:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the calendar needs an aware instant")
    return moment.astimezone(LOCAL_TZ).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """23:59:59.999999 of a local day, as an aware datetime in Asia/Shanghai."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=LOCAL_TZ)


def next_workday(day: dt.date) -> dt.date:
    """The first working day strictly after `day`."""
    day += dt.timedelta(days=1)
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


_frozen: ContextVar[dict[tuple[dt.date, int], dt.date] | None] = ContextVar(
    "frozen_calendar", default=None
)


@contextmanager
def frozen() -> Iterator[None]:
    """Memoize `add_workdays_to_date` for a bulk computation during which the calendar cannot
    change: inside the transaction of an admin's calendar change, a hundred thousand deadlines
    share a few hundred (start day, count) pairs."""
    token = _frozen.set({})
    try:
        yield
    finally:
        _frozen.reset(token)


def add_workdays_to_date(day: dt.date, count: int) -> dt.date:
    """The `count`-th working day after `day`; with count 0, `day` itself if it is a working
    day, else the next one (an immediate matter received on a Sunday is due on Monday)."""
    memo = _frozen.get()
    if memo is None:
        return _add_workdays_to_date(day, count)
    key = (day, count)
    if key not in memo:
        memo[key] = _add_workdays_to_date(day, count)
    return memo[key]


def _add_workdays_to_date(day: dt.date, count: int) -> dt.date:
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        return day if is_workday(day) else next_workday(day)
    for _ in range(count):
        day = next_workday(day)
    return day


def add_workdays(start: dt.datetime, count: int) -> dt.datetime:
    """Deadline `count` working days after the instant `start`: end of that local day."""
    return end_of_day(add_workdays_to_date(local_date(start), count))


def workdays_between(start: dt.datetime, end: dt.datetime) -> int:
    """Working days after the local date of `start` up to and including that of `end`.

    Zero on the same day; negative when `end` comes first. Consistent with `add_workdays`:
    workdays_between(s, add_workdays(s, n)) == n whenever s falls on a working day.
    """
    first, last = local_date(start), local_date(end)
    sign = 1
    if last < first:
        first, last, sign = last, first, -1
    count = 0
    day = first + dt.timedelta(days=1)
    while day <= last:
        if is_workday(day):
            count += 1
        day += dt.timedelta(days=1)
    return sign * count
