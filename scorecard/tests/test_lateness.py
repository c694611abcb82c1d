"""Lateness is charged in the month the deadline passes (issue 11, defect 6): a case received
in October and due in November costs November's points, even after October was published;
and the default standard is volume-fair (rates with a minimum sample, no counts)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from cases import actions as cases
from cases.models import Case
from catalog.tests.factories import make_matter
from conftest import District
from scorecard import actions, rollups
from scorecard.compute import rank_units, score_unit
from scorecard.models import DailyRollup, Indicator, Standard
from scorecard.tests.factories import second_office
from scorecard.tests.fixtures import at, material, submit
from zuofeng.duty.sweep import sweep
from zuofeng.measures import get_measure

pytestmark = pytest.mark.django_db

OCTOBER, NOVEMBER, DECEMBER = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)


def october_case(d: District) -> Case:
    """Received and accepted Wed 28 October, five working days: due Wed 4 November, never
    decided."""
    matter = make_matter(d.market, name="食品经营许可", promised_limit_days=5)
    case = submit(d, matter, when=at(28, month=10))
    case = cases.accept_case(actor=d.alice, case=case, at=at(28, month=10))
    assert case.due_at is not None and case.due_at.date() == dt.date(2026, 11, 4)
    return case


def late_in(unit: Any, month: dt.date, now: dt.datetime) -> list[Case]:
    end = DECEMBER if month == NOVEMBER else NOVEMBER
    return list(get_measure("case_due_late").records(unit.pk, month, end, now))


def test_a_case_late_in_november_counts_in_november_not_in_its_month_of_receipt(
    district: District,
) -> None:
    case = october_case(district)
    now = at(20)

    assert late_in(district.market, NOVEMBER, now) == [case]
    assert late_in(district.market, OCTOBER, now) == []
    # Before its deadline it is late nowhere.
    assert late_in(district.market, NOVEMBER, at(3)) == []


def test_overdue_after_october_was_published_costs_novembers_points(
    district: District,
) -> None:
    case = october_case(district)
    # 3 November: October has ended and is published; the case is not late yet.
    with time_machine.travel(at(3), tick=False):
        october = actions.compute_month(actor=district.olivia, month=OCTOBER, now=at(3))
        actions.publish_scorecard(actor=second_office(district), scorecard=october, now=at(3))
    # 3 December: November is computed; the case has been overdue since 5 November.
    with time_machine.travel(at(3, month=12), tick=False):
        sweep(at(3, month=12))
        november = actions.compute_month(actor=district.olivia, month=NOVEMBER, now=at(3, month=12))

    def cell(scorecard: Any, code: str) -> Any:
        unit_score = scorecard.unit_scores.get(unit=district.market)
        return unit_score.indicators.get(indicator__code=code)

    overdue = cell(november, "overdue")
    assert (overdue.numerator, overdue.denominator) == (1, 1)
    assert (cell(november, "on_time").numerator, cell(november, "on_time").denominator) == (0, 1)
    assert (cell(october, "overdue").numerator, cell(october, "overdue").denominator) == (0, 0)
    assert case.pk in {c.pk for c in late_in(district.market, NOVEMBER, november.computed_at)}


def snapshot() -> set[tuple[int, Any, str, int]]:
    return set(DailyRollup.objects.values_list("unit_id", "day", "measure", "value"))


def test_deadline_rollups_follow_transfers_and_new_deadlines_as_a_rebuild_does(
    district: District,
) -> None:
    late = october_case(district)
    matter = make_matter(district.market, name="食品小作坊登记", promised_limit_days=5)
    paused = cases.accept_case(actor=district.alice, case=submit(district, matter), at=at(2))
    sweep(at(9))
    assert {(m, v) for u, _, m, v in snapshot() if u == district.market.pk} >= {
        ("case_due_late", 1),
        ("case_due_overdue", 1),
    }

    # The overdue case moves to another unit: its deadline day leaves the market with it.
    cases.transfer_case(actor=district.alice, case=late, to_unit=district.hr, reason="属人社局")
    # A supplement pauses the other case; supplying the material moves its deadline later.
    cases.request_supplement(actor=district.alice, case=paused, materials=["营业执照"], at=at(4))
    supplied = [material("营业执照")]
    cases.supply_materials(actor=district.alice, case=paused, files=supplied, at=at(11))
    sweep(at(20))

    incremental = snapshot()
    assert ("case_due_late", 1) in {(m, v) for u, _, m, v in incremental if u == district.hr.pk}
    rollups.rebuild(now=at(20))
    assert incremental == snapshot()


def test_the_default_standard_is_volume_fair(district: District) -> None:
    """The issue's busy unit (97.8 % on time, two overdue cases) loses almost nothing to the
    two cases; a unit with three cases is 数据不足, not ranked above it."""
    standard = Standard.objects.get()
    indicators = list(standard.indicators.order_by("sort_order"))
    assert all(indicator.is_rate for indicator in indicators)
    assert all(indicator.min_sample >= 5 for indicator in indicators)
    busy_sums = {
        "case_due": 92,
        "case_due_on_time": 90,
        "case_due_overdue": 2,
        "case_received": 95,
        "case_decided": 90,
        "case_decided_first_time": 85,
        "rating_count": 40,
        "rating_satisfied": 39,
    }
    quiet_sums = {"case_due": 3, "case_due_on_time": 3, "case_received": 3, "case_decided": 3}
    busy = score_unit(district.market, "department", indicators, busy_sums)
    quiet = score_unit(district.hr, "department", indicators, quiet_sums)
    rank_units([busy, quiet])

    overdue = next(i for i in busy.indicators if i.indicator.code == "overdue")
    full = (
        Decimal(100)
        * overdue.indicator.weight
        / sum((i.indicator.weight for i in busy.indicators if not i.insufficient_data), Decimal(0))
    )
    assert full - overdue.points < Decimal("0.5")  # was 5.8 points for the count of two
    assert busy.rank == 1 and quiet.rank == 0  # the quiet unit is 数据不足
    assert all(i.insufficient_data for i in quiet.indicators)


def test_the_revision_is_a_new_standard_and_the_published_one_is_kept(
    district: District,
) -> None:
    from django.apps import apps

    from scorecard.defaults import install, upgrade

    Standard.objects.all().delete()
    install(apps)  # the first version, as a database migrated before the revision holds it
    first = Standard.objects.get()
    with time_machine.travel(at(3), tick=False):
        october = actions.compute_month(actor=district.olivia, month=OCTOBER, now=at(3))
        actions.publish_scorecard(actor=second_office(district), scorecard=october, now=at(3))
    before = list(first.indicators.values_list("code", "numerator_measure", "weight"))

    upgrade(apps)

    revised = Standard.objects.exclude(pk=first.pk).get()
    assert revised.effective_from == NOVEMBER
    assert list(first.indicators.values_list("code", "numerator_measure", "weight")) == before
    assert not Indicator.objects.filter(standard=revised, numerator_measure="case_due").exists()
    assert Indicator.objects.filter(standard=revised, denominator_measure="case_due").count() == 2
