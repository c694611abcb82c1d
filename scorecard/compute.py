"""Scoring one month from the daily rollups (never from the raw tables).

For each unit of a ranked group and each indicator of the standard in force that applies to
the unit's kind:

- **value**: a rate = Σ numerator measure / Σ denominator measure over the month's days; a
  count = Σ numerator measure.
- **insufficient data** (数据不足): a rate whose denominator is below the indicator's
  `min_sample`. The indicator gets no score (normalised empty, 0 points) and its weight is
  shared out among the unit's other indicators in proportion to their weights, so the unit
  is neither punished nor rewarded for it. Counts always have a value.
- **normalised score** (0..100), with target t and value v:
  - rate, higher is better: 100 × min(1, v ÷ t) (t = 0 → 100);
  - rate, lower is better: 100 when v ≤ t, else 100 × (1 − v) ÷ (1 − t), at least 0;
  - count, lower is better: 100 × min(1, (t + 1) ÷ (v + 1));
  - count, higher is better: 100 × min(1, v ÷ t) (t = 0 → 100).
- **points** = normalised × weight ÷ Σ weights of the unit's indicators with enough data;
  the unit's **total** = Σ points (0..100). A unit is not ranked (rank 0, listed as 数据不足
  after the ranked units and left out of its group's size) when it has no rate indicator
  with enough data, or when its indicators with enough data carry less than
  `SCORECARD_MIN_VALID_WEIGHT` % of the weight of the indicators that apply to it: a unit
  with almost every indicator 数据不足 would otherwise top its group on what is left.
- **rank**: within the unit's group (departments; townships and streets together), by total,
  highest first; equal totals share a rank (1, 2, 2, 4).

`formula_text(indicator)` says the same in plain Chinese for the pages and the Excel export.

Public API: `standard_for(month)`, `validate_standard(standard)`, `standard_is_locked(standard)`,
`formula_text(indicator)`, `normalise(...)`, `score_month(month, now)` (pure numbers, no
writes), `GROUPS` / `group_of(kind)`. The state changes (compute, publish) are in
`scorecard.actions`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from org.models import Unit
from scorecard import rollups
from scorecard.models import Indicator, Scorecard, Standard
from zuofeng.measures import is_known
from zuofeng.periods import month_start, next_month

# Ranking groups: departments are ranked apart from townships; streets count as townships.
GROUPS: dict[str, tuple[str, ...]] = {
    "department": (Unit.Kind.DEPARTMENT,),
    "township": (Unit.Kind.TOWNSHIP, Unit.Kind.STREET),
}
GROUP_LABELS = {"department": "部门", "township": "乡镇（街道）"}
RANKED_KINDS = tuple(kind for kinds in GROUPS.values() for kind in kinds)

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")
FOUR_PLACES = Decimal("0.0001")


def group_of(kind: str) -> str | None:
    for group, kinds in GROUPS.items():
        if kind in kinds:
            return group
    return None


def standard_for(month: dt.date) -> Standard | None:
    """The standard in force in `month`: the latest taking effect on or before it."""
    return (
        Standard.objects.filter(effective_from__lte=month_start(month))
        .order_by("-effective_from")
        .first()
    )


def standard_is_locked(standard: Standard | None) -> bool:
    """A standard that scored a published (or since superseded) month is frozen."""
    if standard is None or standard.pk is None:
        return False
    return standard.scorecards.exclude(status=Scorecard.Status.DRAFT).exists()


def indicator_errors(indicator: Indicator) -> list[str]:
    """What is wrong with one indicator's formula, in Chinese (empty when fine)."""
    errors = []
    if not is_known(indicator.numerator_measure):
        errors.append(f"指标“{indicator.name}”的分子度量“{indicator.numerator_measure}”不存在")
    if indicator.denominator_measure and not is_known(indicator.denominator_measure):
        errors.append(f"指标“{indicator.name}”的分母度量“{indicator.denominator_measure}”不存在")
    unknown_kinds = set(indicator.unit_kinds or []) - set(Unit.Kind.values)
    if unknown_kinds:
        errors.append(
            f"指标“{indicator.name}”的适用单位类型无效：{'、'.join(sorted(unknown_kinds))}"
        )
    if indicator.is_rate and indicator.target is not None and not 0 <= indicator.target <= 1:
        errors.append(f"指标“{indicator.name}”是比率，目标值应在 0 到 1 之间（如 0.95）")
    return errors


