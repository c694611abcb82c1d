"""A month's scorecard against hand-computed numbers; bad standards and months refused with
a clear message and nothing changed; a published month frozen when the standard changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import District
from scorecard import actions
from scorecard.compute import UnitResult, rank_units, standard_for
from scorecard.models import Indicator, IndicatorScore, Scorecard, Standard, UnitScore
from scorecard.tests.factories import computed
from scorecard.tests.fixtures import NOVEMBER, NOW, build_november
from zuofeng.duty.sweep import sweep

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("first_standard")]

D = Decimal
# Market regulator, November: (numerator, denominator, value, normalised or None = 数据不足).
# Weights of the indicators with enough data: 15+8+12+7+8+8+5 = 63.
MARKET = {
    "on_time": (3, 5, D("0.6000"), D("63.16")),  # 100 × 0.6 ÷ 0.95
    "immediate": (1, 2, D("0.5000"), None),  # 2 即办件 < 5
    "first_time": (4, 5, D("0.8000"), D("88.89")),  # 100 × 0.8 ÷ 0.9
    "satisfaction": (2, 5, D("0.4000"), D("42.11")),  # 100 × 0.4 ÷ 0.95
    "rectification": (1, 2, D("0.5000"), None),  # 2 work orders < 3
    "complaint_response": (1, 3, D("0.3333"), D("34.01")),  # 100 × 0.3333 ÷ 0.98
    "complaint_resolution": (1, 3, D("0.3333"), D("35.08")),  # 100 × 0.3333 ÷ 0.95
    "complaint_satisfaction": (1, 2, D("0.5000"), None),  # 2 callbacks < 3
    # c7 went market → HR → market: the flagged transfer is HR's return, not the market's.
    "buck_passing": (0, 8, D("0.0000"), None),  # 8 cases received < 10
    "forwarded": (1, 8, D("0.1250"), None),  # 8 cases received < 10
    "overdue": (1, None, D("1"), D("50.00")),  # 100 × (0 + 1) ÷ (1 + 1)
    "escalations": (3, None, D("3"), D("25.00")),  # 100 × 1 ÷ (3 + 1)
}
# Σ round(normalised × weight ÷ 63, 2): 15.04 + 11.29 + 8.02 + 3.78 + 4.45 + 6.35 + 1.98
MARKET_TOTAL = D("50.91")


@pytest.fixture
def november(district: District, settings: Any) -> Scorecard:
    build_november(district, settings)
    sweep(NOW)
    return actions.compute_month(actor=district.olivia, month=NOVEMBER, now=NOW)


def scores_of(scorecard: Scorecard, unit: Any) -> dict[str, IndicatorScore]:
    unit_score = scorecard.unit_scores.get(unit=unit)
    return {s.indicator.code: s for s in unit_score.indicators.select_related("indicator")}


def test_every_default_indicator_matches_the_hand_computed_month(
    district: District, november: Scorecard
) -> None:
    scores = scores_of(november, district.market)
    assert set(scores) == set(MARKET)
    for code, (numerator, denominator, value, normalised) in MARKET.items():
        score = scores[code]
        assert (score.numerator, score.denominator, score.value) == (
            numerator,
            denominator,
            value,
        ), code
        assert score.normalised == normalised, code
        assert score.insufficient_data is (normalised is None), code
    assert november.unit_scores.get(unit=district.market).total == MARKET_TOTAL


def test_too_little_data_is_marked_and_not_punished(
    district: District, november: Scorecard
) -> None:
    scores = scores_of(november, district.market)
    assert scores["immediate"].points == 0 and scores["immediate"].insufficient_data
    # The other indicators share the weight: the points still add up to the total, out of 100.
    assert sum(s.points for s in scores.values()) == MARKET_TOTAL
    # HR: every case on time, too few for the shares; its scored indicators are all perfect.
    assert november.unit_scores.get(unit=district.hr).total == D("100.00")


def test_departments_and_townships_are_ranked_apart(
    district: District, november: Scorecard
) -> None:
    ranks = {s.unit_id: (s.group, s.rank, s.group_size) for s in november.unit_scores.all()}
    # HR scored 100.00 on what it has data for, but those indicators carry less than 60 % of
    # its weight: listed as 数据不足, not ranked first ahead of the market department.
    assert ranks[district.hr.pk] == ("department", 0, 0)
    assert ranks[district.market.pk] == ("department", 1, 1)  # 63 % of its weight has data
    # Qingshi town did nothing this month: not ranked (0), not ranked last.
    assert ranks[district.town.pk] == ("township", 0, 0)
    assert district.office.pk not in ranks  # the supervision office is not scored


@pytest.mark.parametrize(
    ("code", "value", "expected"),
    [
        ("buck_passing", "0.125", "88.38"),  # lower rate: 100 × (1 − 0.125) ÷ (1 − 0.01)
        ("buck_passing", "0.005", "100.00"),  # better than the target
        ("on_time", "1", "100.00"),  # above the target is capped
        ("overdue", "0", "100.00"),
        ("overdue", "9", "10.00"),  # 100 × 1 ÷ 10
    ],
)
def test_normalised_scores_follow_the_published_formula(
    district: District, code: str, value: str, expected: str
) -> None:
    from scorecard.compute import normalise

    indicator = Standard.objects.get().indicators.get(code=code)
    assert normalise(indicator, D(value)) == D(expected)


def test_equal_totals_share_a_rank_and_streets_rank_with_townships(district: District) -> None:
    indicator = Standard.objects.get().indicators.get(code="on_time")

    def result(unit: Any, group: str, total: str) -> UnitResult:
        r = UnitResult(unit=unit, group=group, total=D(total))
        from scorecard.compute import IndicatorResult

        r.indicators.append(IndicatorResult(indicator, 1, 1, D(1), D(100)))
        return r

    results = [
        result(district.market, "department", "90"),
        result(district.hr, "department", "90"),
        result(district.town, "township", "50"),
    ]
    rank_units(results)
    assert [r.rank for r in results] == [1, 1, 1]


def test_the_score_reads_the_rollups_not_the_raw_tables(district: District, settings: Any) -> None:
    build_november(district, settings)
    sweep(NOW)
    with CaptureQueriesContext(connection) as queries:
        actions.compute_month(actor=district.olivia, month=NOVEMBER, now=NOW, refresh=False)
    raw_tables = ("cases_case", "evaluations_", "complaints_complaint", "duty_escalation")
    assert not [q["sql"] for q in queries if any(t in q["sql"] for t in raw_tables)]
    # ... and it does read the rollups (an empty capture would pass the line above).
    assert any("scorecard_dailyrollup" in q["sql"] for q in queries)


# --- bad input: a clear message, nothing changed ---------------------------------------------


def test_weights_not_summing_to_100_are_refused(district: District) -> None:
    Indicator.objects.filter(code="on_time").update(weight=D("20"))
    with pytest.raises(ValidationError) as error:
        actions.compute_month(actor=district.olivia, month=NOVEMBER, now=NOW)
    assert "权重之和必须等于 100，现在是 105" in " ".join(error.value.messages)
    assert not Scorecard.objects.exists()


def test_an_unknown_measure_is_refused_in_the_form_and_when_computing(district: District) -> None:
    indicator = Indicator.objects.get(code="on_time")
    indicator.numerator_measure = "case_on_tme"
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert "分子度量“case_on_tme”不存在" in " ".join(error.value.messages)
    indicator.save()
    with pytest.raises(ValidationError, match="case_on_tme"):
        actions.compute_month(actor=district.olivia, month=NOVEMBER, now=NOW)
    assert not Scorecard.objects.exists()


def test_a_future_month_is_refused(district: District) -> None:
    with pytest.raises(ValidationError, match="2026年12月尚未到来"):
        actions.compute_month(actor=district.olivia, month=dt.date(2026, 12, 1), now=NOW)
    assert not Scorecard.objects.exists()


def test_a_month_before_any_standard_is_refused(district: District) -> None:
    with pytest.raises(ValidationError, match="没有适用的考核办法"):
        actions.compute_month(actor=district.olivia, month=dt.date(2019, 5, 1), now=NOW)


# --- versioned standards and frozen months ----------------------------------------------------


def new_standard(effective_from: dt.date, on_time_weight: int) -> Standard:
    """A copy of the default standard with the on-time weight moved from satisfaction."""
    old = standard_for(effective_from)
    assert old is not None
    standard = Standard.objects.create(name="新考核办法", effective_from=effective_from)
    for indicator in old.indicators.all():
        indicator.pk = None
        indicator.standard = standard
        if indicator.code == "on_time":
            indicator.weight = D(on_time_weight)
        if indicator.code == "satisfaction":
            indicator.weight = D(27 - on_time_weight)
        indicator.save()
    return standard


def test_a_published_month_keeps_its_numbers_when_the_standard_changes(
    district: District, november: Scorecard
) -> None:
    published = computed(district, publish=True)
    before = list(UnitScore.objects.filter(scorecard=published).values_list("unit", "total"))

    # The standard that scored a published month can no longer be edited.
    indicator = published.standard.indicators.get(code="on_time")
    indicator.weight = D(25)
    with pytest.raises(ValidationError, match="请新建一个考核办法"):
        indicator.full_clean()

    newer = new_standard(dt.date(2026, 12, 1), on_time_weight=25)
    assert standard_for(NOVEMBER) == published.standard
    assert standard_for(dt.date(2027, 1, 1)) == newer
    # A correction of November is still scored by the standard in force in November.
    correction = actions.compute_month(
        actor=district.olivia, month=NOVEMBER, now=NOW, reason="复核"
    )
    assert correction.standard == published.standard
    after = list(UnitScore.objects.filter(scorecard=published).values_list("unit", "total"))
    assert after == before

    # December is scored by the new standard once it has begun.
    december = dt.datetime(2026, 12, 2, 10, tzinfo=NOW.tzinfo)
    with time_machine.travel(december, tick=False):
        scorecard = actions.compute_month(
            actor=district.olivia, month=dt.date(2026, 12, 1), now=december
        )
    assert scorecard.standard == newer


# --- the admin -------------------------------------------------------------------------------


def admin_form(standard: Standard, weights: dict[str, int]) -> dict[str, Any]:
    indicators = list(standard.indicators.all())
    data: dict[str, Any] = {
        "name": standard.name,
        "effective_from": standard.effective_from.isoformat(),
        "note": standard.note,
        "indicators-TOTAL_FORMS": len(indicators),
        "indicators-INITIAL_FORMS": len(indicators),
        "indicators-MIN_NUM_FORMS": 0,
        "indicators-MAX_NUM_FORMS": 1000,
    }
    for n, i in enumerate(indicators):
        prefix = f"indicators-{n}-"
        data |= {
            f"{prefix}id": i.pk,
            f"{prefix}standard": standard.pk,
            f"{prefix}code": i.code,
            f"{prefix}name": i.name,
            f"{prefix}numerator_measure": i.numerator_measure,
            f"{prefix}numerator_text": i.numerator_text,
            f"{prefix}denominator_measure": i.denominator_measure,
            f"{prefix}denominator_text": i.denominator_text,
            f"{prefix}direction": i.direction,
            f"{prefix}weight": weights.get(i.code, i.weight),
            f"{prefix}target": i.target,
            f"{prefix}min_sample": i.min_sample,
            f"{prefix}unit_kinds": i.unit_kinds,
            f"{prefix}sort_order": i.sort_order,
        }
    return data


def test_the_admin_refuses_weights_not_summing_to_100(district: District) -> None:
    standard = Standard.objects.get()
    client = district.client_for(district.root)
    url = f"/admin/scorecard/standard/{standard.pk}/change/"
    response = client.post(url, admin_form(standard, {"on_time": 20}))
    assert response.status_code == 200
    assert "各指标权重之和必须等于 100，现在是 105" in response.content.decode()
    assert standard.indicators.get(code="on_time").weight == 15

    response = client.post(url, admin_form(standard, {"on_time": 20, "satisfaction": 7}))
    assert response.status_code == 302
    assert standard.indicators.get(code="on_time").weight == 20


def test_the_admin_shows_a_published_standard_read_only(
    district: District, november: Scorecard
) -> None:
    computed(district, publish=True)
    standard = november.standard
    client = district.client_for(district.root)
    url = f"/admin/scorecard/standard/{standard.pk}/change/"
    page = client.get(url).content.decode()
    assert "请新建一个考核办法" in page
    client.post(url, admin_form(standard, {"on_time": 20, "satisfaction": 7}))
    assert standard.indicators.get(code="on_time").weight == 15
