"""The statutory public holidays the law fixes, for years no calendar data covers yet.

《全国年节及纪念日放假办法》 (as revised by the State Council in 2024, in force from 2025) fixes
the days themselves: 元旦 1 January; 春节 from 除夕 to 初三 (four days); 清明 on the day of the
清明 solar term; 劳动节 1–2 May; 端午 on lunar 5-5; 中秋 on lunar 8-15; 国庆 1–3 October.
Only the swapped working days (调休) and the moving of a holiday that falls on a weekend are
left to the State Council's yearly notice, so those come from the admin's entries.

Lunar dates and the solar term come from `borax` (MIT, pure Python, data tables for the
lunar years 1900–2100 and the solar terms of the same years). Outside that range only the
holidays fixed on solar dates are known.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from borax.calendars.lunardate import MAX_LUNAR_YEAR, MIN_LUNAR_YEAR, LunarDate, TermUtils

NEW_YEAR = "元旦"
SPRING_FESTIVAL = "春节"
TOMB_SWEEPING = "清明节"
LABOUR_DAY = "劳动节"
DRAGON_BOAT = "端午节"
MID_AUTUMN = "中秋节"
NATIONAL_DAY = "国庆节"


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """Every statutory rest day of the Gregorian `year`, with the holiday's name, in date order.

    Weekends are not listed (they are rest days anyway), and a holiday falling on a weekend
    is not moved: whether and where it moves is the State Council's yearly decision.
    """
    days: dict[dt.date, str] = {}

    def add(day: dt.date, name: str) -> None:
        # 中秋 can fall within 国庆 (1–3 October 2020): one day, both names.
        days[day] = f"{days[day]}、{name}" if day in days else name

    add(dt.date(year, 1, 1), NEW_YEAR)
    for day in (1, 2):
        add(dt.date(year, 5, day), LABOUR_DAY)
    for day in (1, 2, 3):
        add(dt.date(year, 10, day), NATIONAL_DAY)
    if MIN_LUNAR_YEAR <= year <= MAX_LUNAR_YEAR:
        # Lunar New Year falls between 21 January and 20 February, so 除夕 and 初一 to 初三
        # are in the same Gregorian year; the day before 初一 is 除夕 whether the twelfth
        # lunar month has 29 or 30 days.
        new_year = LunarDate(year, 1, 1).to_solar_date()
        for offset in (-1, 0, 1, 2):
            add(new_year + dt.timedelta(days=offset), SPRING_FESTIVAL)
        add(TermUtils.nth_term_day(year, term_name="清明"), TOMB_SWEEPING)
        # The regular month (leap=0), never the leap month of the same number.
        add(LunarDate(year, 5, 5).to_solar_date(), DRAGON_BOAT)
        add(LunarDate(year, 8, 15).to_solar_date(), MID_AUTUMN)
    return dict(sorted(days.items()))


def describe(year: int) -> str:
    """The year's statutory holidays as an admin reads them: "元旦 1月1日；春节 2月5日至2月8日…"."""
    spans: list[tuple[str, dt.date, dt.date]] = []
    for day, name in statutory_holidays(year).items():
        if spans and spans[-1][0] == name and spans[-1][2] + dt.timedelta(days=1) == day:
            spans[-1] = (name, spans[-1][1], day)
        else:
            spans.append((name, day, day))
    return "；".join(
        f"{name} {_md(first)}" + (f"至{_md(last)}" if last != first else "")
        for name, first, last in spans
    )


def _md(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"
