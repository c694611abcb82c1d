"""Facts: the figures of a report, computed once at the snapshot and stored.

A count fact is the number of records of one measure (or report query) for a set of units
over local days [start, end), evaluated at the snapshot time; its drill-down lists exactly
those records (`records`). Registered measures are read from the scorecard's daily rollups
(one query per period for every measure and unit, brought current by `rollups.refresh` at
the snapshot), never by scanning cases; the report's own queries count their source's rows
grouped by unit. A rate fact is the share of two count facts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from reports.evidence import is_query, lookup, queries
from reports.text import percent
from scorecard import rollups
from zuofeng import measures as registry

Period = tuple[dt.date, dt.date]  # local days [start, end)


def records(
    code: str, units: list[int], start: dt.date, end: dt.date, now: dt.datetime
) -> QuerySet[Any]:
    """The records behind a count fact: the measure's drill-down over several units."""
    measure = lookup(code)
    source = measure.source
    return (
        source.rows()
        .filter(source.in_days(start, end), measure.q(now))
        .filter(**{f"{source.unit_column}__in": units})
    )


def fact_records(fact: Any) -> QuerySet[Any]:
    """The records behind a stored count fact, as they stood at its snapshot (its drill-down)."""
    p = fact.params
    start, end = dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"])
    return records(fact.code, p["units"], start, end, fact.snapshot_at)


class Counts:
    """Per-unit values of measures and queries over periods, at one moment."""

    def __init__(self, units: list[int], now: dt.datetime) -> None:
        self.units = units
        self.now = now
        self._rolled: dict[Period, dict[int, dict[str, int]]] = {}
        self._queried: dict[tuple[str, dt.date, dt.date], dict[int, int]] = {}

    def per_unit(self, code: str, start: dt.date, end: dt.date) -> dict[int, int]:
        if is_query(code):
            if (code, start, end) not in self._queried:
                self._query_source(code, start, end)
            return self._queried[(code, start, end)]
        if (start, end) not in self._rolled:
            self._rolled[(start, end)] = rollups.totals(
                start, end, list(registry.MEASURES), self.units
            )
        by_unit = self._rolled[(start, end)]
        return {unit: values[code] for unit, values in by_unit.items() if values.get(code)}

    def _query_source(self, code: str, start: dt.date, end: dt.date) -> None:
        """Every report query on the same source as `code`, per unit, in one GROUP BY (one
        pass over the period's complaints for all categories and channels)."""
        source = lookup(code).source
        column = source.unit_column
        codes = [c for c, m in queries().items() if m.source.key == source.key]
        aggregates = {
            f"n{i}": Count("pk", filter=lookup(c).q(self.now) or None) for i, c in enumerate(codes)
        }
        rows = (
            source.rows()
            .filter(source.in_days(start, end), **{f"{column}__in": self.units})
            .order_by()
            .values(column)
            .annotate(**aggregates)
        )
        found: dict[str, dict[int, int]] = {c: {} for c in codes}
        for row in rows:
            for i, c in enumerate(codes):
                if row[f"n{i}"]:
                    found[c][row[column]] = row[f"n{i}"]
        for c in codes:
            self._queried[(c, start, end)] = found[c]

    def total(self, code: str, start: dt.date, end: dt.date, units: list[int] | None = None) -> int:
        values = self.per_unit(code, start, end)
        if units is None:
            return sum(values.values())
        return sum(values.get(unit, 0) for unit in units)


@dataclass
class FactSpec:
    key: str
    label: str
    kind: str
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    value: int | None = None
    row_count: int | None = None
    display: str = ""


class Ledger:
    """The facts of one draft, in the order the text first cites them."""

    def __init__(self, counts: Counts) -> None:
        self.counts = counts
        self.facts: dict[str, FactSpec] = {}

    def count(
        self, key: str, label: str, code: str, start: dt.date, end: dt.date, units: list[int]
    ) -> FactSpec:
        if key not in self.facts:
            value = self.counts.total(code, start, end, units)
            self.facts[key] = FactSpec(
                key,
                label,
                "count",
                code,
                {"units": sorted(units), "start": start.isoformat(), "end": end.isoformat()},
                value,
                value,
                str(value),
            )
        return self.facts[key]

    def rate(self, key: str, label: str, numerator: FactSpec, denominator: FactSpec) -> FactSpec:
        if key not in self.facts:
            permille, display = percent(numerator.value or 0, denominator.value or 0)
            self.facts[key] = FactSpec(
                key,
                label,
                "rate",
                "",
                {"numerator": numerator.key, "denominator": denominator.key},
                permille,
                None,
                display,
            )
        return self.facts[key]


def display(kind: str, value: int | None) -> str:
    if kind == "rate":
        if value is None:
            return "—"
        return f"{value // 10}.{value % 10}%"
    return "—" if value is None else str(value)


def live_values(facts: list[Any], now: dt.datetime) -> dict[str, int | None]:
    """Each stored fact recomputed on today's data (for the stale check)."""
    units = sorted({u for fact in facts for u in fact.params.get("units", [])})
    counts = Counts(units, now)
    values: dict[str, int | None] = {}
    for fact in facts:
        if fact.kind == "count":
            p = fact.params
            values[fact.key] = counts.total(
                fact.code,
                dt.date.fromisoformat(p["start"]),
                dt.date.fromisoformat(p["end"]),
                p["units"],
            )
    for fact in facts:
        if fact.kind == "rate":
            num, den = values.get(fact.params["numerator"]), values.get(fact.params["denominator"])
            values[fact.key] = percent(num or 0, den or 0)[0]
    return values
