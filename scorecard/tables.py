"""Scorecards shaped for reading: groups of ranked units × indicator columns, a unit's trend,
and what costs a unit the most points.

One shape serves the office's review page, the public rankings, the printable page and the
Excel export, so every place shows the same numbers in the same order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from org.models import Unit
from scorecard.compute import GROUP_LABELS, formula_text
from scorecard.models import Indicator, IndicatorScore, Scorecard, UnitScore
from zuofeng.periods import last_months

GROUP_ORDER = {code: order for order, code in enumerate(GROUP_LABELS)}


def group_label(code: str) -> str:
    if code in GROUP_LABELS:
        return GROUP_LABELS[code]
    return dict(Unit.Kind.choices).get(code, code)


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


@dataclass
class Row:
    unit_score: UnitScore
    cells: list[IndicatorScore | None]

    @property
    def unit(self) -> Unit:
        return self.unit_score.unit

    @property
    def insufficient_count(self) -> int:
        return sum(1 for cell in self.cells if cell is not None and cell.insufficient_data)


@dataclass
class Group:
    code: str
    label: str
    indicators: list[Indicator] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


def unit_scores_with_indicators(queryset: QuerySet[UnitScore]) -> QuerySet[UnitScore]:
    """Unit scores with their unit and indicator scores loaded (two queries in all)."""
    return queryset.select_related("unit", "scorecard").prefetch_related(
        Prefetch(
            "indicators",
            queryset=IndicatorScore.objects.select_related("indicator").order_by(
                "indicator__sort_order", "indicator__code"
            ),
        )
    )


def scorecard_groups(scorecard: Scorecard) -> list[Group]:
    """The scorecard's ranked groups; each group's columns are the indicators that apply
    to at least one of its units (a column is empty for a unit it does not apply to)."""
    unit_scores = unit_scores_with_indicators(scorecard.unit_scores.order_by("group", "rank"))
    by_group: dict[str, list[UnitScore]] = {}
    # Rank 0 is 数据不足 (too little weight backed by data): listed after the ranked units.
    for unit_score in sorted(unit_scores, key=lambda s: (s.rank == 0, s.rank)):
        by_group.setdefault(unit_score.group, []).append(unit_score)
    groups = []
    for code in sorted(by_group, key=lambda c: (GROUP_ORDER.get(c, 9), c)):
        members = by_group[code]
        seen: dict[int, Indicator] = {}
        for unit_score in members:
            for cell in unit_score.indicators.all():
                seen.setdefault(cell.indicator_id, cell.indicator)
        indicators = sorted(seen.values(), key=lambda i: (i.sort_order, i.code))
        rows = []
        for unit_score in members:
            cells = {cell.indicator_id: cell for cell in unit_score.indicators.all()}
            for cell in cells.values():
                # Formatted once here: the table shows hundreds of cells (pages stay fast).
                cell.shown = display_value(cell.indicator, cell.value)
            rows.append(Row(unit_score, [cells.get(i.pk) for i in indicators]))
        groups.append(Group(code, group_label(code), indicators, rows))
    return groups


def full_marks(cell: IndicatorScore, cells: list[IndicatorScore]) -> Decimal:
    """The points an indicator could have earned for its unit: its share of 100 among the
    unit's indicators with enough data (the weight of an indicator marked 数据不足 is shared
    out among the others); 0 for an indicator marked 数据不足."""
    counted = sum((c.indicator.weight for c in cells if not c.insufficient_data), Decimal(0))
    if cell.insufficient_data or not counted:
        return Decimal(0)
    return (cell.indicator.weight * 100 / counted).quantize(Decimal("0.01"))


def costliest(unit_score: UnitScore) -> list[tuple[IndicatorScore, Decimal, Decimal]]:
    """The unit's indicators as (score, full marks, points lost), the costliest first; the
    points lost add up to 100 minus the total, and 数据不足 costs nothing."""
    cells = list(unit_score.indicators.all())
    ranked = []
    for cell in cells:
        full = full_marks(cell, cells)
        ranked.append((cell, full, max(full - cell.points, Decimal(0))))
    ranked.sort(key=lambda item: (-item[2], item[0].indicator.sort_order))
    return ranked


def published_scorecards() -> QuerySet[Scorecard]:
    return Scorecard.objects.filter(status=Scorecard.Status.PUBLISHED).order_by("-month")


def trend(
    unit_ids: Iterable[int] | None, months: list[dt.date]
) -> dict[int, dict[dt.date, UnitScore]]:
    """Published totals per unit per month (one query): unit id → month → UnitScore."""
    queryset = UnitScore.objects.filter(
        scorecard__status=Scorecard.Status.PUBLISHED, scorecard__month__in=months
    ).select_related("scorecard", "unit")
    if unit_ids is not None:
        queryset = queryset.filter(unit_id__in=list(unit_ids))
    result: dict[int, dict[dt.date, UnitScore]] = {}
    for unit_score in queryset:
        result.setdefault(unit_score.unit_id, {})[unit_score.scorecard.month] = unit_score
    return result


def last_twelve(latest: dt.date) -> list[dt.date]:
    """The twelve months ending with `latest` (first days), oldest first."""
    return list(reversed(last_months(latest, 12)))


def display_value(indicator: Indicator, value: Decimal | None) -> str:
    """A rate as a percentage, a count as a number; no value as a dash."""
    if value is None:
        return "—"
    if indicator.is_rate:
        return f"{value * 100:.1f}%"
    return f"{value.normalize():f}" if value != value.to_integral() else str(int(value))


def definitions(scorecard: Scorecard) -> list[tuple[Indicator, str]]:
    """The scorecard's indicators with their formula and scoring rule in plain Chinese."""
    return [
        (indicator, formula_text(indicator))
        for indicator in scorecard.standard.indicators.order_by("sort_order", "code")
    ]
