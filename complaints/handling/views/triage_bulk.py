"""督查室 triage at hotline scale: confirming confident suggestions in bulk (with a
confirmation step that shows how many, then one request in which each complaint goes through
the same `triage` action, audited on its own), handling a group of near-duplicates with one
decision, and the office's threshold for bulk confirmation (stored, audited).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from complaints.handling import actions
from complaints.handling.staff_forms import (
    BulkConfirmForm,
    ThresholdForm,
    TriageFilterForm,
    TriageForm,
)
from complaints.handling.views.triage import (
    back_to_queue,
    bulk_eligible,
    explained,
    filter_querystring,
    filter_waiting,
    queue_url,
    routing_preview,
    waiting_for_triage,
)
from complaints.models import TriageSettings
from zuofeng.access import office_required
from zuofeng.forms import add_action_errors

SHOWN_BEFORE_CONFIRMING = 20
SKIPPED_SHOWN = 5


def _report(request: HttpRequest, result: actions.BulkResult, what: str) -> None:
    if result.done:
        messages.success(request, f"{what}：已分办 {len(result.done)} 件")
    if result.skipped:
        listed = "；".join(f"{c.number}（{why}）" for c, why in result.skipped[:SKIPPED_SHOWN])
        more = "等" if len(result.skipped) > SKIPPED_SHOWN else ""
        messages.warning(request, f"{len(result.skipped)} 件未分办，请逐件甄别：{listed}{more}")


@office_required
@require_http_methods(["GET", "POST"])
def bulk_confirm(request: HttpRequest) -> HttpResponse:
    """批量确认. GET: the complaints of the filtered queue whose suggestion reaches the
    office's threshold, counted and broken down, with one button. POST: exactly those
    (the ids the page showed), each confirmed through `triage`."""
    threshold = TriageSettings.current().bulk_threshold
    if request.method == "POST":
        form = BulkConfirmForm(request.POST)
        back = back_to_queue(request)
        if not form.is_valid():
            messages.error(request, "批量确认的清单无效，请重新筛选后再试")
            return redirect(back)
        chosen = list(
            waiting_for_triage(request.user)
            .filter(pk__in=form.id_list())
            .select_related("unit")
            .order_by("received_at", "pk")
        )
        gone = len(set(form.id_list())) - len(chosen)
        result = actions.confirm_suggestions(
            actor=request.user, complaints=chosen, threshold=threshold
        )
        _report(request, result, f"批量确认（置信度 ≥ {threshold:.0%}）")
        if gone:
            messages.info(request, f"另有 {gone} 件已由他人分办，未重复处理")
        return redirect(back)
    form = TriageFilterForm(request.GET)
    waiting = filter_waiting(waiting_for_triage(request.user), form, threshold)
    eligible = list(
        bulk_eligible(waiting, threshold)
        .select_related("unit", "suggested_category")
        .order_by("received_at", "pk")
    )
    by_category = Counter(c.suggested_category.name for c in eligible).most_common()
    by_unit = Counter(
        "纪检监察机关" if c.suggested_category_id == "integrity" else c.unit.name for c in eligible
    ).most_common()
    for complaint in eligible[:SHOWN_BEFORE_CONFIRMING]:
        complaint.words = explained(complaint)
    querystring = filter_querystring(request)
    return render(
        request,
        "complaints/staff/triage_bulk.html",
        {
            "threshold": threshold,
            "eligible": eligible,
            "shown": eligible[:SHOWN_BEFORE_CONFIRMING],
            "by_category": by_category,
            "by_unit": by_unit,
            "ids": ",".join(str(c.pk) for c in eligible),
            "back": queue_url(querystring),
            "waiting_count": waiting.count(),
        },
    )


@office_required
@require_http_methods(["GET", "POST"])
def group(request: HttpRequest, cluster: int) -> HttpResponse:
    """同类举报一并分办: every complaint of one near-duplicate group still waiting, and one
    decision for all of them (the first one's suggestion proposed)."""
    members = list(
        waiting_for_triage(request.user)
        .filter(cluster_id=cluster)
        .select_related("unit", "suggested_category")
        .order_by("received_at", "pk")
    )
    if not members:
        if request.method == "POST":
            messages.info(request, "该组同类举报已全部分办")
            return redirect(back_to_queue(request))
        raise Http404
    first = members[0]
    status = 200
    if request.method == "POST":
        form = TriageForm(request.POST, complaint=first)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = actions.triage_group(
                    actor=request.user,
                    complaints=members,
                    category=data["category"].code,
                    unit=data["unit"],
                    subject_is_head=data["subject_is_head"] or None,
                    note=data["note"],
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                _report(request, result, f"同类举报 {len(members)} 件一并分办")
                return redirect(back_to_queue(request))
        status = 400
    else:
        form = TriageForm(complaint=first)
    for complaint in members:
        complaint.words = explained(complaint)
    context: dict[str, Any] = {
        "cluster": cluster,
        "members": members,
        "first": first,
        "form": form,
        "preview": routing_preview(first, first.suggested_category, None, first.subject_is_head),
        "back": back_to_queue(request),
        "confidence_percent": round(first.confidence * 100),
    }
    return render(request, "complaints/staff/triage_group.html", context, status=status)


@office_required
@require_http_methods(["GET", "POST"])
def threshold_setting(request: HttpRequest) -> HttpResponse:
    """The office's threshold for bulk confirmation; each change audited."""
    current = TriageSettings.current()
    if request.method == "POST":
        form = ThresholdForm(request.POST)
        if form.is_valid():
            try:
                actions.set_bulk_threshold(
                    actor=request.user,
                    threshold=form.cleaned_data["percent"] / 100,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(
                    request, f"批量确认的置信度下限已改为 {form.cleaned_data['percent']}%"
                )
                return redirect("complaints:triage_queue")
        status = 400
    else:
        form = ThresholdForm(initial={"percent": round(current.bulk_threshold * 100)})
        status = 200
    return render(
        request,
        "complaints/staff/triage_settings.html",
        {"form": form, "current": current},
        status=status,
    )
