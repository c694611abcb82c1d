"""The level above ranks its districts and their units with the scorecard's own engine.

The standard is the level above's own `scorecard.Standard` in force for the month (explicit,
versioned by its first month, frozen once used for a published month, exactly as at a
district); the numbers are the districts' replicated daily rollups (`fed_rollup`).

- **Units**: every ranked unit (departments; townships and streets) of every district is
  scored by `scorecard.compute` exactly as a district scores its own, and ranked within its
  group across the whole city (a district's 住建局 against the other districts' 住建局s and
  every other department).
- **Districts**: the engine takes a district as one 'unit' whose measures are the sums over
  its ranked units, scored on the standard's *rate* indicators only, whatever unit kinds they
  name: a pooled rate (cases on time ÷ cases due) is volume-fair across districts of
  different sizes, while a pooled count (overdue cases) would only measure a district's size.
  The weights of the rate indicators are shared out by the engine as for 数据不足.

`rank_month(month, units, sums)` is pure (the tests feed it each district's own rollups
and compare); `city_month(month)` reads the replicated tables.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum

from federation.models import FedContract, FedRollup, FedUnit
from scorecard import compute
from scorecard.models import Indicator, Standard
from zuofeng.periods import month_start, next_month

Key = tuple[str, str]  # (district code, unit code)


@dataclass(frozen=True)
class Member:
    """What the engine reads of a unit: kind, sort order, code (and, here, its district)."""

    district: str
    code: str
    name: str
    kind: str
    sort_order: int = 0

    @property
    def key(self) -> Key:
        return (self.district, self.code)


@dataclass
class CityMonth:
    month: dt.date
    standard: Standard
    districts: list[compute.UnitResult]
    units: list[compute.UnitResult]


def _measures(indicators: list[Indicator]) -> set[str]:
    return {i.numerator_measure for i in indicators} | {
        i.denominator_measure for i in indicators if i.denominator_measure
    }


def district_indicators(indicators: list[Indicator]) -> list[Indicator]:
    """The rate indicators, applying to a district whatever unit kinds they name."""
    out = []
    for indicator in indicators:
        if indicator.is_rate:
            pooled = copy.copy(indicator)
            pooled.unit_kinds = []
            out.append(pooled)
    return out


def rank_month(
    month: dt.date,
    standard: Standard,
    units: list[Member],
    sums: dict[Key, dict[str, int]],
    names: dict[str, str] | None = None,
) -> CityMonth:
    """Score and rank the units and the districts of one month (no reads but the standard)."""
    compute.validate_standard(standard)
    indicators = list(standard.indicators.order_by("sort_order", "code"))
    ranked = [u for u in units if u.kind in compute.RANKED_KINDS]
    unit_results = [
        compute.score_unit(u, compute.group_of(u.kind) or "", indicators, sums.get(u.key, {}))
        for u in ranked
    ]
    compute.rank_units(unit_results)
    pooled: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for unit in ranked:
        for measure, value in sums.get(unit.key, {}).items():
            pooled[unit.district][measure] += value
    rates = district_indicators(indicators)
    codes = sorted({u.district for u in units})
    district_results = [
        compute.score_unit(
            Member(district=code, code=code, name=(names or {}).get(code, code), kind="district"),
            "district",
            rates,
            pooled.get(code, {}),
        )
        for code in codes
    ]
    compute.rank_units(district_results)
    return CityMonth(month_start(month), standard, district_results, unit_results)


def replicated_units() -> list[Member]:
    return [
        Member(district=u.district, code=u.code, name=u.name, kind=u.kind, sort_order=u.sort_order)
        for u in FedUnit.objects.filter(archived=False).order_by("district", "sort_order", "code")
    ]


def replicated_sums(month: dt.date, measures: set[str]) -> dict[Key, dict[str, int]]:
    """Σ per (district, unit, measure) over the month's days: one GROUP BY over the
    `fed_rollup_day_idx` range."""
    rows: Any = (
        FedRollup.objects.filter(
            day__gte=month_start(month), day__lt=next_month(month), measure__in=sorted(measures)
        )
        .order_by()
        .values("district", "unit_code", "measure")
        .annotate(total=Sum("value"))
    )
    sums: dict[Key, dict[str, int]] = defaultdict(dict)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A month of 30 districts is a million rows in 50,000 groups: hashed in memory
            # (the default 4 MB spills them to disk), and JIT compiling costs more than it
            # saves when the estimate over a freshly copied table is off.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL work_mem = '64MB'")
        for row in rows:
            sums[(row["district"], row["unit_code"])][row["measure"]] = row["total"]
    return dict(sums)


def district_names() -> dict[str, str]:
    return dict(FedContract.objects.values_list("district", "name"))


def city_month(month: dt.date, standard: Standard | None = None) -> CityMonth | None:
    """The month ranked from the replicated tables, by the standard in force (None when the
    level above has no standard for the month)."""
    standard = standard or compute.standard_for(month)
    if standard is None:
        return None
    measures = _measures(list(standard.indicators.all()))
    return rank_month(
        month, standard, replicated_units(), replicated_sums(month, measures), district_names()
    )
