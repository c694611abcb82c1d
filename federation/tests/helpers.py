"""Shared test helpers: a month of fictional rollups for the units of the `district` fixture."""

from __future__ import annotations

import datetime as dt
import random

from federation.synthetic import measures_of, rollup_rows
from org.models import Unit
from scorecard.compute import standard_for
from scorecard.models import DailyRollup

MONTH = dt.date(2026, 10, 1)


def fill_month(month: dt.date = MONTH, seed: int = 7) -> int:
    """Rollups for every unit of the database over the month's days; returns rows written."""
    standard = standard_for(month)
    assert standard is not None
    units = {u.code: u for u in Unit.objects.all()}
    days = [month + dt.timedelta(days=n) for n in range(28)]
    rows = [
        DailyRollup(unit=units[code], day=day, measure=measure, value=value)
        for code, day, measure, value in rollup_rows(
            measures_of(standard), sorted(units), days, random.Random(seed)
        )
    ]
    DailyRollup.objects.bulk_create(rows)
    return len(rows)
