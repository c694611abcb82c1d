"""Each measure counts the records a person would count by hand, and lists exactly those
records (the drill-down agrees with the number)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import District
from scorecard import rollups
from scorecard.tests.fixtures import NOVEMBER, NOW, build_november
from zuofeng.duty.sweep import sweep
from zuofeng.measures import MEASURES, get_measure, is_known, measure_choices
from zuofeng.periods import next_month

pytestmark = pytest.mark.django_db

# The market regulator's November, counted by reading the story in fixtures.py.
MARKET_NOVEMBER = {
    "case_received": 8,
    "case_decided": 5,
    "case_on_time": 3,
    "case_decided_first_time": 4,
    "case_immediate_decided": 2,
    "case_immediate_on_time": 1,
    "case_buck_passing": 1,
    "case_forwarded": 1,
    "case_repeat_supplement": 0,
    "case_overdue": 1,
    "rating_count": 5,
    "rating_satisfied": 2,
    "rating_bad": 2,
    "rectification_settled": 2,
    "rectification_on_time": 1,
    "complaint_routed": 4,
    "complaint_responded_on_time": 1,
    "complaint_response_due": 3,
    "complaint_answered_on_time": 1,
    "complaint_resolution_due": 3,
    "complaint_satisfied": 1,
    "complaint_callback_answered": 2,
}


@pytest.fixture
def month(district: District, settings: Any) -> Any:
    built = build_november(district, settings)
    sweep(NOW)
    return built


def test_every_measure_matches_the_hand_count_and_its_records(
    district: District, month: Any
) -> None:
    totals = rollups.totals(NOVEMBER, next_month(NOVEMBER), MEASURES)[district.market.pk]
    for code, expected in MARKET_NOVEMBER.items():
        records = get_measure(code).records(district.market.pk, NOVEMBER, next_month(NOVEMBER), NOW)
        assert records.count() == expected, code
        assert totals.get(code, 0) == expected, code


def test_the_drill_down_lists_the_actual_records(district: District, month: Any) -> None:
    overdue = get_measure("case_overdue").records(
        district.market.pk, NOVEMBER, next_month(NOVEMBER), NOW
    )
    assert list(overdue) == [month.cases["c4"]]
    late_orders = get_measure("rectification_settled").records(
        district.market.pk, NOVEMBER, next_month(NOVEMBER), NOW
    )
    assert set(late_orders) == {month.orders["r5"], month.orders["r6"]}


def test_escalations_to_the_head_count_the_overdue_duties(district: District, month: Any) -> None:
    escalated = get_measure("escalation_head").records(
        district.market.pk, NOVEMBER, next_month(NOVEMBER), NOW
    )
    labels = sorted(e.duty_type for e in escalated)
    # c4 (case), C (complaint never responded) and r6 (work order past its 5 days).
    assert labels == ["cases.case", "complaints.complaint", "evaluations.rectification"]


def test_another_units_records_do_not_count(district: District, month: Any) -> None:
    hr = rollups.totals(NOVEMBER, next_month(NOVEMBER), MEASURES)[district.hr.pk]
    assert hr["case_received"] == 5 and hr["case_on_time"] == 5
    assert "case_buck_passing" not in hr  # c7 is held by the market, which counts it


def test_measures_are_named_in_chinese_and_known_by_code() -> None:
    assert is_known("case_on_time") and not is_known("case_on_tme")
    labels = dict(measure_choices())
    assert "按期办结件数" in labels["case_on_time"]
