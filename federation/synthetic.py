"""Fictional rollups shaped like a district's, for the tests, the benchmark and the demo city:
for each unit and day, every measure the standard's indicators read, with each rate's
numerator never above its denominator and a per-unit quality so that units (and districts)
differ. Deterministic for a given random generator."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from scorecard.models import Indicator, Standard


def measures_of(standard: Standard) -> list[Indicator]:
    return list(standard.indicators.order_by("sort_order", "code"))


def unit_day_values(
    indicators: list[Indicator], rng: random.Random, quality: float, volume: int = 6
) -> dict[str, int]:
    """One unit-day: {measure: value}, zeros left out (as in DailyRollup)."""
    values: dict[str, int] = {}
    for indicator in indicators:
        if indicator.is_rate and indicator.denominator_measure not in values:
            values[indicator.denominator_measure] = rng.randint(0, volume)
    for indicator in indicators:
        if indicator.is_rate:
            whole = values.get(indicator.denominator_measure, 0)
            good = indicator.direction == Indicator.Direction.HIGHER_BETTER
            share = quality if good else 1 - quality
            values[indicator.numerator_measure] = sum(rng.random() < share for _ in range(whole))
        else:
            values[indicator.numerator_measure] = int(rng.random() > quality)
    return {measure: value for measure, value in values.items() if value}


def rollup_rows(
    indicators: list[Indicator],
    units: list[str],
    days: list[dt.date],
    rng: random.Random,
    qualities: dict[str, float] | None = None,
    volume: int = 6,
) -> Iterator[tuple[str, dt.date, str, int]]:
    """(unit code, day, measure, value) for every unit and day."""
    for unit in units:
        quality = (qualities or {}).get(unit) or rng.uniform(0.75, 0.99)
        for day in days:
            for measure, value in unit_day_values(indicators, rng, quality, volume).items():
                yield unit, day, measure, value
