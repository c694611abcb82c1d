"""A unit's own scorecard page (score, rank, 12-month trend, what costs the most points,
the interviews and commitments on its account) and the drill-down from one indicator score
to the records behind its numerator and denominator.

A unit's staff see their own unit only; the office names any unit. Drafts are the office's.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from org.scoping import sees_all_units
from scorecard.compute import formula_text
from scorecard.models import Commitment, IndicatorScore, Interview, Scorecard, UnitScore
from scorecard.tables import (
    display_value,
    full_marks,
    group_label,
    last_twelve,
    loss_part,
    losses,
    month_label,
    trend,
    unit_scores_with_indicators,
)
from scorecard.views import records
from scorecard.views.access import get_indicator_score_for_user, get_unit_for_user
from zuofeng.access import staff_required
from zuofeng.measures import get_measure
from zuofeng.periods import next_month, parse_month

RECORDS_PAGE_SIZE = 25
PARTS = {"numerator": "分子", "denominator": "分母", "missed": "未达标"}


def trend_payload(months: list[Any], by_month: dict[Any, UnitScore]) -> dict[str, Any]:
    """The chart data of one unit's trend: month labels, totals and ranks (None = no score,
    or 数据不足 and so no rank)."""
    return {
        "months": [month_label(m) for m in months],
        "totals": [float(by_month[m].total) if m in by_month else None for m in months],
        "ranks": [(by_month[m].rank or None) if m in by_month else None for m in months],
    }


@require_GET
@staff_required
def unit_page(request: HttpRequest, unit_id: int | None = None) -> HttpResponse:
    unit = get_unit_for_user(request.user, unit_id)
    # The published version of each month (a correction, once published, supersedes the old).
    published = UnitScore.objects.filter(unit=unit, scorecard__status=Scorecard.Status.PUBLISHED)
    month = parse_month(request.GET.get("month"))
    chosen = published if month is None else published.filter(scorecard__month=month)
    unit_score = unit_scores_with_indicators(chosen.order_by("-scorecard__month")).first()
    if month is not None and unit_score is None:
        raise Http404
    months = published.order_by("-scorecard__month")
    context: dict[str, Any] = {
        "unit": unit,
        "unit_score": unit_score,
        "months": [score.scorecard.month for score in months.select_related("scorecard")[:36]],
        "interviews": Interview.objects.filter(unit=unit).order_by("-flagged_month")[:12],
        "commitments": Commitment.objects.filter(unit=unit).select_related("interview"),
        "is_office": sees_all_units(request.user),
    }
    if unit_score is not None:
        twelve = last_twelve(unit_score.scorecard.month)
        context.update(
            month_label=month_label(unit_score.scorecard.month),
            group_label=group_label(unit_score.group),
            losses=losses(unit_score),
            trend=trend_payload(twelve, trend([unit.pk], twelve).get(unit.pk, {})),
        )
    return render(request, "scorecard/unit.html", context)


def measure_records(code: str, score: IndicatorScore) -> QuerySet[Any]:
    """The records behind one measure for the score's unit and month, as they stood when the
    scorecard was computed (an overdue case is one whose deadline had passed by then)."""
    scorecard = score.unit_score.scorecard
    start, end = scorecard.month, next_month(scorecard.month)
    return get_measure(code).records(score.unit_score.unit_id, start, end, scorecard.computed_at)


@require_GET
@staff_required
def drill_down(request: HttpRequest, pk: int) -> HttpResponse:
    score = get_indicator_score_for_user(request.user, pk)
    indicator = score.indicator
    part = request.GET.get("part") or "numerator"
    if part not in PARTS or (part != "numerator" and not indicator.is_rate):
        raise Http404
    if part == "numerator":
        queryset, stored = measure_records(indicator.numerator_measure, score), score.numerator
        part_text = indicator.numerator_text
    else:
        queryset = measure_records(indicator.denominator_measure, score)
        stored = score.denominator
        part_text = indicator.denominator_text
    if part == "missed":
        # The records behind the lost points: in the denominator, not in the numerator.
        if loss_part(indicator) != "missed":
            raise Http404
        numerator = measure_records(indicator.numerator_measure, score)
        queryset = queryset.exclude(pk__in=numerator.values("pk"))
        stored = (score.denominator or 0) - score.numerator
        part_text = f"{indicator.denominator_text}中，不属于“{indicator.numerator_text}”的"
    queryset = records.prepare(queryset)
    kind = records.kind_of(queryset)
    page = Paginator(queryset, RECORDS_PAGE_SIZE).get_page(request.GET.get("page"))
    unit_score = score.unit_score
    return render(
        request,
        "scorecard/drill_down.html",
        {
            "score": score,
            "indicator": indicator,
            "unit": unit_score.unit,
            "scorecard": unit_score.scorecard,
            "month_label": month_label(unit_score.scorecard.month),
            "formula": formula_text(indicator),
            "value": display_value(indicator, score.value),
            "full": full_marks(score, list(unit_score.indicators.select_related("indicator"))),
            "part": part,
            "part_label": PARTS[part],
            "part_text": part_text,
            "missed_tab": indicator.is_rate and loss_part(indicator) == "missed",
            "stored": stored,
            "kind": kind,
            "page": page,
            "rows": records.rows(kind, list(page.object_list), request.user),
            "querystring": f"part={part}",
            "is_office": sees_all_units(request.user),
        },
    )