def weights_error(weights: list[Decimal]) -> str | None:
    total = sum(weights, Decimal(0))
    if total != HUNDRED:
        return f"各指标权重之和必须等于 100，现在是 {total.normalize():f}"
    return None


def validate_standard(standard: Standard) -> None:
    """Raise ValidationError (Chinese messages) unless the standard can score a month."""
    indicators = list(standard.indicators.all())
    if not indicators:
        raise ValidationError(f"考核办法“{standard.name}”还没有指标")
    errors = [error for indicator in indicators for error in indicator_errors(indicator)]
    weights = weights_error([indicator.weight for indicator in indicators])
    if weights:
        errors.insert(0, weights)
    if errors:
        raise ValidationError(errors)


def _ratio(part: Decimal, whole: Decimal) -> Decimal:
    return part / whole if whole else Decimal(1)


def normalise(indicator: Indicator, value: Decimal) -> Decimal:
    """0..100 for one value against the indicator's target and direction (see module doc)."""
    target = Decimal(indicator.target)
    higher = indicator.direction == Indicator.Direction.HIGHER_BETTER
    if higher:
        score = _ratio(value, target) if target > 0 else Decimal(1)
    elif indicator.is_rate:
        score = Decimal(1) if value <= target else _ratio(1 - value, 1 - target)
    else:
        score = (target + 1) / (value + 1)
    return (HUNDRED * max(Decimal(0), min(Decimal(1), score))).quantize(TWO_PLACES, ROUND_HALF_UP)


def formula_text(indicator: Indicator) -> str:
    """The indicator's formula in plain Chinese (pages, the Excel export's formula sheet)."""
    target = Decimal(indicator.target)
    if indicator.is_rate:
        value = f"指标值 = {indicator.numerator_text} ÷ {indicator.denominator_text}"
        shown = f"{(target * 100).normalize():f}%"
        if indicator.direction == Indicator.Direction.HIGHER_BETTER:
            score = f"得分 = 100 × 指标值 ÷ 目标值（{shown}），达到目标得满分"
        else:
            above = "超过时得分 = 100 × (1 − 指标值) ÷ (1 − 目标值)"
            score = f"指标值不超过目标值（{shown}）得满分；{above}"
        sample = (
            f"分母少于 {indicator.min_sample} 件时记为“数据不足”，该指标不计分，"
            "其权重按比例分给本单位其他指标"
        )
    else:
        value = f"指标值 = {indicator.numerator_text}（件数）"
        shown = f"{target.normalize():f}"
        if indicator.direction == Indicator.Direction.LOWER_BETTER:
            score = f"得分 = 100 × (目标值 + 1) ÷ (指标值 + 1)，不超过 100；目标值为 {shown}"
        else:
            score = f"得分 = 100 × 指标值 ÷ 目标值（{shown}），达到目标得满分"
        sample = ""
    parts = [value, score, f"加权得分 = 得分 × 权重（{indicator.weight.normalize():f}）÷ 100"]
    if sample:
        parts.append(sample)
    return "；".join(parts) + "。"


@dataclass
class IndicatorResult:
    indicator: Indicator
    numerator: int
    denominator: int | None
    value: Decimal | None
    normalised: Decimal | None
    points: Decimal = Decimal(0)
    insufficient_data: bool = False


@dataclass
class UnitResult:
    unit: Unit
    group: str
    indicators: list[IndicatorResult] = field(default_factory=list)
    total: Decimal = Decimal(0)
    rank: int = 0
    group_size: int = 0

    @property
    def valid_share(self) -> Decimal:
        """The share (0..100) of the unit's applicable weight carried by its indicators with
        enough data."""
        return valid_share(self.indicators)

    @property
    def ranked(self) -> bool:
        """Ranked only with at least one rate backed by enough records (a unit with no
        activity would otherwise top its group on its zero overdue cases) and enough of its
        weight backed by data (`SCORECARD_MIN_VALID_WEIGHT`)."""
        has_rate = any(not i.insufficient_data and i.indicator.is_rate for i in self.indicators)
        return has_rate and self.valid_share >= min_valid_weight()


def min_valid_weight() -> Decimal:
    """The least share (%) of a unit's weight its valid indicators must carry to be ranked."""
    return Decimal(int(settings.ZUOFENG.get("SCORECARD_MIN_VALID_WEIGHT", 60)))


