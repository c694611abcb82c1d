"""The supervision office's overview (考核总览): a units × indicators heat map of one month,
the warning list (预警名单: the bottom units of each group), open interviews, overdue
commitments, and the twelve-month trend of every unit's total.

Charts are drawn by Apache ECharts from a static script; the data travels in `json_script`
blocks (the strict CSP allows no inline script).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from scorecard.models import Commitment, Interview, Scorecard
from scorecard.tables import (
    Group,
    last_twelve,
    month_label,
    scorecard_groups,
    trend,
)
from zuofeng.access import office_required
from zuofeng.periods import parse_month

# 预警名单, not 红榜: a 红榜 is an honour roll (issue 11, defect 10).
WARNING_LIST_SIZE = 3


def current_version(month: Any = None) -> Scorecard | None:
    """A month's published version, else its newest draft; without a month, the latest
    published month (or the latest computed one when nothing is published yet)."""
    queryset = Scorecard.objects.exclude(status=Scorecard.Status.SUPERSEDED)
    if month is not None:
        queryset = queryset.filter(month=month)
    published = queryset.filter(status=Scorecard.Status.PUBLISHED).order_by("-month").first()
    if published is not None:
        return published
    return queryset.order_by("-month", "-version").first()


def heatmap_payload(groups: list[Group]) -> list[dict[str, Any]]:
    """Per group: indicator names (x), unit names (y), [x, y, score] cells; null = 数据不足."""
    payload = []
    for group in groups:
        units = [row.unit.short_name or row.unit.name for row in group.rows]
        cells = []
        for y, row in enumerate(group.rows):
            for x, cell in enumerate(row.cells):
                if cell is None:
                    continue
                score = None if cell.normalised is None else float(cell.normalised)
                cells.append([x, y, score])
        payload.append(
            {
                "label": group.label,
                "indicators": [indicator.name for indicator in group.indicators],
                "units": units,
                "cells": cells,
            }
        )
    return payload


def trends_payload(groups: list[Group], months: list[Any], warned: set[int]) -> dict[str, Any]:
    """Every scored unit's published totals over twelve months; the warning list shown first."""
    units = [row.unit for group in groups for row in group.rows]
    totals = trend([unit.pk for unit in units], months)
    series = []
    for unit in units:
        by_month = totals.get(unit.pk, {})
        series.append(
            {
                "name": unit.short_name or unit.name,
                "data": [float(by_month[m].total) if m in by_month else None for m in months],
                "selected": unit.pk in warned,
            }
        )
    return {"months": [month_label(m) for m in months], "series": series}


@require_GET
@office_required
def overview(request: HttpRequest) -> HttpResponse:
    month = parse_month(request.GET.get("month"))
    scorecard = current_version(month)
    if month is not None and scorecard is None:
        raise Http404
    context: dict[str, Any] = {
        "scorecard": scorecard,
        "months": [
            (m, month_label(m))
            for m in Scorecard.objects.values_list("month", flat=True).distinct().order_by("-month")
        ],
        "interviews": Interview.objects.filter(status=Interview.Status.FLAGGED).select_related(
            "unit"
        ),
        "overdue_commitments": Commitment.objects.filter(
            status=Commitment.Status.OPEN, due_at__lt=timezone.now()
        ).select_related("unit"),
    }
    if scorecard is not None:
        groups = scorecard_groups(scorecard)
        bottom = {
            group.label: [row for row in group.rows if row.unit_score.rank][-WARNING_LIST_SIZE:][
                ::-1
            ]
            for group in groups
        }
        warned = {row.unit.pk for rows in bottom.values() for row in rows}
        context.update(
            month_label=month_label(scorecard.month),
            bottom=bottom,
            heatmap=heatmap_payload(groups),
            trends=trends_payload(groups, last_twelve(scorecard.month), warned),
        )
    return render(request, "scorecard/overview.html", context)
