"""The supervision office's scorecard pages: compute a month, review the draft, publish it,
correct a published month; the printable page and the Excel export.

Views are thin: every change is a call into the scorecard actions, whose Chinese
ValidationErrors (a future month, publishing twice, weights that do not add up) are shown
as they are, with nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from scorecard import actions, export
from scorecard.compute import min_valid_weight
from scorecard.forms import ComputeForm, CorrectionForm
from scorecard.models import Interview, Scorecard
from scorecard.tables import definitions, month_label, scorecard_groups
from zuofeng.access import office_required

RECENT_SCORECARDS = 36


def run_action(request: HttpRequest, call: Callable[[], Any]) -> Any | None:
    """Run one action; its refusal becomes an error message on the next page (None)."""
    try:
        return call()
    except (ValidationError, PermissionDenied) as error:
        texts = getattr(error, "messages", None) or [str(error) or "操作未完成"]
        for text in texts:
            messages.error(request, text)
        return None


@require_GET
@office_required
def months(request: HttpRequest) -> HttpResponse:
    # The list shows each scorecard's standard (and nobody's name): one join, not a query a row.
    scorecards = list(
        Scorecard.objects.select_related("standard").order_by("-month", "-version")[
            :RECENT_SCORECARDS
        ]
    )
    return render(
        request,
        "scorecard/months.html",
        {
            "form": ComputeForm(),
            "scorecards": scorecards,
            "flagged_count": Interview.objects.filter(status=Interview.Status.FLAGGED).count(),
        },
    )


@require_POST
@office_required
def compute(request: HttpRequest) -> HttpResponse:
    form = ComputeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect("scorecard:months")
    month = form.cleaned_data["month"]
    scorecard = run_action(request, lambda: actions.compute_month(actor=request.user, month=month))
    if scorecard is None:
        return redirect("scorecard:months")
    messages.success(
        request, f"已计算{month_label(scorecard.month)}考核（第{scorecard.version}版，待审核）"
    )
    return redirect("scorecard:review", pk=scorecard.pk)


def link_prefixes() -> dict[str, str]:
    """URL prefixes for the table's unit and drill-down links: one reverse() per page
    instead of one per cell."""
    return {
        "unit_links": reverse("scorecard:unit", args=[0]).removesuffix("0/"),
        "drill_prefix": reverse("scorecard:drill_down", args=[0]).removesuffix("0/"),
    }


def _scorecard(pk: int) -> Scorecard:
    return get_object_or_404(
        Scorecard.objects.select_related("standard", "computed_by", "published_by"), pk=pk
    )


@require_GET
@office_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = _scorecard(pk)
    versions = Scorecard.objects.filter(month=scorecard.month)
    return render(
        request,
        "scorecard/review.html",
        {
            "scorecard": scorecard,
            "groups": scorecard_groups(scorecard),
            "versions": versions.order_by("-version"),
            "correction_form": CorrectionForm(),
            "publish_refusal": actions.publish_refusal(
                scorecard, actor=request.user, now=timezone.now()
            ),
            "min_valid_weight": min_valid_weight(),
            **link_prefixes(),
            "month_label": month_label(scorecard.month),
        },
    )


@require_POST
@office_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = _scorecard(pk)
    done = run_action(
        request, lambda: actions.publish_scorecard(actor=request.user, scorecard=scorecard)
    )
    if done is not None:
        messages.success(request, f"{month_label(scorecard.month)}考核结果已发布，排名已公开")
    return redirect("scorecard:review", pk=scorecard.pk)


@require_POST
@office_required
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = _scorecard(pk)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写更正原因。")
        return redirect("scorecard:review", pk=scorecard.pk)
    reason = form.cleaned_data["reason"]
    draft = run_action(
        request,
        lambda: actions.compute_month(actor=request.user, month=scorecard.month, reason=reason),
    )
    if draft is None:
        return redirect("scorecard:review", pk=scorecard.pk)
    messages.success(
        request, f"已生成更正版本（第{draft.version}版，待审核）；发布后将取代原发布版本"
    )
    return redirect("scorecard:review", pk=draft.pk)


@require_GET
@office_required
def printable(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = _scorecard(pk)
    return render(
        request,
        "scorecard/print.html",
        {
            "scorecard": scorecard,
            "groups": scorecard_groups(scorecard),
            "definitions": definitions(scorecard),
            "month_label": month_label(scorecard.month),
        },
    )


@require_GET
@office_required
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = _scorecard(pk)
    response = HttpResponse(
        export.scorecard_workbook(scorecard),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"scorecard-{scorecard.month:%Y-%m}-v{scorecard.version}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
