"""The level above ranks units and districts with the scorecard's own engine and standard."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from federation import ranking, refresh
from federation.models import FedContract, FedRollup, FedUnit, global_key
from federation.tests.helpers import MONTH, fill_month
from scorecard.compute import score_month

NOW = dt.datetime(2026, 11, 5, 10, tzinfo=dt.UTC)


@pytest.fixture
def published(district, monkeypatch):
    monkeypatch.setenv("ZUOFENG_DISTRICT_CODE", "330102")
    fill_month()
    with time_machine.travel(NOW, tick=False):
        refresh.refresh(timezone.now(), full=True)
    return district


def copy_district(code: str, numerator_share: float) -> None:
    """A second district: the first one's units and rollups, with every rate's numerator
    scaled (a worse district when the share is below 1)."""
    for unit in FedUnit.objects.filter(district="330102"):
        FedUnit.objects.create(
            id=global_key("unit", code, unit.code), district=code, code=unit.code,
            name=unit.name, kind=unit.kind, sort_order=unit.sort_order,
        )  # fmt: skip
    FedContract.objects.create(
        id=global_key("contract", code), district=code, name="下城区", version=1, refreshed_at=NOW
    )
    city = ranking.city_month(MONTH)
    numerators = {i.numerator_measure for i in city.standard.indicators.all() if i.is_rate}
    for row in FedRollup.objects.filter(district="330102"):
        value = row.value
        if row.measure in numerators:
            value = int(value * numerator_share)
        FedRollup.objects.create(
            id=global_key("rollup", code, row.unit_code, row.day, row.measure), district=code,
            unit_code=row.unit_code, day=row.day, measure=row.measure, value=value,
        )  # fmt: skip


def test_the_city_scores_a_districts_units_exactly_as_the_district_does(published):
    with time_machine.travel(NOW, tick=False):
        standard, own = score_month(MONTH, refresh=False)
    city = ranking.city_month(MONTH)
    assert city.standard == standard
    by_code = {r.unit.code: (r.total, r.rank, r.group) for r in city.units}
    assert by_code == {r.unit.code: (r.total, r.rank, r.group) for r in own}
    assert any(rank for _, rank, _ in by_code.values())


def test_districts_are_ranked_on_pooled_rates_and_a_worse_district_ranks_lower(published):
    copy_district("330103", 0.5)
    city = ranking.city_month(MONTH)
    ranks = {r.unit.code: r.rank for r in city.districts}
    assert ranks == {"330102": 1, "330103": 2}
    assert all(item.indicator.is_rate for r in city.districts for item in r.indicators)
    # Units of both districts are ranked together in their group.
    sizes = {r.group_size for r in city.units if r.rank and r.group == "department"}
    assert sizes == {4}


def test_a_district_scored_on_its_pooled_sums(published):
    city = ranking.city_month(MONTH)
    result = next(r for r in city.districts if r.unit.code == "330102")
    rate = next(item for item in result.indicators if item.denominator)
    measure = rate.indicator.denominator_measure
    ranked_units = {r.unit.code for r in city.units}
    expected = sum(
        FedRollup.objects.filter(
            district="330102", measure=measure, unit_code__in=ranked_units
        ).values_list("value", flat=True)
    )
    assert rate.denominator == expected > 0
