"""The level above's pages: the city dashboard (districts and their units ranked by the city's
standard, which districts lag), one district's page (its units with the figures behind each
score, its own published month, its complaint and rating counts, a link into its instance),
and directives issued downwards with every district's verified progress.

At a district the same pages show only its own published rows (what it sends up)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from complaints.models import ComplaintCategory
from federation import actions, conf, contract, ranking, replication
from federation.models import (
    District,
    FedComplaintDay,
    FedContract,
    FedDirective,
    FedRatingDay,
    FedScorecard,
    FedTaskProgress,
    FedUnitScore,
)
from scorecard.compute import GROUP_LABELS, UnitResult
from zuofeng.access import office_required
from zuofeng.forms import add_action_errors
from zuofeng.periods import last_months, month_start, next_month, parse_month

EDGE = 10  # units shown at each end of a group's city ranking on the dashboard


def _month(request: HttpRequest) -> dt.date:
    """The month asked for, else the last ended month (a running month is a preview)."""
    today = timezone.localdate()
    month = parse_month(request.GET.get("month"))
    if month is None:
        return month_start(month_start(today) - dt.timedelta(days=1))
    if month > month_start(today):
        raise Http404
    return month


def _months() -> list[dt.date]:
    return last_months(timezone.localdate(), 13)


def _cells(result: UnitResult) -> list[dict[str, Any]]:
    return [
        {
            "name": item.indicator.name,
            "value": item.value,
            "numerator": item.numerator,
            "denominator": item.denominator,
            "insufficient": item.insufficient_data,
            "normalised": item.normalised,
            "points": item.points,
            "rate": item.indicator.is_rate,
        }
        for item in result.indicators
    ]


def _district_rows(city: ranking.CityMonth, statuses: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for result in sorted(city.districts, key=lambda r: (r.rank == 0, r.rank, r.unit.code)):
        rows.append(
            {"result": result, "cells": _cells(result), "status": statuses.get(result.unit.code)}
        )
    return rows


def _unit_groups(
    results: list[UnitResult], names: dict[str, str], edge: int | None
) -> list[dict[str, Any]]:
    by_group: dict[str, list[UnitResult]] = defaultdict(list)
    for result in results:
        by_group[result.group].append(result)
    groups = []
    for group, label in GROUP_LABELS.items():
        members = sorted(by_group.get(group, []), key=lambda r: (r.rank == 0, r.rank, r.unit.key))
        ranked = [r for r in members if r.rank]
        hidden = 0
        if edge is not None and len(ranked) > 2 * edge:
            hidden = len(ranked) - 2 * edge
            ranked = ranked[:edge] + ranked[-edge:]
        groups.append(
            {
                "label": label,
                "rows": [
                    {"result": r, "district": names.get(r.unit.district, r.unit.district)}
                    for r in ranked
                ],
                "hidden": hidden,
                "unranked": len(members) - len([r for r in members if r.rank]),
            }
        )
    return groups


@office_required
def dashboard(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    city = ranking.city_month(month)
    statuses = {s.code: s for s in replication.status(ask_districts=False)}
    names = ranking.district_names()
    context: dict[str, Any] = {
        "month": month,
        "months": _months(),
        "running": month == month_start(timezone.localdate()),
        "city": city,
        "statuses": list(statuses.values()),
        "lagging": [s for s in statuses.values() if s.lagging],
        "level": conf.level(),
        "version": contract.VERSION,
        "now": timezone.now(),
        # Districts listed without a subscription, with rows here: the demo's city (written
        # directly, as SQLite has no replication), never a real level above.
        "copied": len(names) > 1 and District.objects.filter(subscription="").exists(),
    }
    if city is not None:
        context["districts"] = _district_rows(city, statuses)
        context["groups"] = _unit_groups(city.units, names, EDGE)
        context["indicators"] = list(city.standard.indicators.order_by("sort_order", "code"))
    return render(request, "federation/dashboard.html", context)


def _sum_by(queryset: Any, field: str, value: str) -> list[tuple[Any, int]]:
    rows = queryset.order_by().values(field).annotate(total=Sum(value)).order_by(field)
    return [(row[field], row["total"]) for row in rows]


@office_required
def district(request: HttpRequest, code: str) -> HttpResponse:
    month = _month(request)
    contract_row = FedContract.objects.filter(district=code).first()
    status = next((s for s in replication.status(ask_districts=False) if s.code == code), None)
    if contract_row is None and status is None:
        raise Http404
    city = ranking.city_month(month)
    mine = [r for r in city.units if r.unit.district == code] if city else []
    result = next((r for r in city.districts if r.unit.code == code), None) if city else None
    in_month = {"district": code, "day__gte": month, "day__lt": next_month(month)}
    own_card = FedScorecard.objects.filter(district=code, month=month, status="published").first()
    own_scores = {}
    if own_card is not None:
        own_scores = {
            s.unit_code: s
            for s in FedUnitScore.objects.filter(
                district=code, month=month, version=own_card.version
            )
        }
    titles = dict(FedDirective.objects.values_list("id", "title"))
    labels = {"triage": "待甄别", **dict(ComplaintCategory.objects.values_list("code", "name"))}
    base_url = (status.base_url if status else "").rstrip("/")
    context = {
        "code": code,
        "name": status.name if status else contract_row.name,
        "status": status,
        "month": month,
        "months": _months(),
        "city": city,
        "result": result,
        "cells": _cells(result) if result else [],
        "units": [
            {"result": r, "cells": _cells(r), "own": own_scores.get(r.unit.code)}
            for r in sorted(mine, key=lambda r: (r.group, r.rank == 0, r.rank, r.unit.code))
        ],
        "own_card": own_card,
        "complaints": [
            (labels.get(category, category), total)
            for category, total in _sum_by(
                FedComplaintDay.objects.filter(**in_month), "category", "received"
            )
        ],
        "ratings": _sum_by(FedRatingDay.objects.filter(**in_month), "level", "count"),
        "records_url": (
            f"{base_url}{reverse('scorecard:rankings')}?month={month:%Y-%m}" if base_url else ""
        ),
        "progress": [
            (p, titles.get(p.directive, "（部署未同步）"))
            for p in FedTaskProgress.objects.filter(district=code).order_by("deadline")
        ],
    }
    return render(request, "federation/district.html", context)


class DirectiveForm(forms.Form):
    title = forms.CharField(label="决策部署", max_length=200)
    source = forms.CharField(label="来源（会议或文号）", max_length=200)
    summary = forms.CharField(label="内容摘要", widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label="完成时限", widget=forms.DateInput(attrs={"type": "date"}))
    districts = forms.MultipleChoiceField(
        label="下达区县（不选即全部）", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["districts"].choices = [
            (s.code, f"{s.name}（{s.code}）") for s in replication.status(ask_districts=False)
        ]


def _progress_table(directive: FedDirective) -> list[dict[str, Any]]:
    progress = {p.district: p for p in FedTaskProgress.objects.filter(directive=directive.pk)}
    rows = []
    for status in replication.status(ask_districts=False):
        if directive.targets(status.code):
            rows.append({"district": status, "progress": progress.get(status.code)})
    return rows


@office_required
def directives(request: HttpRequest) -> HttpResponse:
    upper = conf.is_upper_level()
    form = DirectiveForm(request.POST or None) if upper else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                actions.issue_directive_down(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                return redirect("federation:directives")
    items = []
    for directive in FedDirective.objects.all():
        table = _progress_table(directive)
        verified = [row["progress"].verified_progress for row in table if row["progress"]]
        items.append(
            {
                "directive": directive,
                "rows": table,
                "received": len(verified),
                "mean": (
                    Decimal(sum(verified) / len(verified)).quantize(Decimal("0.1"))
                    if verified
                    else None
                ),
            }
        )
    return render(
        request, "federation/directives.html", {"items": items, "form": form, "upper": upper}
    )


@office_required
def directive(request: HttpRequest, pk: str) -> HttpResponse:
    item = get_object_or_404(FedDirective, pk=pk)
    return render(
        request,
        "federation/directive.html",
        {"directive": item, "rows": _progress_table(item)},
    )
