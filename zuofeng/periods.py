"""Months and days as every app counts them: local (Asia/Shanghai) calendar months, each an
aware half-open interval [start, end). Cases, ratings, complaints, the scorecard and the
modules to come all attribute records to periods through these helpers, so one month means
the same instants everywhere."""

from __future__ import annotations

import datetime as dt

from zuofeng.workdays.calendar import LOCAL_TZ


def day_start(day: dt.date) -> dt.datetime:
    """The aware instant a local day begins."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL_TZ)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def parse_month(text: str | None) -> dt.date | None:
    """`YYYY-MM` → the first day of that month; anything else → None."""
    try:
        return dt.datetime.strptime((text or "").strip(), "%Y-%m").date()  # noqa: DTZ007 - a date
    except ValueError:
        return None


def last_months(today: dt.date, count: int = 12) -> list[dt.date]:
    """The first days of the `count` months ending with today's, newest first."""
    months = [month_start(today)]
    while len(months) < count:
        months.append(month_start(months[-1] - dt.timedelta(days=1)))
    return months


def month_range(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a local calendar month as aware instants."""
    return day_start(month_start(month)), day_start(next_month(month_start(month)))
