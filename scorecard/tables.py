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


def _percent(value: Decimal) -> str:
    return f"{value * 100:.1f}%"


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}" if value != value.to_integral() else str(int(value))


def working(cell: IndicatorScore, full: Decimal, lost: Decimal) -> str:
    """The indicator's formula with the unit's own numbers, in plain Chinese: how the value,
    the score and the points lost came about (the unit page and the workbench card)."""
    indicator = cell.indicator
    target = Decimal(indicator.target)
    if cell.insufficient_data:
        return (
            f"{indicator.denominator_text}只有 {cell.denominator or 0} 件，少于 "
            f"{indicator.min_sample} 件：数据不足，不计分，权重按比例分给其他指标，不扣分"
        )
    value = cell.value if cell.value is not None else Decimal(0)
    higher = indicator.direction == Indicator.Direction.HIGHER_BETTER
    if indicator.is_rate:
        shown, goal = _percent(value), _percent(target)
        steps = [f"{indicator.name} = {cell.numerator} ÷ {cell.denominator} = {shown}"]
        if higher and value >= target:
            steps.append(f"达到目标 {goal}，得分 100")
        elif higher:
            steps.append(f"得分 = 100 × {shown} ÷ {goal} = {cell.normalised}")
        elif value <= target:
            steps.append(f"不超过目标 {goal}，得分 100")
        else:
            steps.append(f"得分 = 100 × (1 − {shown}) ÷ (1 − {goal}) = {cell.normalised}")
    else:
        shown, goal = _number(value), _number(target)
        steps = [f"{indicator.name} = {shown} 件"]
        if higher:
            steps.append(f"得分 = 100 × {shown} ÷ {goal} = {cell.normalised}（不超过 100）")
        else:
            steps.append(f"得分 = 100 × ({goal} + 1) ÷ ({shown} + 1) = {cell.normalised}")
    steps.append(f"满分 {full} 分 × {cell.normalised}% = {cell.points} 分，失 {lost} 分")
    return "；".join(steps)


def loss_part(indicator: Indicator) -> str:
    """The drill-down part that lists exactly the records behind an indicator's lost points:
    for a rate where higher is better, the denominator's records not in the numerator (the
    cases not decided on time, the ratings not satisfied); otherwise the numerator (the
    overdue cases, the buck-passing transfers)."""
    from zuofeng.measures import get_measure

    if indicator.is_rate and indicator.direction == Indicator.Direction.HIGHER_BETTER:
        numerator = get_measure(indicator.numerator_measure).source
        denominator = get_measure(indicator.denominator_measure).source
        return "missed" if numerator.model is denominator.model else "denominator"
    return "numerator"


@dataclass
class Loss:
    """One indicator of a unit's month: the points it could earn, earned and lost, why (the
    formula with the unit's numbers) and which drill-down part lists the records behind it."""

    cell: IndicatorScore
    full: Decimal
    lost: Decimal
    value: str
    working: str
    part: str


def losses(unit_score: UnitScore) -> list[Loss]:
    """`costliest` explained: the biggest loss first."""
    return [
        Loss(
            cell,
            full,
            lost,
            display_value(cell.indicator, cell.value),
            working(cell, full, lost),
            loss_part(cell.indicator),
        )
        for cell, full, lost in costliest(unit_score)
    ]


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
