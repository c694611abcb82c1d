"""The 2027 default standard (issue 12 item 7): supervision tasks, progress reports and
supervision notices enter the score as rates with a minimum sample, as a new version that
leaves the months already scored with the standard they were scored by."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import District
from scorecard import actions, defaults
from scorecard.compute import score_unit
from scorecard.models import Indicator, Standard
from scorecard.tests.factories import second_office
from scorecard.tests.fixtures import at
from supervision import actions as supervision
from supervision.tests.factories import BLANK_PDF, directive, task
from zuofeng.duty.sweep import sweep

pytestmark = pytest.mark.django_db

OCTOBER, NOVEMBER = dt.date(2026, 10, 1), dt.date(2026, 11, 1)
SUPERVISION = {
    "supervision_on_time",
    "supervision_lagging",
    "supervision_returned",
    "followup_overdue",
}


def test_the_default_standard_has_the_supervision_rates() -> None:
    standard = Standard.objects.get()
    assert standard.name == defaults.STANDARD_2027_INVESTIGATION["name"]
    indicators = {i.code: i for i in standard.indicators.all()}
    assert set(indicators) >= SUPERVISION
    assert sum(i.weight for i in indicators.values()) == 100
    for code in SUPERVISION:
        indicator = indicators[code]
        assert indicator.is_rate and indicator.min_sample >= 5
        assert indicator.numerator_text and indicator.denominator_text  # 中文口径
        indicator.full_clean()  # the measures exist in the registry
    assert indicators["supervision_on_time"].denominator_measure == "supervision_tasks_due"
    assert indicators["followup_overdue"].numerator_measure == "followup_notice_overdue"


def leaves(district: District, unit: Any, count: int) -> list[Any]:
    """`count` leaf tasks of `unit`, due Mon 30 November 2026, issued on 2 November."""
    with time_machine.travel(at(2), tick=False):
        d = directive(district.olivia, title=f"关于{unit.name}重点工作的决定")
        tasks = [
            task(
                d,
                district.olivia,
                unit,
                title=f"任务{i}",
                weight=100 // count,
                deadline=at(30).date(),
            )
            for i in range(count)
        ]
        # The weights must sum to 100.
        tasks[0].weight = 100 - (100 // count) * (count - 1)
        tasks[0].save(update_fields=["weight"])
        supervision.issue_directive(d, actor=district.olivia)
    return tasks


def cells(scorecard: Any, unit: Any) -> dict[str, Any]:
    unit_score = scorecard.unit_scores.get(unit=unit)
    return {cell.indicator.code: cell for cell in unit_score.indicators.all()}


def test_tasks_closed_late_or_never_cost_points_as_the_formula_says(district: District) -> None:
    """Five tasks each. The HR bureau closes its five on time: full marks on both task rates.
    The market closes none: 0 % on time costs the whole 督办任务按期销号率, while its
    进度滞后率 (none flagged) is full; the other indicators have no data that month."""
    market = leaves(district, district.market, 5)
    hr = leaves(district, district.hr, 5)
    assert market and hr
    # The sweep runs all along (every few minutes in production): the rollups it keeps
    # current pick up each deadline as it passes.
    sweep(at(2, hour=12))
    with time_machine.travel(at(25), tick=False):
        for leaf in hr:
            pdf = SimpleUploadedFile("a.pdf", BLANK_PDF, content_type="application/pdf")
            supervision.request_close(
                leaf, actor=district.bob, evidence="已完成", attachments=[pdf]
            )
            supervision.close_task(leaf, actor=district.olivia)
    now = at(3, month=12)
    with time_machine.travel(now, tick=False):
        november = actions.compute_month(actor=district.olivia, month=NOVEMBER, now=now)

    late = cells(november, district.market)
    on_time = late["supervision_on_time"]
    assert (on_time.numerator, on_time.denominator) == (0, 5)
    assert on_time.points == 0 and not on_time.insufficient_data
    assert late["supervision_lagging"].normalised == 100
    assert late["supervision_returned"].insufficient_data  # no reports: 数据不足
    assert late["followup_overdue"].insufficient_data
    # 得分 = Σ 归一化得分 × 权重 ÷ 有数据指标的权重之和: 0 × 5/7 + 100 × 2/7.
    assert november.unit_scores.get(unit=district.market).total == Decimal("28.57")

    good = cells(november, district.hr)
    assert (good["supervision_on_time"].numerator, good["supervision_on_time"].denominator) == (
        5,
        5,
    )
    assert november.unit_scores.get(unit=district.hr).total == Decimal("100.00")


def test_overdue_supervision_notices_lower_the_score_by_the_documented_formula(
    district: District,
) -> None:
    indicators = list(Standard.objects.get().indicators.order_by("sort_order"))
    notice = next(i for i in indicators if i.code == "followup_overdue")
    # 按期办结率 100 % on 25 cases (weights 20 + 8 with 超期未办结率).
    service = {"case_due": 25, "case_due_on_time": 25}

    def total(due: int, overdue: int) -> Decimal:
        sums = {**service, "followup_notice_due": due, "followup_notice_overdue": overdue}
        return score_unit(district.market, "department", indicators, sums).total

    # Every notice answered in time: full marks on it too (100 × 28/31 + 100 × 3/31, the
    # terms rounded to cents as the scorecard shows them).
    assert total(5, 0) == Decimal("64.52") + Decimal("25.81") + Decimal("9.68")
    # Two of five notices answered late: 40 %, against a target of 0, scores 100 × (1 − 0.4).
    result = score_unit(
        district.market,
        "department",
        indicators,
        {**service, "followup_notice_due": 5, "followup_notice_overdue": 2},
    )
    cell = next(i for i in result.indicators if i.indicator.code == "followup_overdue")
    assert cell.value == Decimal("0.4000") and cell.normalised == Decimal("60.00")
    counted = sum(i.indicator.weight for i in result.indicators if not i.insufficient_data)
    assert cell.points == (Decimal(60) * notice.weight / counted).quantize(Decimal("0.01"))
    # 按期办结率 (20) and 超期未办结率 (8) have data too: 100 × 20/31 + 100 × 8/31 + 60 × 3/31,
    # each term rounded to cents.
    assert total(5, 2) == Decimal("64.52") + Decimal("25.81") + Decimal("5.81")
    assert total(5, 2) < total(5, 0)
    # Fewer than five notices is 数据不足: one late notice out of two is not judged.
    assert total(2, 1) == total(0, 0) == Decimal("100.00")


def test_published_months_keep_the_standard_they_were_scored_by(district: District) -> None:
    Standard.objects.all().delete()
    # A database migrated before this revision: the 2026 revision, which scored October.
    defaults._create(
        apps,
        {
            **defaults.REVISED_STANDARD,
            "effective_from": defaults.DEFAULT_STANDARD["effective_from"],
        },
        defaults.REVISED_INDICATORS,
    )
    previous = Standard.objects.get()
    with time_machine.travel(at(3), tick=False):
        october = actions.compute_month(actor=district.olivia, month=OCTOBER, now=at(3))
        actions.publish_scorecard(actor=second_office(district), scorecard=october, now=at(3))
    before = list(previous.indicators.values_list("code", "numerator_measure", "weight"))

    defaults.upgrade_2027(apps)
    defaults.upgrade_2027(apps)  # a second run changes nothing

    revised = Standard.objects.exclude(pk=previous.pk).get()
    assert revised.name == "作风建设考核办法（2027年修订）"
    assert revised.effective_from == NOVEMBER
    assert list(previous.indicators.values_list("code", "numerator_measure", "weight")) == before
    assert not Indicator.objects.filter(standard=previous, code__in=SUPERVISION).exists()
    october.refresh_from_db()
    assert october.standard_id == previous.pk
    with time_machine.travel(at(3, month=12), tick=False):
        november = actions.compute_month(actor=district.olivia, month=NOVEMBER, now=at(3, month=12))
    assert november.standard_id == revised.pk
    assert (
        set(
            november.unit_scores.get(unit=district.market).indicators.values_list(
                "indicator__code", flat=True
            )
        )
        >= SUPERVISION
    )


def test_an_unused_previous_version_is_replaced_not_kept_beside_the_new_one() -> None:
    Standard.objects.all().delete()
    defaults._create(
        apps,
        {
            **defaults.REVISED_STANDARD,
            "effective_from": defaults.DEFAULT_STANDARD["effective_from"],
        },
        defaults.REVISED_INDICATORS,
    )
    defaults.upgrade_2027(apps)
    standard = Standard.objects.get()
    assert standard.name == defaults.STANDARD_2027["name"]
    assert standard.effective_from == defaults.DEFAULT_STANDARD["effective_from"]