def valid_share(cells: Any) -> Decimal:
    """Σ weights of the cells with enough data ÷ Σ weights of all cells, as 0..100 (cells:
    IndicatorResult or stored IndicatorScore, each with `.indicator` and `.insufficient_data`)."""
    cells = list(cells)
    applicable = sum((c.indicator.weight for c in cells), Decimal(0))
    if not applicable:
        return Decimal(0)
    valid = sum((c.indicator.weight for c in cells if not c.insufficient_data), Decimal(0))
    return (HUNDRED * valid / applicable).quantize(TWO_PLACES, ROUND_HALF_UP)


def _applies(indicator: Indicator, kind: str) -> bool:
    return not indicator.unit_kinds or kind in indicator.unit_kinds


def score_unit(
    unit: Unit, group: str, indicators: list[Indicator], sums: dict[str, int]
) -> UnitResult:
    result = UnitResult(unit=unit, group=group)
    for indicator in indicators:
        if not _applies(indicator, unit.kind):
            continue
        numerator = sums.get(indicator.numerator_measure, 0)
        if indicator.is_rate:
            denominator: int | None = sums.get(indicator.denominator_measure, 0)
            assert denominator is not None
            insufficient = denominator < max(indicator.min_sample, 1)
            value = (
                None
                if denominator == 0
                else (Decimal(numerator) / Decimal(denominator)).quantize(
                    FOUR_PLACES, ROUND_HALF_UP
                )
            )
        else:
            denominator, insufficient, value = None, False, Decimal(numerator)
        result.indicators.append(
            IndicatorResult(
                indicator=indicator,
                numerator=numerator,
                denominator=denominator,
                value=value,
                normalised=None if insufficient or value is None else normalise(indicator, value),
                insufficient_data=insufficient,
            )
        )
    counted = sum(
        (i.indicator.weight for i in result.indicators if not i.insufficient_data), Decimal(0)
    )
    for item in result.indicators:
        if not item.insufficient_data and counted:
            assert item.normalised is not None
            item.points = (item.normalised * item.indicator.weight / counted).quantize(
                TWO_PLACES, ROUND_HALF_UP
            )
    result.total = sum((item.points for item in result.indicators), Decimal(0))
    return result


def rank_units(results: list[UnitResult]) -> None:
    """Competition ranking within each group; units not `ranked` (数据不足) get rank 0."""
    by_group: dict[str, list[UnitResult]] = defaultdict(list)
    for result in results:
        if result.ranked:
            by_group[result.group].append(result)
    for members in by_group.values():
        members.sort(key=lambda r: (-r.total, r.unit.sort_order, r.unit.code))
        previous: Decimal | None = None
        rank = 0
        for position, result in enumerate(members, start=1):
            if result.total != previous:
                rank, previous = position, result.total
            result.rank = rank
            result.group_size = len(members)


def check_month(month: dt.date, now: dt.datetime) -> dt.date:
    """The month's first day, or a Chinese error for a month that has not begun."""
    month = month_start(month)
    today = timezone.localdate(now)
    if month > month_start(today):
        raise ValidationError(f"{month:%Y年%m月}尚未到来，不能计算考核")
    return month


def score_month(
    month: dt.date,
    *,
    now: dt.datetime | None = None,
    standard: Standard | None = None,
    refresh: bool = True,
) -> tuple[Standard, list[UnitResult]]:
    """Every ranked unit's scores for one month, computed from the rollups only (brought up
    to date first unless `refresh=False`). Writes nothing but the rollups; raises
    ValidationError on bad input."""
    now = now or timezone.now()
    month = check_month(month, now)
    standard = standard or standard_for(month)
    if standard is None:
        raise ValidationError(f"{month:%Y年%m月}没有适用的考核办法，请先制定考核办法")
    validate_standard(standard)
    indicators = list(standard.indicators.order_by("sort_order", "code"))
    codes = {i.numerator_measure for i in indicators} | {
        i.denominator_measure for i in indicators if i.denominator_measure
    }
    if refresh:
        rollups.refresh(now)
    units = list(Unit.objects.filter(kind__in=RANKED_KINDS, archived=False))
    sums = rollups.totals(month, next_month(month), codes, [u.pk for u in units])
    results = [
        score_unit(unit, group_of(unit.kind) or "", indicators, sums.get(unit.pk, {}))
        for unit in units
    ]
    rank_units(results)
    return standard, results


def as_json(results: list[UnitResult]) -> list[dict[str, Any]]:
    """A compact snapshot for the audit trail: each unit's total and rank."""
    return [
        {"unit": r.unit.code, "total": str(r.total), "rank": r.rank, "group": r.group}
        for r in results
    ]
