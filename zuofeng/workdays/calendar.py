"""The working-day calendar of the People's Republic of China, in Asia/Shanghai.

Order of authority for one date: the admin override table, then the `chinese-calendar`
library for the years it knows, then weekends-only as a last resort. The last resort never
crashes, but it is logged and shown to admins (see `uncovered_years`), because a deadline
computed without the real holidays may be a few days early.

Deadlines end at 23:59:59.999999 local time on their last working day.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar import constants as library_data

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
            "No holiday data for %s: counting weekends only until an admin enters it", day.year
        )
    return day.weekday() < 5


def year_is_covered(year: int) -> bool:
    """Whether real holiday data exists for the year (library or admin overrides)."""
    return year in LIBRARY_YEARS or bool(_overrides_for_year(year))


def uncovered_years(today: dt.date, horizon_days: int = 365) -> list[int]:
    """Years between today and the horizon that only have the weekends-only fallback."""
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


def add_workdays_to_date(day: dt.date, count: int) -> dt.date:
    """The `count`-th working day after `day`; with count 0, `day` itself if it is a working
    day, else the next one (an immediate matter received on a Sunday is due on Monday)."""
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
